#!/usr/bin/env bash
# BMP (RFC 7854) export to a real collector: pmacct's pmbmpd.
#
#   tests/interop/herald-bmp.sh          (KEEP_WORK=1 keeps the temp dir; HERALD_TEST_TIMEOUT=S)
#
# BIRD (127.0.25.1, AS 65026) sends herald (127.0.25.2, AS 65027) 204 IPv4 and 2 IPv6 routes;
# herald reports the session to pmbmpd (127.0.25.9), which logs every message it decodes as
# JSON (bmp_daemon_msglog_file). Asserted from pmbmpd's log:
# - Initiation with herald's sysDescr, then a Peer Up for BIRD (its address, AS and BGP ID,
#   herald's address, the TCP ports);
# - a Route Monitoring message for every route BIRD exported, with its prefix and AS path;
# - Statistics Reports: routes in the Adj-RIB-In (type 7) equal to BIRD's export, per family
#   (type 9) and treat-as-withdraw (type 11);
# - when BIRD drops the session, a Peer Down (the remote system closed it, with its
#   NOTIFICATION); when BIRD comes back, a Peer Up and the routes again;
# - pmbmpd restarted: herald reconnects and sends Initiation, Peer Up and every route again;
# - herald stopped: a Peer Down (the local system closed it) and a Termination.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
h_init 90 "$@"
# pmbmpd is required: a missing one fails (not skips) this script.
for c in pmbmpd bird birdc python3; do
    command -v "$c" >/dev/null 2>&1 || [ -x "/usr/sbin/$c" ] ||
        h_fail "$c is missing (scripts/install-test-deps.sh installs it: pmbmpd from Debian's pmacct)"
done
h_build

