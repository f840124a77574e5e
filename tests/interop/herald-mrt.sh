#!/usr/bin/env bash
# MRT dumps written by herald, read by bgpdump; a snapshot injected into another BIRD.
#
#   tests/interop/herald-mrt.sh          (KEEP_WORK=1 keeps the temp dir; HERALD_TEST_TIMEOUT=S)
#
# BIRD a (127.0.26.1, AS 65026) sends herald-r (127.0.26.2) 1,001 IPv4 routes and one IPv6
# route. herald-r writes every message it receives (mrt.updates, gzip) and TABLE_DUMP_V2
# snapshots of its Adj-RIB-In (mrt.table). Then:
# 1. bgpdump reads the snapshot: exactly BIRD a's export, prefix by prefix, with AS path and
#    next hop; `herald decode --mrt` reads it too;
# 2. bgpdump reads the updates file (complete after SIGTERM): every exported prefix announced
#    with its AS path, and herald-r's session state changes;
# 3. herald-i (127.0.26.3, AS 65028) injects the snapshot into BIRD b (127.0.26.4, AS 65029)
#    with `announce mrt FILE prepend 65028`: BIRD b holds every route with the AS path
#    65028 65026 and the file's next hops. (`next-hop self` would give the IPv6 route an
#    IPv4-mapped next hop over this IPv4 session, as ExaBGP does, which BIRD refuses.)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
h_init 120 "$@"
require_peer bird birdc bgpdump python3
h_build

