#!/usr/bin/env bash
# ExaBGP 5.0.15 and herald send the same MCAST-VPN routes (RFC 6514 types 5, 6, 7; SAFI 5, IPv4 and
# IPv6): the receivers must hold the same routes from both.
#
#   tests/interop/herald-mvpn.sh          (KEEP_WORK=1 keeps the temp dir; HERALD_TEST_TIMEOUT=S)
#
# The sender config configs/herald-mvpn/mvpn.conf (the announce block of ExaBGP's conf-mvpn.conf,
# unchanged, towards two receivers) is run by ExaBGP, then by herald, from 127.0.21.2, each time
# against fresh receivers:
#   127.0.21.1  a passive ExaBGP 5.0.15 that writes every UPDATE, parsed, through
#               exabgp-recorder.py (mvpnrib.py exabgp: family, raw NLRI, route type name, RD,
#               source AS, source/RP, group, next hop, origin, local-preference, communities)
#   127.0.21.3  tests/interop/sink.py, which records the octets (mvpnrib.py sink: family, NLRI,
#               MP_REACH next hop, every other attribute but the NEXT_HOP ExaBGP adds)
#   1. after both End-of-RIBs, the ExaBGP receiver holds expect-exabgp.txt and the sink
#      expect-sink.txt from each sender (the six routes of conf-mvpn.conf);
#   2. then the config's helper (programs/mvpn-api.py, run by ExaBGP and by herald alike) sends
#      two `announce ipv4|ipv6 mcast-vpn …` and two `withdraw …` lines: the ExaBGP receiver
#      holds expect-exabgp-api.txt from each sender.
# What ExaBGP's run leaves is compared with herald's line by line too. GoBGP 3.10 has no MCAST-VPN
# (SAFI 5) support (no such family in its API or CLI), so it takes no part.
# Every peer is required: a missing ExaBGP or python3 fails the script (HERALD_REQUIRE_PEERS=0
# turns that into a skip). Only 127.0.21.1-3 are bound or contacted (lo holds 127.0.0.0/8).
set -euo pipefail
export HERALD_REQUIRE_PEERS="${HERALD_REQUIRE_PEERS:-1}"
. "$(dirname "$0")/lib.sh"
h_init 120 "$@"
require_peer python3 ss
require_exabgp
h_build

CONF="$H_INTEROP/configs/herald-mvpn"
R="$H_INTEROP/mvpnrib.py"
W="$H_WORK"
PY="$(command -v python3)"
SENDER=127.0.21.2

