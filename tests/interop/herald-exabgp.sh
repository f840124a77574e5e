#!/usr/bin/env bash
# herald -> ExaBGP 5.0.15 interop: ExaBGP is the RECEIVER and decodes what herald sends.
#
#   tests/interop/herald-exabgp.sh          (KEEP_WORK=1 keeps the temp dir; HERALD_TEST_TIMEOUT=S)
#
# ExaBGP listens on 127.0.3.1 and ::1 (passive neighbors) with an API process
# (exabgp-recorder.py) that appends every received UPDATE, parsed, as ExaBGP 5 JSON to a file.
# herald (127.0.3.2 and ::1) connects: IBGP over IPv4 transport, EBGP (AS 65010) over IPv6
# transport, IPv4 and IPv6 routes with rich attributes. exabgprib.py folds the JSON into routes
# per peer and family and compares, per prefix, the next hop and the whole `attribute` object
# with configs/herald-exabgp/expected.json (time, pid, counter are not compared), and checks the
# End-of-RIB of both families from both sessions.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
h_init 90 "$@"
require_peer python3 ss
require_exabgp
h_build

CONF="$H_INTEROP/configs/herald-exabgp"
X="$H_INTEROP/exabgprib.py"
W="$H_WORK"
RECORD="$W/received.jsonl"
: >"$RECORD"

PORT="$(h_free_port_both 127.0.3.1 ::1)"
h_say "ExaBGP listens on 127.0.3.1:$PORT and [::1]:$PORT; $("$EXABGP" version 2>/dev/null | head -n 1)"
h_render "$CONF/exabgp.conf" "$W/exabgp.conf" PYTHON="$(command -v python3)" \
    RECORDER="$H_INTEROP/exabgp-recorder.py" RECORD="$RECORD"
h_render "$CONF/herald.conf" "$W/herald.conf" PORT="$PORT"
"$HERALD" check "$W/herald.conf" >"$W/herald.check.log" 2>&1 ||
    h_fail "herald check herald.conf: $(cat "$W/herald.check.log")"
h_log_file "$RECORD"

h_start exabgp "$W/exabgp.log" env exabgp_tcp_bind="127.0.3.1 ::1" exabgp_tcp_port="$PORT" \
    exabgp_api_ack=false exabgp_api_cli=false exabgp_daemon_user=root exabgp_daemon_drop=false \
    exabgp_log_enable=false "$EXABGP" "$W/exabgp.conf"

listening() { ss -Hltn "sport = :$PORT" | grep -q "$1:$PORT"; }
h_wait 20 "ExaBGP listening on 127.0.3.1:$PORT" listening 127.0.3.1
h_wait 5 "ExaBGP listening on [::1]:$PORT" listening '\[::1\]'
h_no_wildcard_listen exabgp

h_herald_start herald "$W/herald.conf"
HL="$W/herald.log"
h_wait 15 "herald: established with 127.0.3.1" h_log_has "$HL" 'established peer=127\.0\.3\.1 '
h_wait 15 "herald: established with ::1" h_log_has "$HL" 'established peer=::1 '
h_ok "herald established both sessions with ExaBGP"
h_wait 15 "ExaBGP: End-of-RIB ipv4+ipv6 from 127.0.3.2" python3 "$X" eor "$RECORD" 127.0.3.2 "ipv4 unicast" "ipv6 unicast"
h_wait 15 "ExaBGP: End-of-RIB ipv4+ipv6 from ::1" python3 "$X" eor "$RECORD" ::1 "ipv4 unicast" "ipv6 unicast"

if ! python3 "$X" check "$CONF/expected.json" "$RECORD" --label ExaBGP >"$W/check.txt" 2>&1; then
    cat "$W/check.txt" >&2
    printf '\nExaBGP state folded from %s:\n' "$RECORD" >&2
    python3 "$X" state "$RECORD" >&2 || true
    h_fail "ExaBGP did not receive what herald's config says (see above)"
fi
h_ok "$(cat "$W/check.txt")"
if h_log_has "$HL" 'not announcing|malformed|NOTIFICATION'; then
    h_fail "herald logged a problem: $(grep -E 'not announcing|malformed|NOTIFICATION' "$HL")"
fi
h_done
