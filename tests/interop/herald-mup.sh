#!/usr/bin/env bash
# Parity for the BGP Prefix-SID attribute (RFC 8669, RFC 9252 SRv6 services) and MUP routes
# (draft-mpmz-bess-mup-safi, SAFI 85): the same configuration sent by ExaBGP 5.0.15 and by
# herald must leave the same routes and attributes at the receivers.
#
#   tests/interop/herald-mup.sh      (KEEP_WORK=1 keeps the temp dir; HERALD_TEST_TIMEOUT=S)
#
# Phase 1: configs/herald-mup/mup.conf (the routes of ExaBGP's examples conf-srv6-mup.conf,
# conf-srv6-mup-v3.conf, conf-prefix-sid.conf and conf-prefix-sid-srv6.conf: MUP ISD, DSD, Type 1
# and Type 2 ST routes in ipv4 mup and ipv6 mup with `mup:` communities and
# `bgp-prefix-sid-srv6`; labeled unicast with `bgp-prefix-sid [ … ]`; VPN-IPv4 with SRv6 L3/L2
# services) is rendered once with free ports and run twice, by ExaBGP and then by herald (the
# sender connects from 127.0.22.1), each time to a fresh passive GoBGP 3 (127.0.22.2:
# ipv4-mup, ipv6-mup, ipv4-labelled-unicast, l3vpn-ipv4-unicast) and a fresh sink.py recorder
# (127.0.22.3). Checked:
#   - the sink's UPDATEs, normalised by muprib.py (one line per route: family, NLRI octets,
#     next hop octets, every other attribute's flags, type and octets), are identical for both
#     senders and equal to configs/herald-mup/expect-sink.txt (so two runs sending the same
#     wrong thing fail too);
#   - GoBGP's RIBs (`gobgp -j global rib -a ipv4-mup|ipv6-mup|ipv4-mpls|vpnv4`, volatile fields
#     dropped) are identical for both senders, with the expected number of paths, and hold the
#     route fields and Prefix-SID values listed below;
#   - GoBGP 3.10 holds the two ISD routes from ExaBGP but refuses them from herald ("treated as
#     withdraw", with a bogus attribute-flags error): the sink shows that both send the same
#     attributes and NLRI octets, and the only difference is their order (herald puts
#     MP_REACH_NLRI first, as RFC 7606 §5.1 asks; ExaBGP last). The run asserts exactly that
#     (2 ISD paths and 0 reports for ExaBGP, 0 and 2 for herald) and compares GoBGP's RIBs
#     without the ISD routes. GoBGP also keeps the VPN route with an SRv6 L2 service TLV
#     without any attribute, for both senders alike.
#   Left out of the comparison, checked on its own: ExaBGP adds a NEXT_HOP attribute (type 3)
#   to every UPDATE of an IPv4 family whose next hop is IPv4, besides MP_REACH_NLRI; herald
#   sends none (RFC 4760 §3). The run asserts exactly that.
# Phase 2: ExaBGP's example programs api-ipv4.run and api-ipv6.run (unchanged, from the
# ExaBGP wheel) with configs/herald-mup/api.conf (ExaBGP's api-ipv4.conf / api-ipv6.conf with
# this test's addresses): `announce ipv4 mup mup-isd … bgp-prefix-sid-srv6 ( … )` and its
# withdrawal (and the same for ipv6) must reach the sink as the same octets from both senders.
# Addresses 127.0.22.1-3 only. GoBGP, ExaBGP or ExaBGP's example programs missing: the test
# fails (HERALD_REQUIRE_PEERS=0 turns a missing peer into a skip).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
h_init 200 "$@"
# A missing peer is a failure here, not a skip (HERALD_REQUIRE_PEERS=0 makes it a skip).
export HERALD_REQUIRE_PEERS="${HERALD_REQUIRE_PEERS:-1}"
require_peer gobgpd gobgp python3 ss
require_exabgp
h_build

