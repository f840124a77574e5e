#!/usr/bin/env bash
# herald -> GoBGP 3 with route target membership routes (RFC 4684, ipv4 rtc, AFI 1 SAFI 132),
# in herald's own `rtc` syntax (docs/configuration.md) and the API's `announce|withdraw ipv4 rtc`.
#
#   tests/interop/herald-rtc.sh          (KEEP_WORK=1 keeps the temp dir; HERALD_TEST_TIMEOUT=S)
#
# herald (127.0.27.1) has two passive GoBGP 3 peers with the rtc family only:
#   - GoBGP A (127.0.27.2) gets the configured routes of configs/herald-rtc/herald.conf: route
#     targets of the three kinds (2-octet AS, IPv4 address, 4-octet AS) from origin AS 65000,
#     and one from 4-octet origin AS 4200000000 with a MED. GoBGP holds exactly
#     configs/herald-rtc/expected-a.txt (`gobgp -j global rib -a rtc`: GoBGP's NLRI text, next
#     hop, MED). Then, through the control socket (`herald ctl neighbor 127.0.27.2 announce ipv4
#     rtc … next-hop self` and `withdraw ipv4 rtc …`), one route is added and one withdrawn:
#     expected-a-api.txt.
#   - GoBGP B (127.0.27.3) gets the default membership route (`rtc default`, the zero-length
#     NLRI) from the configuration and holds it ("0:default"); `herald ctl neighbor 127.0.27.3
#     withdraw ipv4 rtc default` removes it and `announce ipv4 rtc default next-hop self` brings
#     it back.
# The default route goes to its own GoBGP because GoBGP 3.10 panics (nil pointer in
# BgpServer.propagateUpdate, server.go:1223) when it receives the default membership route
# while it holds specific ones, or a specific one while it holds the default, whatever the
# order and whether they come in one UPDATE or two; it holds either kind alone.
# The octets herald sends are checked against GoBGP's own in the Rust tests
# (crates/herald/src/daemon/export/tests/rtc.rs, crates/herald-wire/tests/vectors/gobgp-rtc.txt).
# Addresses 127.0.27.1-3 only. GoBGP missing: the test fails (HERALD_REQUIRE_PEERS=0 makes it
# a skip).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
h_init 90 "$@"
# A missing peer is a failure here, not a skip (HERALD_REQUIRE_PEERS=0 makes it a skip).
export HERALD_REQUIRE_PEERS="${HERALD_REQUIRE_PEERS:-1}"
require_peer gobgpd gobgp python3
h_build

CONF="$H_INTEROP/configs/herald-rtc"
W="$H_WORK"
CTL="$W/ctl.sock"

read -r PORT_A API_A < <(h_free_ports 127.0.27.2 2 | xargs)
read -r PORT_B API_B < <(h_free_ports 127.0.27.3 2 | xargs)
h_say "ports: GoBGP A bgp $PORT_A api $API_A, GoBGP B bgp $PORT_B api $API_B"
h_render "$CONF/gobgp.toml" "$W/gobgp-a.toml" PORT_G="$PORT_A" GOBGP=127.0.27.2
h_render "$CONF/gobgp.toml" "$W/gobgp-b.toml" PORT_G="$PORT_B" GOBGP=127.0.27.3
h_render "$CONF/herald.conf" "$W/herald.conf" PORT_A="$PORT_A" PORT_B="$PORT_B"
"$HERALD" check "$W/herald.conf" >"$W/herald.check.log" 2>&1 ||
    h_fail "herald check herald.conf: $(cat "$W/herald.check.log")"

h_start gobgpd-a "$W/gobgpd-a.log" gobgpd -f "$W/gobgp-a.toml" --api-hosts "127.0.27.2:$API_A" \
    --pprof-disable --log-plain
h_start gobgpd-b "$W/gobgpd-b.log" gobgpd -f "$W/gobgp-b.toml" --api-hosts "127.0.27.3:$API_B" \
    --pprof-disable --log-plain
gobgp_a() { timeout 5 gobgp -u 127.0.27.2 -p "$API_A" "$@"; }
gobgp_b() { timeout 5 gobgp -u 127.0.27.3 -p "$API_B" "$@"; }
h_wait 15 "GoBGP A gRPC API" gobgp_a global
h_wait 15 "GoBGP B gRPC API" gobgp_b global
h_no_wildcard_listen gobgpd-a
h_no_wildcard_listen gobgpd-b

