#!/usr/bin/env bash
# herald -> GoBGP 3 interop: IBGP and EBGP, IPv4 and IPv6 routes over IPv4 and IPv6 transport.
#
#   tests/interop/herald-gobgp.sh          (KEEP_WORK=1 keeps the temp dir; HERALD_TEST_TIMEOUT=S)
#
# Two passive gobgpd (AS 65000; GoBGP's first active connect waits 5-10 s) and two herald
# processes, addresses 127.0.2.0/24 and ::1, OS-chosen free ports:
#   GoBGP A (127.0.2.1 + ::1) <- herald a: 127.0.2.2 IBGP (AS 65000), ::1 EBGP (AS 65010)
#   GoBGP B (127.0.2.3 + ::1) <- herald b: 127.0.2.4 EBGP (AS 65020), ::1 IBGP (AS 65000)
# GoBGP keeps path attributes as received and its JSON is typed, so for every path the check
# covers origin, AS_PATH segments (AS_SET included), next hop, MED, LOCAL_PREF (absent on EBGP,
# even when configured), communities (numeric), extended communities (type, subtype, value),
# large communities, ATOMIC_AGGREGATE, AGGREGATOR, ORIGINATOR_ID and CLUSTER_LIST, in GoBGP's
# order. Expected RIBs: tests/interop/configs/herald-gobgp/expected-{a,b}.txt (gobgprib.py format).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
h_init 90 "$@"
require_peer gobgpd gobgp python3 ss
h_build

CONF="$H_INTEROP/configs/herald-gobgp"
RIB="$H_INTEROP/gobgprib.py"
W="$H_WORK"

PORT_A="$(h_free_port_both 127.0.2.1 ::1)"
PORT_B="$(h_free_port_both 127.0.2.3 ::1)"
[ "$PORT_A" != "$PORT_B" ] || PORT_B="$(h_free_port_both 127.0.2.3 ::1)"
API_A="$(h_free_port 127.0.2.1)"
API_B="$(h_free_port 127.0.2.3)"
h_say "ports: GoBGP A bgp $PORT_A api $API_A, GoBGP B bgp $PORT_B api $API_B"
for x in a b; do
    h_render "$CONF/gobgp-$x.toml" "$W/gobgp-$x.toml" PORT_A="$PORT_A" PORT_B="$PORT_B"
    h_render "$CONF/herald-$x.conf" "$W/herald-$x.conf" PORT_A="$PORT_A" PORT_B="$PORT_B"
    "$HERALD" check "$W/herald-$x.conf" >"$W/herald-$x.check.log" 2>&1 ||
        h_fail "herald check herald-$x.conf: $(cat "$W/herald-$x.check.log")"
done

declare -A API_ADDR=([a]=127.0.2.1 [b]=127.0.2.3) API_PORT=([a]="$API_A" [b]="$API_B")
gobgp_() { # a|b ARGS...
    local x="$1"
    shift
    timeout 5 gobgp -u "${API_ADDR[$x]}" -p "${API_PORT[$x]}" "$@"
}

established() { # a|b NEIGHBOR
    gobgp_ "$1" -j neighbor "$2" | python3 -c '
import json, sys
n = json.load(sys.stdin)
sys.exit(0 if n.get("state", {}).get("session_state") == 6 else 1)'
}

dump_rib() { # a|b: write $W/rib-X-ipv4.json and -ipv6.json
    gobgp_ "$1" -j global rib -a ipv4 >"$W/rib-$1-ipv4.json"
    gobgp_ "$1" -j global rib -a ipv6 >"$W/rib-$1-ipv6.json"
}

rib_matches() { # a|b
    dump_rib "$1" && python3 "$RIB" check "$CONF/expected-$1.txt" "$W/rib-$1-ipv4.json" "$W/rib-$1-ipv6.json" >/dev/null
}

for x in a b; do
    h_start "gobgpd-$x" "$W/gobgpd-$x.log" gobgpd -f "$W/gobgp-$x.toml" \
        --api-hosts "${API_ADDR[$x]}:${API_PORT[$x]}" --pprof-disable --log-plain
done
for x in a b; do
    h_wait 15 "gobgpd $x gRPC API" gobgp_ "$x" global
done
for x in a b; do
    h_herald_start "herald-$x" "$W/herald-$x.conf"
done

h_wait 15 "GoBGP A: 127.0.2.2 established" established a 127.0.2.2
h_wait 15 "GoBGP A: ::1 established" established a ::1
h_wait 15 "GoBGP B: 127.0.2.4 established" established b 127.0.2.4
h_wait 15 "GoBGP B: ::1 established" established b ::1
h_ok "4 sessions established (A: 127.0.2.2 IBGP, ::1 EBGP; B: 127.0.2.4 EBGP, ::1 IBGP)"
h_no_wildcard_listen gobgpd-a
h_no_wildcard_listen gobgpd-b

for x in a b; do
    if ! h_wait_quiet 10 rib_matches "$x"; then
        dump_rib "$x" || true
        python3 "$RIB" check "$CONF/expected-$x.txt" "$W/rib-$x-ipv4.json" "$W/rib-$x-ipv6.json" --label "GoBGP $x" >&2 || true
        printf '\nGoBGP %s RIB (normalised):\n' "$x" >&2
        python3 "$RIB" normalise "$W/rib-$x-ipv4.json" "$W/rib-$x-ipv6.json" >&2 || true
        h_fail "GoBGP $x does not hold the expected routes (see above)"
    fi
    h_ok "GoBGP $x: $(python3 "$RIB" check "$CONF/expected-$x.txt" "$W/rib-$x-ipv4.json" "$W/rib-$x-ipv6.json")"
done

# the herald logs agree: every configured route was sent, nothing was refused
for x in a b; do
    if h_log_has "$W/herald-$x.log" 'not announcing|malformed|NOTIFICATION'; then
        h_fail "herald-$x logged a problem: $(grep -E 'not announcing|malformed|NOTIFICATION' "$W/herald-$x.log")"
    fi
done
h_log_has "$W/herald-a.log" 'initial routes sent peer=127\.0\.2\.1 routes=5 ' || h_fail "herald-a: no 'initial routes sent peer=127.0.2.1 routes=5'"
h_log_has "$W/herald-a.log" 'initial routes sent peer=::1 routes=4 ' || h_fail "herald-a: no 'initial routes sent peer=::1 routes=4'"
h_log_has "$W/herald-b.log" 'initial routes sent peer=127\.0\.2\.3 routes=4 ' || h_fail "herald-b: no 'initial routes sent peer=127.0.2.3 routes=4'"
h_log_has "$W/herald-b.log" 'initial routes sent peer=::1 routes=4 ' || h_fail "herald-b: no 'initial routes sent peer=::1 routes=4'"
h_done
