#!/usr/bin/env bash
# herald's Adj-RIB-In, graceful-restart helper and prefix limits against BIRD 2 and GoBGP 3.
#
#   tests/interop/herald-rib.sh          (KEEP_WORK=1 keeps the temp dir; HERALD_TEST_TIMEOUT=S)
#
# Addresses 127.0.11.0/24, OS-chosen free ports; herald always connects (BIRD and GoBGP are
# passive). Two herald processes, each with its own control socket (`herald run --control`):
#   herald-b  <- BIRD:   rib (IBGP, v4+v6), norib (adj-rib-in false), lim (150 routes, limit
#                        100 restart 2), nearlim (90 routes, limit 100 warning 80)
#   herald-g  <- GoBGP:  A 127.0.11.51 (GR 30 s), A 127.0.11.53 (no GR), B 127.0.11.55 (GR 5 s)
# Scenarios:
#   1. Adj-RIB-In = what the router exports, route by route and attribute by attribute:
#      `herald ctl show adj-rib in extensive json` (and the plain `json` form: prefixes and next
#      hops) against `birdc show route export rib all`, then after `birdc configure` with route
#      files that withdraw, change and add routes, then with every route withdrawn; against
#      `gobgp neighbor ADDR adj-out` after `gobgp global rib add`, then after `global rib del`.
#   2. Graceful restart (RFC 4724): both gobgpd are killed with SIGKILL. The GR neighbors' routes
#      stay, every one `"stale": true`; the non-GR neighbor's routes go at once. GoBGP B never
#      comes back: its stale routes go when its 5 s restart time ends. GoBGP A restarts (`-r`,
#      same config) with only some routes: herald keeps the stale routes until A's End-of-RIB,
#      then holds exactly what A exports, none stale.
#   3. Prefix limits: BIRD receives Cease 6/1 with the RFC 4486 data (AFI 1, SAFI 1, 100);
#      herald reconnects 2 s later and closes again; 90 of 100 routes give one warning only.
#   4. `adj-rib-in false`: nothing stored while the session is up and BIRD exports 10 routes;
#      with a prefix limit too, herald must refuse the configuration or still enforce the limit.
# herald defects that do not stop the scenarios (e.g. invalid JSON) are collected and reported
# together at the end; the script fails if there is any.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
h_init 90 "$@"
require_peer bird birdc gobgpd gobgp python3
h_build

CONF="$H_INTEROP/configs/herald-rib"
RIB="$H_INTEROP/adjrib.py"
W="$H_WORK"

DEFECTS=()
defect() {
    DEFECTS+=("$*")
    h_say "DEFECT: $*"
}

# --- ports, configs, route files ----------------------------------------------------------------

# a TCP port free on every address given
free_port_all() {
    python3 - "$@" <<'PY'
import socket, sys
addrs = sys.argv[1:]
for _ in range(100):
    s0 = socket.socket(); s0.bind((addrs[0], 0)); port = s0.getsockname()[1]
    socks, ok = [s0], True
    for a in addrs[1:]:
        s = socket.socket()
        try:
            s.bind((a, port))
        except OSError:
            ok = False
        socks.append(s)
    for s in socks:
        s.close()
    if ok:
        print(port)
        sys.exit(0)
sys.exit("no port free on all of " + " ".join(addrs))
PY
}

PORT_RIB="$(h_free_port 127.0.11.1)"
PORT_NORIB="$(h_free_port 127.0.11.11)"
PORT_LIM="$(h_free_port 127.0.11.21)"
PORT_WARN="$(h_free_port 127.0.11.31)"
PORT_LIMNORIB="$(h_free_port 127.0.11.41)"
PORT_GA="$(free_port_all 127.0.11.51 127.0.11.53)"
PORT_GB="$(h_free_port 127.0.11.55)"
API_GA="$(h_free_port 127.0.11.51)"
API_GB="$(h_free_port 127.0.11.55)"
[ "$API_GA" != "$PORT_GA" ] || API_GA="$(h_free_port 127.0.11.51)"
[ "$API_GB" != "$PORT_GB" ] || API_GB="$(h_free_port 127.0.11.55)"
PORTS=(PORT_RIB="$PORT_RIB" PORT_NORIB="$PORT_NORIB" PORT_LIM="$PORT_LIM" PORT_WARN="$PORT_WARN"
    PORT_LIMNORIB="$PORT_LIMNORIB" PORT_GA="$PORT_GA" PORT_GB="$PORT_GB" W="$W")
