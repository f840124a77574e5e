#!/usr/bin/env bash
# herald's JSON events to helper processes must equal ExaBGP 5.0.15's.
#
#   tests/interop/herald-events.sh          (KEEP_WORK=1 keeps the temp dir; HERALD_TEST_TIMEOUT=S)
#
# configs/herald-events/events.conf is run by ExaBGP 5.0.15, then by herald, each time as
# 127.0.6.2 (AS 65010) against fresh route sources: GoBGP 3 (127.0.6.1, EBGP, routes of
# gobgp-routes.txt added before the session) and BIRD 2 (127.0.6.3, IBGP, static routes of
# bird.conf). Both sources send IPv4 and IPv6 routes with varied attributes (MED, AS paths with
# sets, communities incl. well-known, extended and large communities, aggregator, originator id,
# cluster list, local preference on IBGP), End-of-RIBs (graceful restart negotiated), then
# withdrawals (gobgp global rib del; birdc disable wd4/wd6), then BIRD shuts its session down
# (Cease NOTIFICATION). GoBGP's routes are added once the session is up, one at a time, each
# waiting for the receiver's event: in GoBGP's initial table dump their order changes from run
# to run. A recorder process (exabgp-recorder.py) with `neighbor-changes; receive { parsed;
# packets; update; open; notification; }` writes every event. herald's events must equal
# ExaBGP's per peer, in order, field by field, after eventcmp.py's normalisation (time, host,
# pid, ppid, counter dropped; peers compared separately; nothing after a peer's first `down`;
# see there). That covers the `state` events (connected, up, down and its reason), the parsed
# OPEN, UPDATE, End-of-RIB and NOTIFICATION events, and the header/body hex of the raw packets.
# Addresses 127.0.6.0/24, OS-chosen free ports.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
h_init 60 "$@"
require_peer bird birdc gobgpd gobgp python3 ss
require_exabgp
h_build

CONF="$H_INTEROP/configs/herald-events"
CMP="$H_INTEROP/eventcmp.py"
W="$H_WORK"
PY="$(command -v python3)"

PORT_BIRD="$(h_free_port 127.0.6.3)"
PORT_GOBGP="$(h_free_port 127.0.6.1)"
API_GOBGP="$(h_free_port 127.0.6.1)"
[ "$API_GOBGP" != "$PORT_GOBGP" ] || API_GOBGP="$(h_free_port 127.0.6.1)"
PORTS=(PORT_BIRD="$PORT_BIRD" PORT_GOBGP="$PORT_GOBGP")
h_say "ports: ${PORTS[*]} GoBGP API $API_GOBGP"

gobgp_() { timeout 5 gobgp -u 127.0.6.1 -p "$API_GOBGP" "$@"; }

has() { python3 "$CMP" has "$@"; }

# run events.conf with RECEIVER (exabgp|herald) against fresh GoBGP and BIRD; the events end
# up in $W/RECEIVER.jsonl
receive_run() { # RECEIVER
    local r="$1" d="$W/$1"
    mkdir -p "$d"
    local rec="$d/rec.jsonl"
    : >"$rec"
    h_log_file "$rec"
    h_render "$CONF/events.conf" "$d/events.conf" "${PORTS[@]}" PYTHON="$PY" \
        RECORDER="$H_INTEROP/exabgp-recorder.py" RECORD="$rec"
    h_render "$CONF/bird.conf" "$d/bird.conf" "${PORTS[@]}"
    h_render "$CONF/gobgp.toml" "$d/gobgp.toml" "${PORTS[@]}"

    h_start "$r-gobgpd" "$W/$r-gobgpd.log" gobgpd -f "$d/gobgp.toml" \
        --api-hosts "127.0.6.1:$API_GOBGP" --pprof-disable --log-plain
    h_wait 15 "gobgpd ($r run) gRPC API" gobgp_ global
    h_no_wildcard_listen "$r-gobgpd"
    h_bird_start "$r-bird" "$d/bird.conf"

    case "$r" in
    exabgp)
        (cd "$d" && env exabgp_log_enable=false "$EXABGP" validate "$d/events.conf") \
            >"$d/validate.log" 2>&1 || h_fail "exabgp validate events.conf: $(cat "$d/validate.log")"
        h_start exabgp "$W/exabgp.log" env exabgp_tcp_bind= exabgp_api_cli=false exabgp_api_ack=false \
            exabgp_daemon_user=root exabgp_daemon_drop=false exabgp_log_enable=false \
            "$EXABGP" "$d/events.conf"
        ;;
    herald)
        "$HERALD" check "$d/events.conf" >"$d/check.log" 2>&1 ||
            h_fail "herald check events.conf: $(cat "$d/check.log")"
        h_herald_start herald "$d/events.conf" --control "$W/herald-ctl.sock"
        ;;
    esac

    # the initial tables: BIRD's routes and End-of-RIBs, GoBGP's End-of-RIBs (its table is empty)
    local p f
    for p in 127.0.6.1 127.0.6.3; do
        for f in "ipv4 unicast" "ipv6 unicast"; do
            h_wait 20 "$r: End-of-RIB $f from $p" has "$rec" "$p" eor "$f"
        done
    done
    # GoBGP's routes, one at a time
    local line
    while IFS= read -r line; do
        case "$line" in '' | '#'*) continue ;; esac
        eval "set -- $line"
        gobgp_ global rib add "$@" >>"$W/$r-gobgp-add.log" 2>&1 ||
            h_fail "gobgp global rib add $line: $(tail -n 3 "$W/$r-gobgp-add.log")"
        h_wait 10 "$r: GoBGP announces $3" has "$rec" 127.0.6.1 announce "$3"
    done <"$CONF/gobgp-routes.txt"
    # withdrawals, one at a time
    gobgp_ global rib del -a ipv4 192.0.2.128/25 >/dev/null
    h_wait 10 "$r: GoBGP withdraws 192.0.2.128/25" has "$rec" 127.0.6.1 withdraw 192.0.2.128/25
    gobgp_ global rib del -a ipv6 2001:db8:4::/64 >/dev/null
    h_wait 10 "$r: GoBGP withdraws 2001:db8:4::/64" has "$rec" 127.0.6.1 withdraw 2001:db8:4::/64
    h_birdc "$r-bird" disable wd4 >/dev/null
    h_wait 10 "$r: BIRD withdraws 192.0.2.192/26" has "$rec" 127.0.6.3 withdraw 192.0.2.192/26
    h_birdc "$r-bird" disable wd6 >/dev/null
    h_wait 10 "$r: BIRD withdraws 2001:db8:40::/48" has "$rec" 127.0.6.3 withdraw 2001:db8:40::/48
    # BIRD shuts the session down: NOTIFICATION (Cease) then the state goes down
    h_birdc "$r-bird" disable p_r >/dev/null
    h_wait 10 "$r: state down for 127.0.6.3" has "$rec" 127.0.6.3 state down
    cp "$rec" "$W/$r.jsonl"
    h_ok "$r: $(wc -l <"$W/$r.jsonl") events"
    h_stop "$r" TERM
    h_stop "$r-bird" TERM
    h_stop "$r-gobgpd" TERM
}

receive_run exabgp
receive_run herald

if python3 "$CMP" compare "$W/exabgp.jsonl" "$W/herald.jsonl" >"$W/cmp.txt" 2>&1; then
    h_ok "$(cat "$W/cmp.txt")"
else
    head -n 80 "$W/cmp.txt" | cut -c1-400 >&2
    h_fail "herald's events differ from ExaBGP 5.0.15's (above; all of them in $W/cmp.txt)"
fi
h_done