CONF="$H_INTEROP/configs/herald-bmp"
W="$H_WORK"
PORT="$(h_free_port 127.0.25.1)"
BMPPORT="$(h_free_port 127.0.25.9)"
ROUTES="$(python3 -c '
for i in range(200):
    print("  route 10.251.%d.%d/32 blackhole;" % (i // 100, i % 100))')"
h_render "$CONF/bird.conf" "$W/bird.conf" PORT="$PORT" ROUTES="$ROUTES"
h_render "$CONF/herald.conf" "$W/herald.conf" PORT="$PORT"
h_render "$CONF/pmbmpd.conf" "$W/pmbmpd.conf" BMPPORT="$BMPPORT" OUT="$W/bmp.json"
h_log_file "$W/bmp.json"
export herald_bmp_collectors="127.0.25.9:$BMPPORT" herald_bmp_statistics_interval=2

pmbmpd_listening() { ss -ltn "sport = :$BMPPORT" | grep -q "127.0.25.9:$BMPPORT"; }
h_start pmbmpd "$W/pmbmpd.log" pmbmpd -f "$W/pmbmpd.conf"
h_wait 10 "pmbmpd listening" pmbmpd_listening
h_bird_start bird "$W/bird.conf"
h_herald_start herald "$W/herald.conf"
h_wait 15 "session established" h_bird_established bird herald

# What BIRD exports, with the AS path herald receives (BIRD's AS before its prepends).
h_birdc bird show route export herald table t4 >"$W/export4.txt"
h_birdc bird show route export herald table t6 >"$W/export6.txt"
python3 - "$W/export4.txt" "$W/export6.txt" >"$W/want.txt" <<'PY'
import re, sys
paths = {"10.250.2.0/24": "65026 64999", "10.250.3.0/24": "65026 64997 64998",
         "2001:db8:251::/48": "65026 64999"}
n = 0
for f in sys.argv[1:]:
    for p in re.findall(r"^([0-9a-f:.]+/\d+)", open(f).read(), re.M):
        print(p, paths.get(p, "65026"))
        n += 1
assert n == 206, n
PY

# check.py PHASE: what pmbmpd logged; PHASE says how far the script has come.
cat >"$W/check.py" <<'PY'
import json, sys
phase, log, want = sys.argv[1], sys.argv[2], sys.argv[3]
want = dict(l.split(" ", 1) for l in open(want).read().splitlines())
want = {p: a.strip() for p, a in want.items()}
msgs = []
for line in open(log):
    try:
        msgs.append(json.loads(line))
    except ValueError:
        pass  # a line being written
def kind(m):
    return m.get("bmp_msg_type") or m.get("event_type")
def routes(ms):
    return {m["ip_prefix"]: m.get("as_path", "") for m in ms
            if kind(m) == "route_monitor" and m.get("log_type") == "update"}
# Split into connections: each starts with pmbmpd's log_init.
conns, cur = [], None
for m in msgs:
    if m.get("event_type") == "log_init":
        cur = []
        conns.append(cur)
    elif cur is not None and m.get("event_type") != "log_close":
        cur.append(m)
def need(cond, what):
    if not cond:
        sys.exit("%s: %s" % (phase, what))
need(conns, "no connection logged")
c = conns[0]
kinds = [kind(m) for m in c]
need(kinds and kinds[0] == "init", "first message %s" % kinds[:1])
need(c[0].get("bmp_init_info_sysdescr", "").startswith("herald "), c[0])
ups = [m for m in c if kind(m) == "peer_up"]
need(ups, "no peer up")
u = ups[0]
need((u["peer_ip"], u["peer_asn"], u["bgp_id"], u["local_ip"], u["remote_port"]) ==
     ("127.0.25.1", 65026, "192.0.2.25", "127.0.25.2", int(sys.argv[4])), u)
need(kinds.index("peer_up") < kinds.index("route_monitor"), "a route before the peer up")
got = routes(c)
need(got == want, "routes: %d of %d; missing %s; different %s" % (
    len(got), len(want), sorted(set(want) - set(got))[:5],
    sorted((p, got[p], want[p]) for p in got if p in want and got[p] != want[p])[:5]))
stats = {(m["counter_type"], m.get("afi"), m.get("safi")): m["counter_value"]
         for m in c if kind(m) == "stats" and m.get("peer_ip") == "127.0.25.1"}
need(stats.get((7, None, None)) == len(want), "statistics %s" % stats)
need(stats.get((9, 1, 1)) == 204 and stats.get((9, 2, 1)) == 2 and stats.get((11, None, None)) == 0,
     "per-family statistics %s" % stats)
if phase == "up":
    sys.exit(0)
downs = [m for m in c if kind(m) == "peer_down"]
need(downs and downs[0]["peer_ip"] == "127.0.25.1" and downs[0]["reason_type"] == 3, downs)
after = c[kinds.index("peer_down"):]
need([m for m in after if kind(m) == "peer_up"] and routes(after) == want, "the session's return")
if phase == "down":
    sys.exit(0)
need(len(conns) >= 2, "no second connection")
c2 = conns[-1]
k2 = [kind(m) for m in c2]
need(k2[:2] == ["init", "peer_up"], k2[:3])
need(routes(c2) == want, "routes after the restart: %d of %d" % (len(routes(c2)), len(want)))
if phase == "restart":
    sys.exit(0)
need(k2[-2:] == ["peer_down", "term"], "last messages %s" % k2[-2:])
need(c2[-2]["reason_type"] == 1, "herald's Cease: %s" % c2[-2])
need(c2[-1].get("bmp_term_info_reason") == "Session administratively closed", c2[-1])
PY
check() { python3 "$W/check.py" "$1" "$W/bmp.json" "$W/want.txt" "$PORT"; }

h_wait 20 "pmbmpd logged the peer up, the 206 routes and statistics" check up
h_ok "pmbmpd: Initiation (sysDescr herald), Peer Up (BIRD's address, AS 65026, BGP ID, herald's address, port), the 206 routes with their AS paths as Route Monitoring, statistics (Adj-RIB-In 206, 204 IPv4 + 2 IPv6, treat-as-withdraw 0)"

h_birdc bird disable herald >/dev/null
h_wait 10 "the session down at BIRD" sh -c "! timeout 5 birdc -s '$W/bird.ctl' show protocols herald | grep -q Established"
h_birdc bird enable herald >/dev/null
h_wait 20 "pmbmpd logged the peer down (remote system closed, reason 3), then the session and routes back" check down
h_ok "pmbmpd: Peer Down with reason 3 when BIRD dropped the session, then Peer Up and the 206 routes again"

h_stop pmbmpd TERM
h_start pmbmpd "$W/pmbmpd.log" pmbmpd -f "$W/pmbmpd.conf"
h_wait 10 "pmbmpd listening again" pmbmpd_listening
h_wait 20 "herald reconnected and dumped its Adj-RIB-In" check restart
h_ok "pmbmpd restarted: herald reconnected; Initiation, Peer Up and the 206 routes again"

h_stop herald TERM
h_wait 10 "pmbmpd logged the termination" check term
h_ok "herald stopped: Peer Down (reason 1, herald's Cease), then Termination (administratively closed)"
h_done
