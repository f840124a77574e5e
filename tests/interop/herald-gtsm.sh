#!/usr/bin/env bash
# GTSM (RFC 5082, `incoming-ttl`/`outgoing-ttl`) with BIRD 2, in network namespaces this script
# creates (and removes): herald in NS_H, a router NS_R one hop away that also runs the near BIRD,
# and NS_B behind the router, one hop further, with the far BIRD.
#
#   tests/interop/herald-gtsm.sh           (KEEP_WORK=1 keeps the temp dir; needs root for netns)
#
#   NS_H 10.199.1.1 --- 10.199.1.2 NS_R (forwarding; near BIRD) 10.199.2.2 --- 10.199.2.1 NS_B (far BIRD)
#
# BIRD runs `ttl security yes` everywhere (it sends TTL 255 and requires 255, or 256 - multihop).
# Asserted:
#   near  (BIRD connects to herald's listener, herald incoming-ttl 255): Established;
#   far   (BIRD one hop further connects, herald incoming-ttl 255; its packets arrive with 254):
#         never Established — the accepted connection is held to the minimum TTL;
#   farok (herald connects to the far BIRD with outgoing-ttl 255 and incoming-ttl 254): Established,
#         which shows the path itself works and the outgoing TTL is applied.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
h_init 60 "$@"
require_peer bird birdc ip
h_build
W="$H_WORK"
if ! ip netns add "hg$$-probe" 2>/dev/null; then
    if [ "${HERALD_REQUIRE_PEERS:-0}" = 1 ]; then
        h_fail "cannot create network namespaces (needs root)"
    fi
    printf '[%s] SKIP: cannot create network namespaces (needs root)\n' "$H_NAME" >&2
    H_DONE=1 H_SKIPPED=1
    exit 0
fi
ip netns del "hg$$-probe"
NS_H="hg$$-h"
NS_R="hg$$-r"
NS_B="hg$$-b"
netns_cleanup() {
    local n
    for n in "$NS_H" "$NS_R" "$NS_B"; do
        # whatever still runs inside (a daemon of a failed run) goes with its namespace
        ip netns pids "$n" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
        ip netns del "$n" 2>/dev/null || true
    done
}
trap 'rc=$?; netns_cleanup; (exit $rc); h_cleanup' EXIT
for n in "$NS_H" "$NS_R" "$NS_B"; do
    ip netns add "$n"
    ip -n "$n" link set lo up
done
ip link add hgh$$ netns "$NS_H" type veth peer name hgrh$$ netns "$NS_R"
ip link add hgrb$$ netns "$NS_R" type veth peer name hgb$$ netns "$NS_B"
ip -n "$NS_H" addr add 10.199.1.1/24 dev "hgh$$"
ip -n "$NS_R" addr add 10.199.1.2/24 dev "hgrh$$"
ip -n "$NS_R" addr add 10.199.2.2/24 dev "hgrb$$"
ip -n "$NS_B" addr add 10.199.2.1/24 dev "hgb$$"
for l in "$NS_H:hgh$$" "$NS_R:hgrh$$" "$NS_R:hgrb$$" "$NS_B:hgb$$"; do
    ip -n "${l%%:*}" link set "${l#*:}" up
done
ip netns exec "$NS_R" sysctl -q -w net.ipv4.ip_forward=1
ip -n "$NS_H" route add 10.199.2.0/24 via 10.199.1.2
ip -n "$NS_B" route add 10.199.1.0/24 via 10.199.2.2

cat >"$W/near.conf" <<C
router id 10.199.1.2;
log stderr all;
protocol device { }
protocol bgp near { local 10.199.1.2 as 65002; neighbor 10.199.1.1 port 1790 as 65001; ttl security yes;
  connect retry time 1; error wait time 1, 2; ipv4 { import all; export none; }; }
C
cat >"$W/far.conf" <<C
router id 10.199.2.1;
log stderr all;
protocol device { }
protocol bgp far { local 10.199.2.1 as 65003; neighbor 10.199.1.1 port 1790 as 65001; multihop 2; ttl security yes;
  connect retry time 1; error wait time 1, 2; ipv4 { import all; export none; }; }
protocol bgp farok { local 10.199.2.1 port 1791 as 65003; neighbor 10.199.1.1 as 65001; multihop 2; ttl security yes;
  passive on; ipv4 { import all; export none; }; }
C
cat >"$W/herald.conf" <<C
neighbor 10.199.1.2 { router-id 10.199.1.1; local-address 10.199.1.1; local-as 65001; peer-as 65002;
  passive; listen 1790; incoming-ttl 255; outgoing-ttl 255; family { ipv4 unicast; } }
neighbor 10.199.2.1 { router-id 10.199.1.1; local-address 10.199.1.1; local-as 65001; peer-as 65003;
  passive; listen 1790; incoming-ttl 255; outgoing-ttl 255; family { ipv4 unicast; } }
neighbor 10.199.2.1 { router-id 10.199.1.1; local-address 10.199.1.1; local-as 65001; peer-as 65003;
  connect 1791; incoming-ttl 254; outgoing-ttl 255; family { ipv4 unicast; } }
C
"$HERALD" check "$W/herald.conf" >"$W/check.log" 2>&1 || h_fail "herald check: $(cat "$W/check.log")"
h_start herald "$W/herald.log" ip netns exec "$NS_H" "$HERALD" run "$W/herald.conf" --log-level info --control "$W/h.sock"
h_wait 10 "herald listening" h_log_has "$W/herald.log" "listening"
for b in near far; do
    bird -p -c "$W/$b.conf" >"$W/$b.parse.log" 2>&1 || h_fail "bird rejected $b.conf: $(cat "$W/$b.parse.log")"
done
h_start near "$W/near.log" ip netns exec "$NS_R" bird -f -c "$W/near.conf" -s "$W/near.ctl" -P "$W/near.pid"
h_start far "$W/far.log" ip netns exec "$NS_B" bird -f -c "$W/far.conf" -s "$W/far.ctl" -P "$W/far.pid"
h_wait 10 "near BIRD" birdc -s "$W/near.ctl" show status
h_wait 10 "far BIRD" birdc -s "$W/far.ctl" show status

h_wait 20 "near: Established (one hop, TTL 255)" h_bird_established near near
h_ok "near: BIRD one hop away reaches herald's listener with TTL 255: Established"
h_wait 20 "farok: Established (herald connects, incoming-ttl 254)" h_bird_established far farok
h_ok "farok: herald connects to the BIRD two hops away with outgoing-ttl 255, accepts TTL 254: Established"
# BIRD `far` retries every second; give it 6 s.
for _ in $(seq 30); do
    h_bird_established far far && h_fail "far: a peer whose packets arrive with TTL 254 got a session past incoming-ttl 255"
    sleep 0.2
done
established_far="$(sed 's/\x1b\[[0-9;]*m//g' "$W/herald.log" | grep -c 'established peer=10.199.2.1 listen 1790' || true)"
[ "$established_far" -eq 0 ] || h_fail "herald logged the far session on its listener as established"
h_ok "far: BIRD two hops away (TTL 254 on arrival) never gets a session on herald's listener with incoming-ttl 255"
h_done