CONF="$H_INTEROP/configs/herald-mrt"
W="$H_WORK"
PA="$(h_free_port 127.0.26.1)"
PB="$(h_free_port 127.0.26.4)"
ROUTES="$(python3 -c '
for i in range(1000):
    print("@A@  route 10.227.%d.%d/32 blackhole;" % (i // 250, i % 250))')"
# ROUTES first: its @A@ markers are filled after it.
h_render "$CONF/bird.conf" "$W/bird-a.conf" ROUTES="$ROUTES" PORT="$PA" ID=192.0.2.26 A="" B="#"
h_render "$CONF/bird.conf" "$W/bird-b.conf" ROUTES="" PORT="$PB" ID=192.0.2.29 A="#" B=""
h_render "$CONF/herald-r.conf" "$W/herald-r.conf" PORT="$PA"
h_render "$CONF/herald-i.conf" "$W/herald-i.conf" PORT="$PB"
mkdir -p "$W/mrt"

h_bird_start a "$W/bird-a.conf"
herald_mrt_updates="$W/mrt/updates.%Y%m%d.%H%M.gz" herald_mrt_table="$W/mrt/rib.%Y%m%d.%H%M%S.gz" \
    herald_mrt_table_interval=2 h_herald_start herald-r "$W/herald-r.conf" --control "$W/r.sock"
h_wait 15 "session with BIRD a" h_bird_established a herald
h_wait 20 "herald-r holds BIRD a's 1,002 routes" sh -c "[ \"\$('$HERALD' ctl -s '$W/r.sock' show adj-rib in | grep -c .)\" = 1002 ]"
snapshot_complete() {
    local f
    for f in "$W"/mrt/rib.*.gz; do
        [ -e "$f" ] || return 1
        [ "$(bgpdump -q -m "$f" 2>/dev/null | grep -c .)" = 1002 ] && { RIB="$f"; return 0; }
    done
    return 1
}
h_wait 20 "a snapshot with the whole table" snapshot_complete
h_birdc a show route export herald table t4 >"$W/export4.txt"
h_birdc a show route export herald table t6 >"$W/export6.txt"

# 1. The snapshot, as bgpdump reads it.
bgpdump -q -m "$RIB" >"$W/rib.txt" 2>"$W/bgpdump.err" || h_fail "bgpdump: $(cat "$W/bgpdump.err")"
python3 - "$W/rib.txt" "$W/export4.txt" "$W/export6.txt" <<'PY' || h_fail "the snapshot differs from BIRD's export"
import re, sys
rows = [l.split("|") for l in open(sys.argv[1]) if l.strip()]
got = {}
for r in rows:
    assert r[0] == "TABLE_DUMP2" and r[2] == "B", r
    assert r[3] == "127.0.26.1" and r[4] == "65026", r
    got[r[5]] = (r[6], r[8])
bird = set(re.findall(r"^(\S+/\d+)", open(sys.argv[2]).read() + open(sys.argv[3]).read(), re.M))
assert set(got) == bird, (sorted(set(got) ^ bird)[:5], len(got), len(bird))
for p, (path, nh) in got.items():
    assert path == "65026", (p, path)
    assert nh == ("2001:db8::26" if ":" in p else "127.0.26.1"), (p, nh)
print(len(got))
PY
"$HERALD" decode --mrt "$RIB" >"$W/decoded.json" 2>"$W/decode.err" || h_fail "herald decode --mrt: $(cat "$W/decode.err")"
[ "$(grep -c '"update"' "$W/decoded.json")" -ge 1002 ] || h_fail "herald decode --mrt read $(grep -c . "$W/decoded.json") messages"
h_ok "TABLE_DUMP_V2 snapshot: bgpdump reads BIRD a's 1,002 routes with AS path and next hop; herald decode --mrt reads it"

# 2. The updates file, complete once herald-r has stopped.
h_stop herald-r TERM
UPD="$(ls "$W"/mrt/updates.*.gz | head -n 1)"
bgpdump -q -m "$UPD" >"$W/updates.txt" 2>>"$W/bgpdump.err" || h_fail "bgpdump updates: $(cat "$W/bgpdump.err")"
python3 - "$W/updates.txt" "$W/rib.txt" <<'PY' || h_fail "the updates dump differs"
import sys
rows = [l.rstrip("\n").split("|") for l in open(sys.argv[1]) if l.strip()]
ann = {r[5]: r[6] for r in rows if r[0] == "BGP4MP_ET" and r[2] == "A"}
states = [r for r in rows if r[2] == "STATE"]
rib = {l.split("|")[5] for l in open(sys.argv[2]) if l.strip()}
assert set(ann) == rib, sorted(set(ann) ^ rib)[:5]
assert all(p == "65026" for p in ann.values())
assert any(r[-1] == "6" for r in states), states  # into Established
print(len(ann), len(states))
PY
h_ok "BGP4MP_ET updates (gzip): bgpdump reads every route announced with its AS path, and the state changes"

# 3. Inject the snapshot into BIRD b.
h_bird_start b "$W/bird-b.conf"
h_herald_start herald-i "$W/herald-i.conf" --control "$W/i.sock"
h_wait 15 "session with BIRD b" h_bird_established b herald
"$HERALD" ctl -s "$W/i.sock" announce mrt "$RIB" prepend 65028 >"$W/inject.txt" 2>&1 ||
    h_fail "announce mrt: $(cat "$W/inject.txt")"
h_wait 20 "BIRD b holds the injected IPv4 routes" h_bird_count_is b t4 1001
h_wait 10 "BIRD b holds the injected IPv6 route" h_bird_count_is b t6 1
h_birdc b show route all table t4 10.226.0.0/16 >"$W/b-route.txt"
grep -q "BGP.as_path: 65028 65026" "$W/b-route.txt" || h_fail "AS path at BIRD b: $(cat "$W/b-route.txt")"
grep -q "BGP.next_hop: 127.0.26.1" "$W/b-route.txt" || h_fail "next hop at BIRD b: $(cat "$W/b-route.txt")"
h_birdc b show route all table t6 >"$W/b-route6.txt"
grep -q "BGP.next_hop: 2001:db8::26" "$W/b-route6.txt" || h_fail "IPv6 next hop at BIRD b: $(cat "$W/b-route6.txt")"
h_ok "announce mrt: BIRD b holds the snapshot's 1,002 routes, AS path 65028 65026, the file's next hops"
h_done