h_say "ports: ${PORTS[*]} API_GA=$API_GA API_GB=$API_GB"

h_render "$CONF/bird.conf" "$W/bird.conf" "${PORTS[@]}"
for f in herald-bird herald-limnorib herald-gobgp; do
    h_render "$CONF/$f.conf" "$W/$f.conf" "${PORTS[@]}"
done
for f in gobgp-a gobgp-b; do
    h_render "$CONF/$f.toml" "$W/$f.toml" "${PORTS[@]}"
done
for f in herald-bird herald-gobgp; do
    "$HERALD" check "$W/$f.conf" >"$W/$f.check.log" 2>&1 || h_fail "herald check $f.conf: $(cat "$W/$f.check.log")"
done
cp "$CONF/rib4-a.conf" "$W/rib4.conf"
cp "$CONF/rib6-a.conf" "$W/rib6.conf"
for i in $(seq 0 149); do printf 'route 10.21.%d.0/24 blackhole;\n' "$i"; done >"$W/lim150.conf"
for i in $(seq 0 89); do printf 'route 10.31.%d.0/24 blackhole;\n' "$i"; done >"$W/warn90.conf"

# --- helpers -------------------------------------------------------------------------------------

HB_SOCK="$W/herald-b.sock"
HG_SOCK="$W/herald-g.sock"
HBL="$W/herald-b.log"
HGL="$W/herald-g.log"

hctl() { # SOCK ARGS...
    local sock="$1"
    shift
    timeout 10 "$HERALD" ctl -s "$sock" "$@"
}

# herald's Adj-RIB-In of one neighbor, canonical (adjrib.py); the raw answer stays in $W/LABEL.raw
herald_rib() { # LABEL SOCK NEIGHBOR
    hctl "$2" show adj-rib in extensive json "$3" >"$W/$1.raw" &&
        python3 "$RIB" herald "$3" "$W/$1.raw"
}

herald_rib_brief() { # LABEL SOCK NEIGHBOR  (plain `show adj-rib in json`)
    hctl "$2" show adj-rib in json "$3" >"$W/$1.raw" &&
        python3 "$RIB" herald --brief "$3" "$W/$1.raw"
}

herald_count() { # SOCK NEIGHBOR -> #recvd of `show neighbor summary`
    hctl "$1" show neighbor summary | awk -v n="$2" '$1 == n { print $NF }'
}

# the routes BIRD exports to PROTO (IBGP defaults added), canonical
bird_export() { # PROTO [--brief]
    h_birdc bird show route export "$1" all | python3 "$RIB" bird --ibgp ${2:-}
}

rib_is() { # LABEL SOCK NEIGHBOR EXPECTED-FILE
    herald_rib "$1" "$2" "$3" >"$W/$1.got" 2>"$W/$1.err" && cmp -s "$4" "$W/$1.got"
}

# wait until herald's Adj-RIB-In of NEIGHBOR is EXPECTED-FILE, else fail with the difference
expect_rib() { # LABEL SOCK NEIGHBOR EXPECTED-FILE WHAT
    local label="$1" sock="$2" nb="$3" exp="$4" what="$5"
    if ! h_wait_quiet 10 rib_is "$label" "$sock" "$nb" "$exp"; then
        cat "$W/$label.err" >&2 || true
        printf '\n%s: expected (%s) vs herald (show adj-rib in extensive json %s):\n' "$label" "$what" "$nb" >&2
        diff -u "$exp" "$W/$label.got" >&2 || true
        h_fail "$label: herald's Adj-RIB-In of $nb is not $what"
    fi
    h_ok "$label: herald's Adj-RIB-In of $nb = $what ($(grep -c . "$exp" || true) routes)"
}

# ---- GoBGP
declare -A API_ADDR=([a]=127.0.11.51 [b]=127.0.11.55) API_PORT=([a]="$API_GA" [b]="$API_GB")
gobgp_() { # a|b ARGS...
    local x="$1"
    shift
    timeout 5 gobgp -u "${API_ADDR[$x]}" -p "${API_PORT[$x]}" "$@"
}

g_established() { # a|b NEIGHBOR
    gobgp_ "$1" -j neighbor "$2" | python3 -c '
import json, sys
sys.exit(0 if json.load(sys.stdin).get("state", {}).get("session_state") == 6 else 1)'
}

