#!/usr/bin/env bash
# THE parity test: "For the same config, a router must end up holding the same routes whether
# ExaBGP or herald announced them."
#
#   tests/interop/herald-parity.sh          (KEEP_WORK=1 keeps the temp dir; HERALD_TEST_TIMEOUT=S)
#
# configs/herald-parity/parity.conf (IPv4 + IPv6 routes, varied attributes, a template with
# routes inherited by four neighbor blocks: IBGP and EBGP, IPv4 and IPv6 transport) is rendered
# once with free ports. Then, twice:
#   1. ExaBGP 5.0.15 runs with it (it connects: `connect PORT;`), against a fresh BIRD 2
#      (IBGP + EBGP sessions, one pair of tables each) and a fresh GoBGP 3 (IBGP over IPv4,
#      EBGP over IPv6); once every route and End-of-RIB has arrived, the receivers' tables are
#      dumped: `birdc show route table T all` normalised by birdroutes.py (no time stamps,
#      protocol names or "from" addresses) and `gobgp -j global rib` normalised by gobgprib.py
#      (no age, best or source-id). Everything is stopped.
#   2. herald runs with the SAME file against fresh receivers on the same ports; same dumps.
# The BIRD dumps and the GoBGP dumps must be identical (diff -u shown otherwise).
# Addresses 127.0.4.0/24 and ::1.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
h_init 100 "$@"
require_peer bird birdc gobgpd gobgp python3 ss
require_exabgp
h_build

CONF="$H_INTEROP/configs/herald-parity"
W="$H_WORK"

PORT_BIRD_IBGP="$(h_free_port 127.0.4.1)"
PORT_BIRD_EBGP="$(h_free_port 127.0.4.3)"
PORT_GOBGP="$(h_free_port_both 127.0.4.5 ::1)"
API_GOBGP="$(h_free_port 127.0.4.5)"
[ "$API_GOBGP" != "$PORT_GOBGP" ] || API_GOBGP="$(h_free_port 127.0.4.5)"
PORTS=(PORT_BIRD_IBGP="$PORT_BIRD_IBGP" PORT_BIRD_EBGP="$PORT_BIRD_EBGP" PORT_GOBGP="$PORT_GOBGP")
h_say "ports: ${PORTS[*]} GoBGP API $API_GOBGP"
h_render "$CONF/parity.conf" "$W/parity.conf" "${PORTS[@]}"
"$HERALD" check "$W/parity.conf" >"$W/herald-check.log" 2>&1 ||
    h_fail "herald check parity.conf: $(cat "$W/herald-check.log")"
(cd "$W" && env exabgp_log_enable=false "$EXABGP" validate "$W/parity.conf") >"$W/exabgp-validate.log" 2>&1 ||
    h_fail "exabgp validate parity.conf: $(cat "$W/exabgp-validate.log")"

# routes each receiver must hold: BIRD per table, GoBGP paths per family
declare -A WANT_BIRD=([t_ibgp4]=5 [t_ibgp6]=3 [t_ebgp4]=6 [t_ebgp6]=3)
declare -A WANT_GOBGP=([ipv4]=9 [ipv6]=7)

gobgp_() { timeout 5 gobgp -u 127.0.4.5 -p "$API_GOBGP" "$@"; }

# every route is there and BIRD got both End-of-RIBs on both sessions
receivers_complete() { # BIRDNAME BIRDLOG
    local t n
    for t in "${!WANT_BIRD[@]}"; do
        [ "$(h_bird_count "$1" "$t")" = "${WANT_BIRD[$t]}" ] || return 1
    done
    for t in "${!WANT_GOBGP[@]}"; do
        [ "$(h_gobgp_paths "$t")" = "${WANT_GOBGP[$t]}" ] || return 1
    done
    for t in p_ibgp p_ebgp; do
        n="$(h_log_count "$2" "$t: Got END-OF-RIB")"
        [ "$n" -ge 2 ] || return 1
    done
}

dump() { # BIRDNAME OUTPREFIX
    local t
    for t in t_ibgp4 t_ibgp6 t_ebgp4 t_ebgp6; do
        printf '== BIRD table %s\n' "$t"
        h_birdc "$1" show route table "$t" all | python3 "$H_INTEROP/birdroutes.py" normalise
    done >"$2.bird.txt"
    gobgp_ -j global rib -a ipv4 >"$2.gobgp-ipv4.json"
    gobgp_ -j global rib -a ipv6 >"$2.gobgp-ipv6.json"
    python3 "$H_INTEROP/gobgprib.py" normalise "$2.gobgp-ipv4.json" "$2.gobgp-ipv6.json" >"$2.gobgp.txt"
}

