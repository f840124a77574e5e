#!/usr/bin/env bash
# herald -> GoBGP 3 and ExaBGP 5.0.15 with EVPN routes (l2vpn evpn; RFC 7432, RFC 9136).
#
#   tests/interop/herald-evpn.sh          (KEEP_WORK=1 keeps the temp dir; HERALD_TEST_TIMEOUT=S)
#
# herald (127.0.18.4) announces the configured EVPN routes of every type
# (configs/herald-evpn/herald.conf) to a passive gobgpd (127.0.18.5) and a passive ExaBGP
# (127.0.18.6, which writes every UPDATE it receives, parsed, through exabgp-recorder.py).
#   1. both hold exactly configs/herald-evpn/expected-{gobgp,exabgp}.txt (evpnrib.py lines:
#      GoBGP's typed NLRI fields, next hop, extended communities and PMSI tunnel; ExaBGP's raw
#      NLRI, route type name, next hop, extended communities and PMSI), and ExaBGP saw the
#      l2vpn evpn End-of-RIB;
#   2. through the control socket, `announce l2vpn evpn mac-ip …` and `withdraw l2vpn evpn
#      multicast …` reach both: *-api.txt.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
h_init 90 "$@"
require_peer gobgpd gobgp python3 ss
require_exabgp
h_build

CONF="$H_INTEROP/configs/herald-evpn"
R="$H_INTEROP/evpnrib.py"
W="$H_WORK"
RECORD="$W/received.jsonl"
: >"$RECORD"
CTL="$W/ctl.sock"

PORT_G="$(h_free_port 127.0.18.5)"
API_G="$(h_free_port 127.0.18.5)"
[ "$PORT_G" != "$API_G" ] || API_G="$(h_free_port 127.0.18.5)"
PORT_X="$(h_free_port 127.0.18.6)"
h_say "ports: GoBGP bgp $PORT_G api $API_G, ExaBGP bgp $PORT_X"
h_render "$CONF/gobgp.toml" "$W/gobgp.toml" PORT_G="$PORT_G"
h_render "$CONF/exabgp.conf" "$W/exabgp.conf" PYTHON="$(command -v python3)" \
    RECORDER="$H_INTEROP/exabgp-recorder.py" RECORD="$RECORD"
h_render "$CONF/herald.conf" "$W/herald.conf" PORT_G="$PORT_G" PORT_X="$PORT_X"
"$HERALD" check "$W/herald.conf" >"$W/herald.check.log" 2>&1 ||
    h_fail "herald check herald.conf: $(cat "$W/herald.check.log")"
h_log_file "$RECORD"

gobgp_() { timeout 5 gobgp -u 127.0.18.5 -p "$API_G" "$@"; }
h_start gobgpd "$W/gobgpd.log" gobgpd -f "$W/gobgp.toml" --api-hosts "127.0.18.5:$API_G" \
    --pprof-disable --log-plain
h_start exabgp "$W/exabgp.log" env exabgp_tcp_bind="127.0.18.6" exabgp_tcp_port="$PORT_X" \
    exabgp_api_ack=false exabgp_api_cli=false exabgp_daemon_user=root exabgp_daemon_drop=false \
    exabgp_log_enable=false "$EXABGP" "$W/exabgp.conf"
h_wait 15 "gobgpd gRPC API" gobgp_ global
listening() { ss -Hltn "sport = :$PORT_X" | grep -q "127.0.18.6:$PORT_X"; }
h_wait 20 "ExaBGP listening on 127.0.18.6:$PORT_X" listening
h_no_wildcard_listen gobgpd
h_no_wildcard_listen exabgp

h_herald_start herald "$W/herald.conf" --control "$CTL"
HL="$W/herald.log"
h_wait 15 "herald: established with GoBGP" h_log_has "$HL" 'established peer=127\.0\.18\.5 '
h_wait 15 "herald: established with ExaBGP" h_log_has "$HL" 'established peer=127\.0\.18\.6 '
h_wait 15 "ExaBGP: l2vpn evpn End-of-RIB" python3 "$R" eor "$RECORD" 127.0.18.4

# holds STEP: GoBGP and ExaBGP hold expected-{gobgp,exabgp}STEP.txt
holds() {
    gobgp_ -j global rib -a evpn >"$W/gobgp-rib.json" &&
        python3 "$R" gobgp "$W/gobgp-rib.json" >"$W/gobgp$1.txt" &&
        python3 "$R" exabgp "$RECORD" 127.0.18.4 >"$W/exabgp$1.txt" &&
        cmp -s "$W/gobgp$1.txt" "$CONF/expected-gobgp$1.txt" &&
        cmp -s "$W/exabgp$1.txt" "$CONF/expected-exabgp$1.txt"
}
check() { # STEP WHAT
    if ! h_wait_quiet 10 holds "$1"; then
        diff -u "$CONF/expected-gobgp$1.txt" "$W/gobgp$1.txt" >&2 || true
        diff -u "$CONF/expected-exabgp$1.txt" "$W/exabgp$1.txt" >&2 || true
        h_fail "$2: GoBGP or ExaBGP does not hold the expected EVPN routes (diff above)"
    fi
    h_ok "$2: GoBGP holds $(wc -l <"$W/gobgp$1.txt") and ExaBGP $(wc -l <"$W/exabgp$1.txt") EVPN routes, as expected"
}
check "" "configuration"

ctl() { timeout 10 "$HERALD" ctl -s "$CTL" "$@"; }
ctl announce l2vpn evpn mac-ip rd 65000:7 mac 00:11:22:33:44:99 ip 10.0.0.9 label 100 \
    next-hop 192.0.2.7 extended-community [ target:65000:7 mac-mobility:1 ] >"$W/ctl.out" 2>&1 ||
    h_fail "herald ctl announce l2vpn evpn: $(cat "$W/ctl.out")"
ctl withdraw l2vpn evpn multicast rd 65000:2 ip 2001:db8::18 >"$W/ctl.out" 2>&1 ||
    h_fail "herald ctl withdraw l2vpn evpn: $(cat "$W/ctl.out")"
check "-api" "API announce + withdraw"

if h_log_has "$HL" 'not announcing|malformed|NOTIFICATION'; then
    h_fail "herald logged a problem: $(grep -E 'not announcing|malformed|NOTIFICATION' "$HL")"
fi
h_done