CONF="$H_INTEROP/configs/herald-mup"
R="$H_INTEROP/muprib.py"
W="$H_WORK"
EXAMPLES="$(dirname "$(dirname "$EXABGP")")/etc/exabgp/examples/run"
[ -x "$EXAMPLES/api-ipv4.run" ] && [ -x "$EXAMPLES/api-ipv6.run" ] ||
    h_fail "ExaBGP's example programs not found in $EXAMPLES (need the ExaBGP 5.0.15 venv)"

PORT_G="$(h_free_port 127.0.22.2)"
API_G="$(h_free_port 127.0.22.2)"
[ "$API_G" != "$PORT_G" ] || API_G="$(h_free_port 127.0.22.2)"
PORT_S="$(h_free_port 127.0.22.3)"
h_say "ports: GoBGP bgp $PORT_G api $API_G, sink $PORT_S"
h_render "$CONF/mup.conf" "$W/mup.conf" PORT_G="$PORT_G" PORT_S="$PORT_S"
h_render "$CONF/gobgp.toml" "$W/gobgp.toml" PORT_G="$PORT_G"
"$HERALD" check "$W/mup.conf" >"$W/herald-check.log" 2>&1 ||
    h_fail "herald check mup.conf: $(cat "$W/herald-check.log")"
(cd "$W" && env exabgp_log_enable=false "$EXABGP" validate "$W/mup.conf") >"$W/exabgp-validate.log" 2>&1 ||
    h_fail "exabgp validate mup.conf: $(cat "$W/exabgp-validate.log")"

gobgp_() { timeout 5 gobgp -u 127.0.22.2 -p "$API_G" "$@"; }
FAMILIES=(ipv4-mup ipv6-mup ipv4-mpls vpnv4)
declare -A WANT_exabgp=([ipv4-mup]=6 [ipv6-mup]=5 [ipv4-mpls]=2 [vpnv4]=3)
declare -A WANT_herald=([ipv4-mup]=5 [ipv6-mup]=4 [ipv4-mpls]=2 [vpnv4]=3)
FAILS=()

want() { # SENDER FAMILY
    local -n w="WANT_$1"
    printf '%s\n' "${w[$2]}"
}

complete() { # SENDER
    local f
    for f in "${FAMILIES[@]}"; do
        [ "$(h_gobgp_paths "$f")" = "$(want "$1" "$f")" ] || return 1
    done
}

start_sender() { # exabgp|herald NAME CONF
    case "$1" in
    exabgp)
        h_start "$2" "$W/$2.log" env exabgp_tcp_bind= exabgp_api_ack=true \
            exabgp_api_cli=false exabgp_daemon_user=root exabgp_daemon_drop=false \
            exabgp_log_enable=false "$EXABGP" "$3"
        ;;
    herald) h_herald_start "$2" "$3" --control "$W/$2.ctl" ;;
    esac
}

run_sender() { # exabgp|herald
    local s="$1" f n
    rm -f "$W/$s.eor"
    h_start "$s-gobgpd" "$W/$s-gobgpd.log" gobgpd -f "$W/gobgp.toml" \
        --api-hosts "127.0.22.2:$API_G" --pprof-disable --log-plain
    h_start "$s-sink" "$W/$s-sink.log" python3 "$H_INTEROP/sink.py" --listen "127.0.22.3:$PORT_S" \
        --asn 65000 --out "$W/$s.sink.hex" --timeout 40 --eor-file "$W/$s.eor" \
        --ready-file "$W/$s.ready"
    h_wait 15 "gobgpd ($s run) gRPC API" gobgp_ global
    h_wait 10 "sink ($s run) listening" test -f "$W/$s.ready"
    h_no_wildcard_listen "$s-gobgpd"
    start_sender "$s" "$s" "$W/mup.conf"
    h_wait 30 "$s: GoBGP 127.0.22.1 established" h_gobgp_established 127.0.22.1
    h_wait 30 "$s: the sink saw End-of-RIB for every family" test -f "$W/$s.eor"
    h_wait_quiet 10 complete "$s" || true
    for f in "${FAMILIES[@]}"; do
        gobgp_ -j global rib -a "$f" >"$W/$s.gobgp-$f.json"
        n="$(h_gobgp_paths "$f")"
        [ "$n" = "$(want "$s" "$f")" ] || FAILS+=("$s: GoBGP $f has $n paths, want $(want "$s" "$f")")
    done
    python3 "$R" sink "$W/$s.sink-nexthop.txt" "$W/$s.sink.hex" >"$W/$s.sink.txt"
    python3 "$R" gobgp "$W/$s.gobgp-nexthop.txt" "$W"/"$s".gobgp-*.json >"$W/$s.gobgp.txt"
    h_stop "$s" TERM
    h_stop "$s-sink" TERM
    h_stop "$s-gobgpd" TERM
    grep -c 'treated as withdraw' "$W/$s-gobgpd.log" >"$W/$s.gobgp-withdraw-reports.txt" || true
}

