#!/usr/bin/env bash
# herald decode --pcap on a pcapng capture of a live session with BIRD.
#
#   tests/interop/herald-pcap.sh          (KEEP_WORK=1 keeps the temp dir; HERALD_TEST_TIMEOUT=S)
#
# tshark captures on `lo` (pcapng, the format it writes by default) while herald (127.0.16.2,
# AS 65017) and BIRD (127.0.16.1, AS 65016) exchange routes both ways, IPv4 and IPv6, and
# herald ends the session with a Cease. Then `herald decode --pcap` must find every message
# tshark finds, of the same types in the same order, with both sides' routes and the Cease.
# Needs root (or capture rights) for tshark on lo.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
h_init 90 "$@"
require_peer bird birdc tshark python3
h_build

CONF="$H_INTEROP/configs/herald-pcap"
W="$H_WORK"
PORT="$(h_free_port 127.0.16.1)"
h_render "$CONF/bird.conf" "$W/bird.conf" PORT="$PORT"
h_render "$CONF/herald.conf" "$W/herald.conf" PORT="$PORT"
"$HERALD" check "$W/herald.conf" >"$W/check.log" 2>&1 || h_fail "herald check: $(cat "$W/check.log")"

CAP="$W/session.pcapng"
h_start tshark "$W/tshark.log" tshark -i lo -n -l -P -f "tcp port $PORT" -w "$CAP"
# "Capturing on" comes before the filter is live: knock on the port (nothing listens yet, the
# SYN is refused) until tshark prints a packet, so that the session's first SYN is captured.
knock() {
    python3 -c 'import socket,sys; s=socket.socket(); s.settimeout(1); s.connect_ex((sys.argv[1], int(sys.argv[2])))' 127.0.16.1 "$PORT"
    h_log_has "$W/tshark.log" "127\.0\.16\.1"
}
h_wait 15 "tshark capturing" knock

h_bird_start bird "$W/bird.conf"
h_herald_start herald "$W/herald.conf"
h_wait 15 "session established" h_bird_established bird herald
h_wait 15 "herald's routes at BIRD" h_bird_count_is bird t4 4
h_wait 15 "herald's IPv6 route at BIRD" h_bird_count_is bird t6 2
h_ok "routes exchanged"
h_stop herald TERM
h_wait 10 "BIRD sees the Cease" sh -c "timeout 5 birdc -s '$W/bird.ctl' show protocols all herald | grep -q 'Received: Administrative shutdown'"
# The session's last packet is BIRD's FIN answer: wait until tshark has printed it.
h_wait 10 "the closing FIN captured" h_log_has "$W/tshark.log" "127\.0\.16\.1 → 127\.0\.16\.2 .*FIN"
h_stop tshark INT
[ -s "$CAP" ] || h_fail "no capture written"
head -c 4 "$CAP" | od -An -tx1 | grep -q "0a 0d 0d 0a" || h_fail "the capture is not pcapng"

# What tshark sees: the BGP message types in capture order (one packet may hold several).
tshark -r "$CAP" -n -d "tcp.port==$PORT,bgp" -Y bgp -T fields -e bgp.type 2>/dev/null | tr ',' '\n' | sed '/^$/d' >"$W/tshark.types"
"$HERALD" decode --pcap "$CAP" >"$W/decoded.json" 2>"$W/decode.err" || h_fail "decode failed: $(cat "$W/decode.err")"
python3 - "$W/decoded.json" "$W/tshark.types" <<'PY' || h_fail "herald decode and tshark disagree"
import json, sys
names = {"1": "open", "2": "update", "3": "notification", "4": "keepalive", "5": "refresh"}
decoded = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
want = [names[t.strip()] for t in open(sys.argv[2]) if t.strip()]
got = [m["type"] for m in decoded]
if got != want:
    sys.exit("types differ:\n herald: %s\n tshark: %s" % (got, want))
opens = [m for m in decoded if m["type"] == "open"]
assert len(opens) == 2, opens
def nlri(direction_peer):
    out = set()
    for m in decoded:
        if m["type"] != "update" or m["neighbor"]["address"]["peer"] != direction_peer:
            continue
        for fam, routes in m["neighbor"]["message"].get("update", {}).get("announce", {}).items():
            for nh, rs in routes.items():
                for r in rs:
                    out.add((fam, r["nlri"] if isinstance(r, dict) else r))
    return out
# Messages from herald have peer 127.0.16.2 as their sender ("peer" is the sending side).
from_herald = nlri("127.0.16.2")
from_bird = nlri("127.0.16.1")
exp_herald = {("ipv4 unicast", "198.51.100.0/24"), ("ipv4 unicast", "198.51.101.0/24"), ("ipv6 unicast", "2001:db8:170::/48")}
exp_bird = {("ipv4 unicast", "10.160.1.0/24"), ("ipv4 unicast", "10.160.2.0/24"), ("ipv6 unicast", "2001:db8:160:1::/64")}
if from_herald != exp_herald or from_bird != exp_bird:
    sys.exit("routes differ:\n from herald %s\n from bird %s" % (sorted(from_herald), sorted(from_bird)))
cease = [m for m in decoded if m["type"] == "notification"]
assert cease and cease[0]["neighbor"]["notification"]["code"] == 6 and cease[0]["neighbor"]["notification"]["subcode"] == 2, cease
print("%d messages, %d updates" % (len(got), got.count("update")))
PY
h_ok "herald decode --pcap finds what tshark finds: $(grep -c . "$W/tshark.types") messages, both sides' routes, the Cease"
h_done