# what GoBGP exports to NEIGHBOR, canonical
g_adj_out() { # a|b NEIGHBOR
    gobgp_ "$1" -j neighbor "$2" adj-out -a ipv4 >"$W/adjout-$1-4.json" &&
        gobgp_ "$1" -j neighbor "$2" adj-out -a ipv6 >"$W/adjout-$1-6.json" &&
        python3 "$RIB" gobgp "$W/adjout-$1-4.json" "$W/adjout-$1-6.json"
}

g_rib_matches() { # LABEL a|b GOBGP-NEIGHBOR(herald's address) HERALD-NEIGHBOR(GoBGP's address) COUNT
    g_adj_out "$2" "$3" >"$W/$1.exp" 2>/dev/null || return 1
    [ "$(grep -c . "$W/$1.exp" || true)" = "$5" ] || return 1
    rib_is "$1" "$HG_SOCK" "$4" "$W/$1.exp"
}

expect_g_rib() { # LABEL a|b GOBGP-NEIGHBOR HERALD-NEIGHBOR COUNT
    if ! h_wait_quiet 10 g_rib_matches "$@"; then
        printf '\n%s: GoBGP %s adj-out to %s vs herald (show adj-rib in extensive json %s):\n' "$1" "$2" "$3" "$4" >&2
        diff -u "$W/$1.exp" "$W/$1.got" >&2 || true
        h_fail "$1: herald's Adj-RIB-In of $4 is not what GoBGP $2 exports to $3 ($5 routes expected)"
    fi
    h_ok "$1: herald's Adj-RIB-In of $4 = GoBGP $2's adj-out to $3 ($5 routes)"
}

log_count_ge() { [ "$(h_log_count "$1" "$2")" -ge "$3" ]; }

logtime() { python3 "$RIB" logtime "$@"; }

secs_between() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