run_sender exabgp
run_sender herald

rc=0
for s in exabgp herald; do
    grep -v '^\[type:isd\]' "$W/$s.gobgp.txt" >"$W/$s.gobgp-without-isd.txt" || true
done
for r in sink gobgp-without-isd; do
    if ! diff -u --label "ExaBGP 5.0.15 -> $r" --label "herald -> $r" \
        "$W/exabgp.$r.txt" "$W/herald.$r.txt" >"$W/$r.diff"; then
        printf '\n%s holds different routes (- ExaBGP, + herald):\n' "$r" >&2
        cat "$W/$r.diff" >&2
        rc=1
    else
        h_ok "$r: identical routes and attributes from ExaBGP and herald ($(wc -l <"$W/exabgp.$r.txt") lines)"
    fi
done
grep -v '^#' "$CONF/expect-sink.txt" >"$W/expect-sink.txt"
if ! diff -u --label expect-sink.txt --label "herald -> sink" "$W/expect-sink.txt" "$W/herald.sink.txt" >"$W/expect.diff"; then
    cat "$W/expect.diff" >&2
    FAILS+=("the sink's routes differ from configs/herald-mup/expect-sink.txt")
else
    h_ok "sink: $(grep -c '^announce' "$W/herald.sink.txt") routes and $(grep -c '^eor' "$W/herald.sink.txt") End-of-RIBs exactly as expect-sink.txt"
fi
# What GoBGP made of the routes it could read (its own decoding of the MUP fields and the
# Prefix-SID TLVs).
if ! python3 "$R" has "$W/herald.gobgp.txt" \
    '"route_type": 2, "value": {"address": "10.0.0.1", "rd": {"admin": 100, "assigned": 100, "type": 0}}' \
    '"endpoint_address": "10.0.0.1", "prefix": "192.168.0.1/32", "qfi": 9, "rd": {"admin": 100, "assigned": 100, "type": 0}, "teid": 12345' \
    '"endpoint_address": "2001::1", "rd": {"admin": 100, "assigned": 100, "type": 0}, "teid": 12345' \
    '{"segmend_id": "10:10", "subtype": 0, "type": 12}' \
    '"endpoint_behavior": 24, "flags": 0, "sid": "IAENuAACAAIAAAAAAAAAAA==", "sub_sub_tlvs": [{"argument_length": 0, "function_length": 16, "locator_block_length": 64, "locator_node_length": 24' \
    '"endpoint_behavior": 19, "flags": 0, "sid": "IAEAAwAAAAAAAAAAAAAAAA==", "sub_sub_tlvs": [{"argument_length": 0, "function_length": 0, "locator_block_length": 48, "locator_node_length": 16, "transposition_length": 16, "transposition_offset": 64' \
    >"$W/gobgp-has.txt"; then
    while IFS= read -r l; do FAILS+=("GoBGP (herald run): $l"); done <"$W/gobgp-has.txt"
else
    h_ok "GoBGP read the DSD, Type 1 and Type 2 ST fields, the mup community and the SRv6 SIDs and structures"