h_herald_start herald "$W/herald.conf" --control "$CTL"
HL="$W/herald.log"
h_wait 15 "herald: established with GoBGP A" h_log_has "$HL" 'established peer=127\.0\.27\.2 '
h_wait 15 "herald: established with GoBGP B" h_log_has "$HL" 'established peer=127\.0\.27\.3 '

# rib WHICH OUT: GoBGP WHICH's rtc RIB as one sorted line per path: NLRI, next hop, MED (GoBGP
# lists the default route with "nlri": null and no attributes: "0:default -").
rib() {
    "gobgp_$1" -j global rib -a rtc >"$W/rib-$1.json" || return 1
    python3 - "$W/rib-$1.json" >"$2" <<'PY'
import json, sys
text = open(sys.argv[1]).read().strip()
lines = []
for key, paths in (json.loads(text) if text else {}).items():
    for p in paths:
        nh, med = "-", None
        for a in p.get("attrs") or []:
            if a.get("type") == 14:
                nh = a.get("nexthop", "-")
            elif a.get("type") == 4:
                med = a.get("metric")
        prefix = (p.get("nlri") or {}).get("prefix", key)
        lines.append(f"{prefix} {nh}" + (f" med={med}" if med is not None else ""))
if lines:
    print("\n".join(sorted(lines)))
PY
}

# holds WHICH EXPECTED: GoBGP WHICH holds exactly the lines of EXPECTED.
holds() {
    rib "$1" "$W/got-$1.txt" && cmp -s "$W/got-$1.txt" "$2"
}

check() { # WHICH EXPECTED WHAT
    if ! h_wait_quiet 10 holds "$1" "$2"; then
        diff -u "$2" "$W/got-$1.txt" >&2 || true
        h_fail "$3: GoBGP $1 does not hold the expected RTC routes (diff above)"
    fi
    h_ok "$3: GoBGP $1 holds $(grep -c . "$2" || true) RTC route(s), as expected"
}

ctl() {
    timeout 10 "$HERALD" ctl -s "$CTL" "$@" >"$W/ctl.out" 2>&1 ||
        h_fail "herald ctl $*: $(cat "$W/ctl.out")"
}

printf '0:default -\n' >"$W/default.txt"
: >"$W/empty.txt"
check a "$CONF/expected-a.txt" "configuration: GoBGP holds exactly the configured RTC routes"
check b "$W/default.txt" "configuration: the default membership route"

ctl neighbor 127.0.27.2 announce ipv4 rtc origin 65000 route-target target:65000:2 next-hop self
ctl neighbor 127.0.27.2 withdraw ipv4 rtc origin 65000 route-target target:192.0.2.1:5
check a "$CONF/expected-a-api.txt" "API announce + withdraw"

ctl neighbor 127.0.27.3 withdraw ipv4 rtc default
check b "$W/empty.txt" "API withdraw of the default route"
ctl neighbor 127.0.27.3 announce ipv4 rtc default next-hop self
check b "$W/default.txt" "API announce of the default route"
# GoBGP A was not touched by the default route's announcements.
check a "$CONF/expected-a-api.txt" "GoBGP A unchanged"
# herald's own view of what it sends, in the configuration's words.
ctl show adj-rib out
grep -q "127.0.27.2 ipv4 rtc rtc origin 65000 route-target target:65000:2 next-hop" "$W/ctl.out" ||
    h_fail "show adj-rib out: $(cat "$W/ctl.out")"
grep -q "127.0.27.3 ipv4 rtc rtc default next-hop" "$W/ctl.out" || h_fail "show adj-rib out: $(cat "$W/ctl.out")"
grep -q "route-target target:192.0.2.1:5" "$W/ctl.out" && h_fail "a withdrawn route is still listed: $(cat "$W/ctl.out")"
h_ok "show adj-rib out lists the RTC routes in the configuration's words"

for g in a b; do
    h_alive "gobgpd-$g" || h_fail "gobgpd $g exited: $(tail -n 20 "$W/gobgpd-$g.log")"
done
if h_log_has "$HL" 'not announcing|malformed|NOTIFICATION'; then
    h_fail "herald logged a problem: $(grep -E 'not announcing|malformed|NOTIFICATION' "$HL")"
fi
h_done