in_range() { awk -v x="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(x >= lo && x <= hi) }'; }

proto_all() { h_birdc bird show protocols all "$1"; }

proto_has() { proto_all "$1" | grep -Eq -- "$2"; }

wait_proto() { # SECONDS PROTO REGEX
    h_wait_quiet "$1" proto_has "$2" "$3" ||
        h_fail "BIRD's 'show protocols all $2' never matched /$3/ within $1 s; it shows:
$(proto_all "$2")"
}

# routes BIRD exported on PROTO (all channels), from `show protocols all`
bird_exported() { proto_all "$1" | awk '/Routes:/ { n += $4 } END { print n + 0 }'; }

# --- start ----------------------------------------------------------------------------------------

for x in a b; do
    h_start "gobgpd-$x" "$W/gobgpd-$x.log" gobgpd -f "$W/gobgp-$x.toml" \
        --api-hosts "${API_ADDR[$x]}:${API_PORT[$x]}" --pprof-disable --log-plain
done
h_bird_start bird "$W/bird.conf"
h_herald_start herald-b "$W/herald-bird.conf" --control "$HB_SOCK"
for x in a b; do
    h_wait 15 "gobgpd $x gRPC API" gobgp_ "$x" global
done

# GoBGP routes, phase 1 (both gobgpd), then let herald in
g_add_phase1() { # a|b
    gobgp_ "$1" global rib add -a ipv4 198.51.100.0/25 nexthop 198.51.100.1 med 10 community 65000:1,65000:2
    gobgp_ "$1" global rib add -a ipv4 198.51.100.128/25 nexthop 198.51.100.2 aspath 64700,64701 origin egp
    gobgp_ "$1" global rib add -a ipv4 203.0.113.0/24 nexthop 198.51.100.3 large-community 65000:1:2,4200000001:3:4
    gobgp_ "$1" global rib add -a ipv4 192.0.2.0/24 nexthop 198.51.100.4 origin incomplete med 0
    gobgp_ "$1" global rib add -a ipv6 2001:db8:1::/48 nexthop 2001:db8::1 med 5 community 65000:3
    gobgp_ "$1" global rib add -a ipv6 2001:db8:2::/48 nexthop 2001:db8::2 aspath 64800 large-community 65000:5:6
}
g_add_phase1 a >/dev/null
g_add_phase1 b >/dev/null
gobgp_ a neighbor 127.0.11.52 enable >/dev/null
gobgp_ a neighbor 127.0.11.54 enable >/dev/null
gobgp_ b neighbor 127.0.11.56 enable >/dev/null
h_herald_start herald-g "$W/herald-gobgp.conf" --control "$HG_SOCK"
h_no_wildcard_listen gobgpd-a
h_no_wildcard_listen gobgpd-b

h_wait 15 "BIRD rib Established" h_bird_established bird rib
h_wait 15 "BIRD norib Established" h_bird_established bird norib
h_wait 15 "BIRD nearlim Established" h_bird_established bird nearlim
h_ok "herald-b: sessions with BIRD up (rib, norib, nearlim; lim is cut by its limit)"

# ===== 1. Adj-RIB-In from BIRD ==================================================================

h_wait 10 "herald-b: End-of-RIB ipv4+ipv6 from 127.0.11.1" \
    log_count_ge "$HBL" 'End-of-RIB received peer=127\.0\.11\.1 family=ipv(4|6) unicast' 2
bird_export rib >"$W/1a.exp"
[ "$(grep -c . "$W/1a.exp")" = 10 ] || h_fail "1a: BIRD exports $(grep -c . "$W/1a.exp") routes on rib, expected 10: $(cat "$W/1a.exp")"
expect_rib 1a "$HB_SOCK" 127.0.11.1 "$W/1a.exp" "BIRD's 'show route export rib' (phase a)"
grep -q ' stale$' "$W/1a.got" && h_fail "1a: herald marks routes of a live session stale: $(grep ' stale$' "$W/1a.got")"
# the plain JSON form: same prefixes and next hops
bird_export rib --brief >"$W/1a-brief.exp"
herald_rib_brief 1a-brief "$HB_SOCK" 127.0.11.1 >"$W/1a-brief.got"
cmp -s "$W/1a-brief.exp" "$W/1a-brief.got" || {
    diff -u "$W/1a-brief.exp" "$W/1a-brief.got" >&2
    h_fail "1a: 'show adj-rib in json' differs from BIRD's export (prefixes / next hops)"
}
h_ok "1a: 'show adj-rib in json' (no attributes) lists the same prefixes and next hops"
# every answer form is well-formed JSON
for form in "show adj-rib in json" "show adj-rib in extensive json" "show neighbor summary json" "show neighbor extensive json"; do
    # shellcheck disable=SC2086
    hctl "$HB_SOCK" $form >"$W/form.json" || h_fail "herald ctl $form failed"
    if ! out="$(python3 "$RIB" jsoncheck "$W/form.json")"; then
        defect "'herald ctl $form' is not valid JSON: $out"
    fi
done
# the text form: one line per route
n_text="$(hctl "$HB_SOCK" show adj-rib in | grep -c '^127\.0\.11\.1 ' || true)"
[ "$n_text" = 10 ] || h_fail "1a: 'show adj-rib in' has $n_text lines for 127.0.11.1, expected 10"
[ "$(herald_count "$HB_SOCK" 127.0.11.1)" = 10 ] || h_fail "1a: show neighbor summary #recvd for 127.0.11.1 is not 10: $(hctl "$HB_SOCK" show neighbor summary)"

# ===== 4. adj-rib-in false ======================================================================
h_wait 10 "herald-b: End-of-RIB ipv4+ipv6 from 127.0.11.11" \
    log_count_ge "$HBL" 'End-of-RIB received peer=127\.0\.11\.11 family=ipv(4|6) unicast' 2
n_exp="$(bird_exported norib)"
[ "$n_exp" = 10 ] || h_fail "4: BIRD reports $n_exp routes exported on norib, expected 10: $(proto_all norib)"
hctl "$HB_SOCK" show adj-rib in json 127.0.11.11 >"$W/4.raw"
if grep -q '"neighbor": "127\.0\.11\.11"' "$W/4.raw"; then
    h_fail "4: 'adj-rib-in false' but herald stores routes of 127.0.11.11: $(head -n 3 "$W/4.raw")"
fi
n4="$(herald_count "$HB_SOCK" 127.0.11.11)"
[ "$n4" = 0 ] || h_fail "4: show neighbor summary #recvd for 127.0.11.11 is '$n4', expected 0"
h_bird_established bird norib || h_fail "4: norib not Established"
h_ok "4: adj-rib-in false: session up, BIRD exported 10 routes, herald stores none (#recvd 0)"

# ===== 3. prefix limits =========================================================================
LIMX='peer=127\.0\.11\.21'
h_wait 10 "herald-b: prefix limit exceeded on 127.0.11.21" \
    h_log_has "$HBL" "prefix limit exceeded: closing the session \(Cease 6/1\) $LIMX family=ipv4 unicast count=150"
# the RFC 4486 data: AFI 1, SAFI 1, maximum 100
h_log_has "$HBL" "sending NOTIFICATION Cease \(6/1\): Maximum number of prefixes reached, data 0x00010100000064 $LIMX" ||
    h_fail "3: herald did not log sending Cease 6/1 to 127.0.11.21"
wait_proto 5 lim 'Last error: +Received: Maximum number of prefixes reached'
# RFC 4486 section 4: AFI 1, SAFI 1, maximum 100 (BIRD logs the data in hex)
h_wait 5 "BIRD logs the Cease data 00010100000064" \
    h_log_has "$W/bird.log" 'lim: Received: Maximum number of prefixes reached: 00010100000064'
h_ok "3: BIRD received Cease 6/1 'Maximum number of prefixes reached' with data AFI 1 SAFI 1 max 100"
h_log_has "$HBL" "stays down until herald is restarted or reloaded $LIMX" &&
    h_fail "3: herald says the session stays down although 'restart 2' is configured"
h_wait 10 "herald-b: 127.0.11.21 re-established after the restart delay" \
    log_count_ge "$HBL" "established $LIMX " 2
h_wait 10 "herald-b: second prefix limit exceeded on 127.0.11.21" \
    log_count_ge "$HBL" "prefix limit exceeded: closing the session \(Cease 6/1\) $LIMX" 2
t_down="$(logtime "$HBL" "session down $LIMX" 1)"
t_again="$(logtime "$HBL" "established $LIMX " 2)"
gap="$(secs_between "$t_down" "$t_again")"
h_log_has "$HBL" "restarting after the prefix limit delay $LIMX" || h_fail "3: no 'restarting after the prefix limit delay' for 127.0.11.21"
in_range "$gap" 1.9 4.5 || h_fail "3: the session came back ${gap} s after the Cease, expected about 2 s (restart 2)"
n_rx="$(h_log_count "$W/bird.log" 'lim: Received: Maximum number of prefixes reached')"
[ "$n_rx" -ge 2 ] || h_fail "3: BIRD logged $n_rx Cease 6/1, expected 2 or more"
h_ok "3: restart 2: session back ${gap} s after the Cease, cut again (BIRD received $n_rx Cease 6/1)"

WARNX='peer=127\.0\.11\.31'
h_wait 10 "herald-b: prefix limit warning on 127.0.11.31" \
    h_log_has "$HBL" "prefix limit threshold reached $WARNX family=ipv4 unicast count=90 maximum=100"
h_wait 5 "herald-b: 90 routes from 127.0.11.31" test "$(herald_count "$HB_SOCK" 127.0.11.31)" = 90
h_bird_established bird nearlim || h_fail "3: nearlim not Established after the warning"
h_log_has "$HBL" "prefix limit exceeded.* $WARNX" && h_fail "3: herald cut 127.0.11.31 at 90 of 100 routes"
n_warn="$(h_log_count "$HBL" "prefix limit threshold reached $WARNX")"
[ "$n_warn" = 1 ] || h_fail "3: herald logged the threshold warning for 127.0.11.31 $n_warn times, expected once"
h_ok "3: 90 routes of 100 (warning 80 %): one warning, session up, 90 routes stored"

# ----- 4b. adj-rib-in false with a prefix limit
if "$HERALD" check "$W/herald-limnorib.conf" >"$W/herald-limnorib.check.log" 2>&1; then
    h_herald_start herald-ln "$W/herald-limnorib.conf" --control "$W/herald-ln.sock"
    h_wait 15 "herald-ln: session with BIRD limnorib" h_log_has "$W/herald-ln.log" 'established peer=127\.0\.11\.41 '
    if h_wait_quiet 5 proto_has limnorib 'Last error: +Received: Maximum number of prefixes reached'; then
        h_ok "4b: adj-rib-in false + prefix-limit: the limit is still enforced (Cease 6/1)"
    else
        defect "4b: neighbor 127.0.11.41 has 'adj-rib-in false' and 'prefix-limit { ipv4 unicast 100; }'; \
herald check accepts it, BIRD sent 150 routes ($(bird_exported limnorib) exported) and the session stays up: the limit is silently ignored \
(herald-ln log: $(grep -E 'End-of-RIB|prefix limit' "$W/herald-ln.log" | sed 's/^.*Z *//' | tr '\n' ';'))"
    fi
    h_stop herald-ln
else
    h_ok "4b: herald check refuses prefix-limit with adj-rib-in false: $(tail -n 1 "$W/herald-limnorib.check.log")"
fi

# ----- 1b/1c. BIRD withdraws, changes and adds routes (birdc configure)
n_est_before="$(h_log_count "$HBL" 'established peer=127\.0\.11\.1 ')"
cp "$CONF/rib4-b.conf" "$W/rib4.conf"
cp "$CONF/rib6-b.conf" "$W/rib6.conf"
h_birdc bird configure | grep -q 'Reconfigured' || h_fail "1b: birdc configure failed"
h_wait 5 "BIRD exports the phase b routes (8)" test "$(bird_export rib | grep -c .)" = 8
bird_export rib >"$W/1b.exp"
expect_rib 1b "$HB_SOCK" 127.0.11.1 "$W/1b.exp" "BIRD's export after 4 withdrawals, 1 change, 2 additions"
printf '# phase c: no routes\n' >"$W/rib4.conf"
printf '# phase c: no routes\n' >"$W/rib6.conf"
h_birdc bird configure | grep -q 'Reconfigured' || h_fail "1c: birdc configure failed"
h_wait 5 "BIRD exports nothing" test "$(bird_export rib | grep -c . || true)" = 0
echo >"$W/1c.exp" # adjrib.py prints one empty line for an empty RIB
expect_rib 1c "$HB_SOCK" 127.0.11.1 "$W/1c.exp" "empty (every route withdrawn)"
[ "$(h_log_count "$HBL" 'established peer=127\.0\.11\.1 ')" = "$n_est_before" ] ||
    h_fail "1b/1c: the rib session was reset by BIRD's reconfiguration"
h_bird_established bird rib || h_fail "1c: rib not Established"
[ "$(herald_count "$HB_SOCK" 127.0.11.11)" = 0 ] || h_fail "4: #recvd of 127.0.11.11 not 0 after the changes"

# ===== 1 (GoBGP). Adj-RIB-In from GoBGP ==========================================================
h_wait 20 "GoBGP A: 127.0.11.52 established" g_established a 127.0.11.52
h_wait 20 "GoBGP A: 127.0.11.54 established" g_established a 127.0.11.54
h_wait 20 "GoBGP B: 127.0.11.56 established" g_established b 127.0.11.56
expect_g_rib 1d-ga-gr a 127.0.11.52 127.0.11.51 6
expect_g_rib 1d-ga-nogr a 127.0.11.54 127.0.11.53 6
expect_g_rib 1d-gb-gr5 b 127.0.11.56 127.0.11.55 6
gobgp_ a global rib del -a ipv4 198.51.100.128/25 >/dev/null
gobgp_ a global rib del -a ipv6 2001:db8:2::/48 >/dev/null
gobgp_ a global rib add -a ipv4 203.0.113.128/25 nexthop 198.51.100.5 >/dev/null
gobgp_ a global rib add -a ipv4 198.51.100.0/25 nexthop 198.51.100.1 med 20 community 65000:9 >/dev/null
expect_g_rib 1e-ga-gr a 127.0.11.52 127.0.11.51 5
expect_g_rib 1e-ga-nogr a 127.0.11.54 127.0.11.53 5
h_wait 10 "herald-g: End-of-RIB ipv4+ipv6 from 127.0.11.51" \
    log_count_ge "$HGL" 'End-of-RIB received peer=127\.0\.11\.51 family=ipv(4|6) unicast' 2
# message counters: herald's UPDATEs received = GoBGP's UPDATEs sent (End-of-RIBs included)
g_sent_updates() { gobgp_ a -j neighbor "$1" | python3 -c 'import json, sys; print(json.load(sys.stdin)["state"]["messages"]["sent"]["update"])'; }
h_rx_updates() {
    hctl "$HG_SOCK" show neighbor summary json | python3 -c '
import json, sys
for n in json.load(sys.stdin):
    if n["peer-address"] == sys.argv[1]:
        print(n["messages"]["update"])' "$1"
}
for pair in 127.0.11.52:127.0.11.51 127.0.11.54:127.0.11.53; do
    g_nb="${pair%%:*}" h_nb="${pair##*:}"
    g_n="$(g_sent_updates "$g_nb")"
    h_n="$(h_rx_updates "$h_nb")"
    if [ "$g_n" != "$h_n" ]; then
        defect "show neighbor json: herald counts $h_n UPDATE messages received from $h_nb, GoBGP counts $g_n sent to $g_nb (gobgp -j neighbor $g_nb: state.messages.sent.update)"
    fi
done
cp "$W/1e-ga-gr.got" "$W/2-ga-before.txt"
cp "$W/1d-gb-gr5.got" "$W/2-gb-before.txt"

# ===== 2. Graceful restart ========================================================================
GAX='peer=127\.0\.11\.51'
GNX='peer=127\.0\.11\.53'
GBX='peer=127\.0\.11\.55'
h_stop gobgpd-a KILL
h_stop gobgpd-b KILL
h_say "2: both gobgpd killed (SIGKILL)"
h_wait 10 "herald-g: 127.0.11.51 routes kept as stale" \
    h_log_has "$HGL" "graceful restart: keeping the peer's routes as stale $GAX routes=5 restart_time=30"
h_wait 10 "herald-g: 127.0.11.55 routes kept as stale" \
    h_log_has "$HGL" "graceful restart: keeping the peer's routes as stale $GBX routes=6 restart_time=5"
h_wait 10 "herald-g: 127.0.11.53 session down" h_log_has "$HGL" "session down $GNX reason=connection closed"
# the non-GR neighbor: flushed at once (the peer task clears it when the session goes down,
# before it answers anything else)
herald_rib 2-nogr "$HG_SOCK" 127.0.11.53 >"$W/2-nogr.got"
[ -z "$(tr -d '\n' <"$W/2-nogr.got")" ] || h_fail "2: routes of the non-GR neighbor 127.0.11.53 still there after its session went down:
$(cat "$W/2-nogr.got")"
h_log_has "$HGL" "keeping the peer's routes as stale $GNX" && h_fail "2: herald kept stale routes of 127.0.11.53, which has no GR"
h_ok "2: non-GR neighbor 127.0.11.53: routes flushed when its session dropped"
# the GR neighbors: the same routes, each marked stale
# (B first: its restart time is only 5 s)
sed 's/$/ stale/' "$W/2-ga-before.txt" >"$W/2-ga-stale.exp"
sed 's/$/ stale/' "$W/2-gb-before.txt" >"$W/2-gb-stale.exp"
expect_rib 2-gb-stale "$HG_SOCK" 127.0.11.55 "$W/2-gb-stale.exp" "the 6 routes before the kill, all stale"
expect_rib 2-ga-stale "$HG_SOCK" 127.0.11.51 "$W/2-ga-stale.exp" "the 5 routes before the kill, all stale"
hctl "$HG_SOCK" show neighbor summary json >"$W/2-summary.json"
python3 - "$W/2-summary.json" <<'PY' || h_fail "2: show neighbor summary json does not count 5 stale routes for 127.0.11.51: $(cat "$W/2-summary.json")"
import json, sys
for n in json.load(open(sys.argv[1])):
    if n["peer-address"] == "127.0.11.51":
        sys.exit(0 if n["routes"] == {"received": 5, "stale": 5, "sent": 0} else 1)
sys.exit(1)
PY

# GoBGP A comes back (gobgpd -r: Restart State and forwarding bits set) with only some routes
h_start gobgpd-a2 "$W/gobgpd-a2.log" gobgpd -r -f "$W/gobgp-a.toml" \
    --api-hosts "${API_ADDR[a]}:${API_PORT[a]}" --pprof-disable --log-plain
h_wait 15 "restarted gobgpd A gRPC API" gobgp_ a global
gobgp_ a global rib add -a ipv4 198.51.100.0/25 nexthop 198.51.100.1 med 30 community 65000:9 >/dev/null
gobgp_ a global rib add -a ipv4 203.0.113.0/24 nexthop 198.51.100.3 large-community 65000:1:2,4200000001:3:4 >/dev/null
gobgp_ a global rib add -a ipv6 2001:db8:1::/48 nexthop 2001:db8::1 med 5 community 65000:3 >/dev/null
gobgp_ a neighbor 127.0.11.52 enable >/dev/null
gobgp_ a neighbor 127.0.11.54 enable >/dev/null
h_say "2: gobgpd A restarted (-r) with 3 of its 5 routes; waiting for herald to reconnect"

# Until A's End-of-RIB, herald must keep all 5 routes of 127.0.11.51 (stale or refreshed).
# GoBGP B never returns: its stale routes must go when its restart time (5 s) ends.
eor_re='End-of-RIB received peer=127\.0\.11\.51 family=ipv4 unicast'
n_eor_before="$(h_log_count "$HGL" "$eor_re")"
min_ga=99
end=$((SECONDS + 40))
while :; do
    herald_rib 2-watch "$HG_SOCK" 127.0.11.51 >"$W/2-watch.got" || h_fail "2: cannot read herald's Adj-RIB-In"
    if [ "$(h_log_count "$HGL" "$eor_re")" -gt "$n_eor_before" ]; then
        break # the snapshot may already be after End-of-RIB
    fi
    n="$(grep -c . "$W/2-watch.got" || true)"
    [ "$n" -lt "$min_ga" ] && min_ga="$n"
    [ "$n" = 5 ] || h_fail "2: before GoBGP A's End-of-RIB herald holds $n routes of 127.0.11.51, expected 5:
$(cat "$W/2-watch.got")"
    [ "$SECONDS" -lt "$end" ] || h_fail "2: herald never got GoBGP A's End-of-RIB after the restart"
    sleep 0.2
done
h_ok "2: until GoBGP A's End-of-RIB herald kept all 5 routes of 127.0.11.51 (minimum seen $min_ga)"
h_wait 10 "herald-g: ipv6 End-of-RIB from the restarted 127.0.11.51" \
    log_count_ge "$HGL" 'End-of-RIB received peer=127\.0\.11\.51 family=ipv6 unicast' 2
h_log_has "$HGL" "End-of-RIB received $GAX family=ipv4 unicast routes=2 stale_removed=2" ||
    h_fail "2: herald did not log 'End-of-RIB received … ipv4 unicast routes=2 stale_removed=2': $(grep -E "End-of-RIB.*$GAX" "$HGL" | tail -n 2)"
h_log_has "$HGL" "End-of-RIB received $GAX family=ipv6 unicast routes=1 stale_removed=0" ||
    h_fail "2: herald did not log 'End-of-RIB received … ipv6 unicast routes=1 stale_removed=1': $(grep -E "End-of-RIB.*$GAX" "$HGL" | tail -n 2)"
expect_g_rib 2-ga-after a 127.0.11.52 127.0.11.51 3
h_log_has "$HGL" "restart time over\) $GAX" && h_fail "2: herald dropped 127.0.11.51's routes on the restart timer, not on End-of-RIB"
h_ok "2: after End-of-RIB: exactly the 3 re-announced routes, fresh; the 2 others removed"
expect_g_rib 2-ga-nogr-after a 127.0.11.54 127.0.11.53 3

# GoBGP B: stale routes removed when the 5 s restart time ends
h_wait 15 "herald-g: 127.0.11.55 stale routes removed (restart time over)" \
    h_log_has "$HGL" "graceful restart: stale routes removed \(restart time over\) $GBX routes=6"
t_down="$(logtime "$HGL" "session down $GBX" -1)"
t_swept="$(logtime "$HGL" "stale routes removed \(restart time over\) $GBX")"
held="$(secs_between "$t_down" "$t_swept")"
in_range "$held" 4.9 6.5 || h_fail "2: 127.0.11.55's stale routes were held ${held} s, expected its restart time (5 s)"
echo >"$W/2-gb-empty.exp"
expect_rib 2-gb-expired "$HG_SOCK" 127.0.11.55 "$W/2-gb-empty.exp" "empty after the restart time"
h_ok "2: GoBGP B never returned: its 6 stale routes held ${held} s (restart time 5 s), then removed"

# ===== end ======================================================================================
if [ "${#DEFECTS[@]}" -gt 0 ]; then
    printf '\n' >&2
    for d in "${DEFECTS[@]}"; do printf '[%s] DEFECT: %s\n' "$H_NAME" "$d" >&2; done
    h_fail "${#DEFECTS[@]} herald defect(s), listed above"
fi
h_done