# run exabgp|herald: the sender against a fresh ExaBGP receiver and sink; leaves $W/NAME.*.txt
run() {
    local s="$1" d="$W/$1"
    mkdir -p "$d"
    local record="$d/received.jsonl" port_r port_s
    : >"$record"
    h_log_file "$record"
    port_r="$(h_free_port 127.0.21.1)"
    port_s="$(h_free_port 127.0.21.3)"
    h_say "$s run: ExaBGP receiver 127.0.21.1:$port_r, sink 127.0.21.3:$port_s"
    h_render "$CONF/exabgp-receiver.conf" "$d/receiver.conf" PYTHON="$PY" \
        RECORDER="$H_INTEROP/exabgp-recorder.py" RECORD="$record"
    h_render "$CONF/mvpn.conf" "$d/mvpn.conf" PORT_R="$port_r" PORT_S="$port_s" PYTHON="$PY" \
        HELPER="$H_INTEROP/programs/mvpn-api.py" API_GO="$d/api-go"
    h_start "$s-receiver" "$W/$s-receiver.log" env exabgp_tcp_bind=127.0.21.1 \
        exabgp_tcp_port="$port_r" exabgp_api_ack=false exabgp_api_cli=false \
        exabgp_daemon_user=root exabgp_daemon_drop=false exabgp_log_enable=false \
        "$EXABGP" "$d/receiver.conf"
    h_start "$s-sink" "$W/$s-sink.log" python3 "$H_INTEROP/sink.py" \
        --listen "127.0.21.3:$port_s" --asn 65000 --out "$d/sink.hex" --info "$d/sink.json" \
        --ready-file "$d/sink.ready" --timeout 40
    listening() { ss -Hltn "sport = :$port_r" | grep -q "127.0.21.1:$port_r"; }
    h_wait 20 "$s run: ExaBGP receiver listening on 127.0.21.1:$port_r" listening
    h_wait 10 "$s run: sink.py listening" test -e "$d/sink.ready"
    h_no_wildcard_listen "$s-receiver"
    case "$s" in
    exabgp)
        (cd "$d" && env exabgp_log_enable=false "$EXABGP" validate "$d/mvpn.conf") \
            >"$d/validate.log" 2>&1 || h_fail "exabgp validate mvpn.conf: $(cat "$d/validate.log")"
        h_start exabgp "$W/exabgp.log" env exabgp_tcp_bind= exabgp_api_ack=false \
            exabgp_api_cli=false exabgp_daemon_user=root exabgp_daemon_drop=false \
            exabgp_log_enable=false "$EXABGP" "$d/mvpn.conf"
        ;;
    herald)
        "$HERALD" check "$d/mvpn.conf" >"$d/check.log" 2>&1 ||
            h_fail "herald check mvpn.conf: $(cat "$d/check.log")"
        h_herald_start herald "$d/mvpn.conf"
        ;;
    esac
    h_wait 20 "$s run: End-of-RIB for ipv4 and ipv6 mcast-vpn at the ExaBGP receiver" \
        python3 "$R" eor "$record" "$SENDER"
    # the sink exits 0 after the End-of-RIB of every family it negotiated
    h_wait 20 "$s run: sink.py got every End-of-RIB" bash -c "! kill -0 $(h_pid "$s-sink") 2>/dev/null"
    h_exit_status "$s-sink"
    [ "$H_RC" = 0 ] || h_fail "$s run: sink.py exited $H_RC (see $W/$s-sink.log)"
    python3 "$R" sink "$d/sink.hex" >"$W/$s.sink.txt"
    # the receiver's table settles once the counted announcements stop changing
    local n
    h_wait 10 "$s run: the ExaBGP receiver holds 6 MCAST-VPN routes" \
        bash -c "[ \"\$(python3 '$R' exabgp '$record' $SENDER | wc -l)\" = 6 ]"
    python3 "$R" exabgp "$record" "$SENDER" >"$W/$s.exabgp.txt"
    n="$(python3 "$R" count "$record" "$SENDER")"
    # 2. the helper's two announcements and two withdrawals
    : >"$d/api-go"
    h_wait 15 "$s run: the helper's 4 commands reach the ExaBGP receiver" \
        bash -c "[ \"\$(python3 '$R' count '$record' $SENDER)\" -ge $((n + 4)) ]"
    python3 "$R" exabgp "$record" "$SENDER" >"$W/$s.exabgp-api.txt"
    h_stop "$s"
    h_stop "$s-receiver"
}

run exabgp
run herald

bad=0
for f in exabgp sink exabgp-api; do
    for s in exabgp herald; do
        if ! diff -u "$CONF/expect-$f.txt" "$W/$s.$f.txt" >&2; then
            h_say "$s: the receiver does not hold expect-$f.txt (diff above)"
            bad=1
        fi
    done
    if ! diff -u "$W/exabgp.$f.txt" "$W/herald.$f.txt" >&2; then
        h_say "$f: what ExaBGP's run left differs from herald's (diff above)"
        bad=1
    fi
done
[ "$bad" = 0 ] || h_fail "the receivers do not hold the same MCAST-VPN routes from ExaBGP and herald"
h_ok "ExaBGP receiver: $(wc -l <"$W/herald.exabgp.txt") routes, then $(wc -l <"$W/herald.exabgp-api.txt") after the API, the same from both senders"
h_ok "sink: $(wc -l <"$W/herald.sink.txt") routes with the same octets (NLRI, next hop, attributes) from both senders"

# (the sink's Cease after its End-of-RIBs and herald's own at shutdown are expected)
if h_log_has "$W/herald.log" 'not announcing|malformed| ERROR '; then
    h_fail "herald logged a problem: $(grep -E 'not announcing|malformed| ERROR ' "$W/herald.log")"
fi
h_done