fi
ex_wd="$(cat "$W/exabgp.gobgp-withdraw-reports.txt")"
he_wd="$(cat "$W/herald.gobgp-withdraw-reports.txt")"
ex_isd="$(grep -c '^\[type:isd\]' "$W/exabgp.gobgp.txt" || true)"
he_isd="$(grep -c '^\[type:isd\]' "$W/herald.gobgp.txt" || true)"
if [ "$ex_wd/$ex_isd/$he_wd/$he_isd" != "0/2/2/0" ]; then
    FAILS+=("GoBGP and the ISD routes: ExaBGP $ex_isd held, $ex_wd treated as withdraw (want 2, 0); herald $he_isd held, $he_wd treated as withdraw (want 0, 2, the known GoBGP 3.10 behaviour)")
else
    h_ok "GoBGP 3.10 holds ExaBGP's 2 ISD routes and treats herald's 2 (same octets, MP_REACH_NLRI first) as withdraw, as known"
fi
ex_nh="$(wc -l <"$W/exabgp.sink-nexthop.txt")"
he_nh="$(wc -l <"$W/herald.sink-nexthop.txt")"
if [ "$he_nh" != 0 ] || [ "$ex_nh" != 9 ]; then
    FAILS+=("NEXT_HOP attributes besides MP_REACH_NLRI: ExaBGP $ex_nh (want 9), herald $he_nh (want 0)")
else
    h_ok "ExaBGP adds a NEXT_HOP attribute to its 9 IPv4-next-hop UPDATEs, herald to none (not compared)"
fi

# Phase 2: ExaBGP's example programs through each sender.
api_run() { # exabgp|herald ipv4|ipv6
    local s="$1" afi="$2" n="$1-api-$2"
    h_render "$CONF/api.conf" "$W/$n.conf" RUN="$EXAMPLES/api-$afi.run" PORT_S="$PORT_S" AFI="$afi"
    h_start "$n-sink" "$W/$n-sink.log" python3 "$H_INTEROP/sink.py" --listen "127.0.22.3:$PORT_S" \
        --asn 65000 --out "$W/$n.sink.hex" --timeout 30 --after-eor 4 --eor-file "$W/$n.done" \
        --ready-file "$W/$n.ready"
    h_wait 10 "sink ($n) listening" test -f "$W/$n.ready"
    start_sender "$s" "$n" "$W/$n.conf"
    h_wait 25 "$n: the sink saw the End-of-RIBs and 4 UPDATEs from the program" \
        grep -q 'then 4 UPDATEs' "$W/$n-sink.log"
    h_stop "$n" TERM
    h_stop "$n-sink" TERM
    python3 "$R" sink "$W/$n.nexthop.txt" "$W/$n.sink.hex" >"$W/$n.txt"
}
for afi in ipv4 ipv6; do
    api_run exabgp "$afi"
    api_run herald "$afi"
    if ! diff -u --label "ExaBGP api-$afi.run" --label "herald api-$afi.run" \
        "$W/exabgp-api-$afi.txt" "$W/herald-api-$afi.txt" >"$W/api-$afi.diff"; then
        cat "$W/api-$afi.diff" >&2
        FAILS+=("api-$afi.run: the sink got different UPDATEs from ExaBGP and herald")
    elif ! grep -q "^announce [12]/85 " "$W/herald-api-$afi.txt" || ! grep -q "^withdraw [12]/85 " "$W/herald-api-$afi.txt"; then
        FAILS+=("api-$afi.run: no MUP announcement and withdrawal at the sink")
    else
        h_ok "api-$afi.run: the MUP route (with its Prefix-SID) and its withdrawal reach the sink as the same octets from ExaBGP and herald"
    fi
done

if [ "${#FAILS[@]}" -gt 0 ]; then
    for f in "${FAILS[@]}"; do h_say "FAIL: $f"; done
    rc=1
fi
[ "$rc" = 0 ] || h_fail "MUP / Prefix-SID parity: see above (work dir $W)"
h_done