run_sender() { # exabgp|herald
    local s="$1" d="$W/$1"
    mkdir -p "$d"
    h_render "$CONF/bird.conf" "$d/bird.conf" "${PORTS[@]}"
    h_render "$CONF/gobgp.toml" "$d/gobgp.toml" "${PORTS[@]}"
    h_bird_start "$s-bird" "$d/bird.conf"
    h_start "$s-gobgpd" "$W/$s-gobgpd.log" gobgpd -f "$d/gobgp.toml" \
        --api-hosts "127.0.4.5:$API_GOBGP" --pprof-disable --log-plain
    h_wait 15 "gobgpd ($s run) gRPC API" gobgp_ global
    h_no_wildcard_listen "$s-gobgpd"
    case "$s" in
    exabgp)
        h_start exabgp "$W/exabgp.log" env exabgp_tcp_bind= exabgp_api_ack=false \
            exabgp_api_cli=false exabgp_daemon_user=root exabgp_daemon_drop=false \
            exabgp_log_enable=false "$EXABGP" "$W/parity.conf"
        ;;
    herald) h_herald_start herald "$W/parity.conf" ;;
    esac
    h_wait 20 "$s: BIRD p_ibgp Established" h_bird_established "$s-bird" p_ibgp
    h_wait 20 "$s: BIRD p_ebgp Established" h_bird_established "$s-bird" p_ebgp
    h_wait 20 "$s: GoBGP 127.0.4.6 established" h_gobgp_established 127.0.4.6
    h_wait 20 "$s: GoBGP ::1 established" h_gobgp_established ::1
    if ! h_wait_quiet 20 receivers_complete "$s-bird" "$W/$s-bird.log"; then
        local t
        for t in "${!WANT_BIRD[@]}"; do
            h_say "$s: BIRD $t has $(h_bird_count "$s-bird" "$t") routes, want ${WANT_BIRD[$t]}"
        done
        for t in "${!WANT_GOBGP[@]}"; do
            h_say "$s: GoBGP $t has $(h_gobgp_paths "$t") paths, want ${WANT_GOBGP[$t]}"
        done
        h_say "$s: BIRD End-of-RIBs: p_ibgp $(h_log_count "$W/$s-bird.log" 'p_ibgp: Got END-OF-RIB'), p_ebgp $(h_log_count "$W/$s-bird.log" 'p_ebgp: Got END-OF-RIB')"
        h_fail "$s: the receivers never got all the routes (see above)"
    fi
    dump "$s-bird" "$W/$s"
    h_ok "$s: BIRD and GoBGP hold every route ($(grep -c '^[0-9a-f]' "$W/$s.bird.txt") in BIRD, $(grep -c ' from ' "$W/$s.gobgp.txt") paths in GoBGP)"
    h_stop "$s" TERM
    h_stop "$s-bird" TERM
    h_stop "$s-gobgpd" TERM
}

run_sender exabgp
run_sender herald

rc=0
for r in bird gobgp; do
    if ! diff -u --label "ExaBGP 5.0.15 -> $r" --label "herald -> $r" \
        "$W/exabgp.$r.txt" "$W/herald.$r.txt" >"$W/$r.diff"; then
        printf '\n%s holds different routes (- ExaBGP, + herald):\n' "$r" >&2
        cat "$W/$r.diff" >&2
        rc=1
    else
        h_ok "$r: identical routes from ExaBGP and herald ($(wc -l <"$W/exabgp.$r.txt") lines)"
    fi
done
if [ "$rc" != 0 ]; then
    # say whether the routes differ only in the ORDER of values inside the community attributes
    # (a diagnosis for the reader; the test fails either way)
    if python3 - "$W" <<'PY'
import re, sys
w = sys.argv[1]
# BIRD: "BGP.community: (a,b) (c,d)"; GoBGP (gobgprib.py): "communities: a:b c:d"
pat = re.compile(r"^(\s*(?:BGP\.(?:ext_|large_)?community|(?:ext_|large_)?communities):)\s*(.*)$")
item = re.compile(r"\([^)]*\)|\S+")
def canon(path):
    out = []
    for line in open(path):
        m = pat.match(line.rstrip("\n"))
        out.append(m.group(1) + " " + " ".join(sorted(item.findall(m.group(2)))) if m else line.rstrip("\n"))
    return out
same = all(canon("%s/exabgp.%s.txt" % (w, r)) == canon("%s/herald.%s.txt" % (w, r)) for r in ("bird", "gobgp"))
sys.exit(0 if same else 1)
PY
    then
        h_say "NOTE: with the values inside COMMUNITIES / EXTENDED_COMMUNITIES / LARGE_COMMUNITY sorted, both receivers' tables are identical: only the ORDER differs. ExaBGP 5.0.15 sorts those values (ascending, by encoded value) before sending; herald sends them in config order."
    fi
    h_fail "parity: the receivers do not hold the same routes from ExaBGP and from herald (diffs above)"
fi
h_done
