#!/usr/bin/env bash
# herald's helper-process API and control socket against real routers (BIRD 2, GoBGP 3), with
# ExaBGP 5.0.15 as the reference.
#
#   tests/interop/herald-api.sh          (KEEP_WORK=1 keeps the temp dir; HERALD_TEST_TIMEOUT=S)
#
# Addresses 127.0.5.0/24, OS-chosen free ports. Configs in configs/herald-api/, helper programs
# in programs/.
#   1. health checks: herald runs ExaBGP's own checker (`python -m exabgp healthcheck`,
#      unchanged) and herald's (`herald healthcheck`, same options), each twice: default (a
#      failing service keeps its route with the down MED 1000) and --withdraw-on-down (the
#      route goes). All four follow one file (`test -f up`): BIRD must hold the four service
#      IPs with MED 100, then (file removed) two with MED 1000 and two withdrawn, then (file
#      back) four with MED 100 again. This is what ExaBGP's checker makes a router hold
#      (exabgp/application/healthcheck.py: DOWN -> `announce … med <down-metric>`, or
#      `withdraw` with --withdraw-on-down).
#   2. helper parity: programs/api-parity.py (one by one, `announce attributes … nlri …`,
#      withdrawals in every form, neighbor selectors, End-of-RIB, watchdogs, `flush adj-rib
#      out`, a comment, `show adj-rib out [extensive]`, ack modes) runs under ExaBGP 5.0.15,
#      then under herald, with the same config (parity.conf), each time into a fresh GoBGP
#      (IBGP) and BIRD (EBGP). ExaBGP's result must be the recorded one (expected.*), herald's
#      identical to ExaBGP's: routes at both routers (prefix, next hop, MED, LOCAL_PREF,
#      communities, AS path, …: gobgprib.py / birdroutes.py), End-of-RIBs counted by BIRD, and
#      the helper's log of answers and `show` output (see comparable_acks for the two
#      normalisations).
#   3. malformed commands: programs/api-malformed.py sends garbage, an announce without
#      next-hop, an unknown family, lines over 1 MiB, a /33, … (one at a time, then a pipelined
#      batch); every bad line must be answered `error`, every valid one `done`, in order
#      (expected-malformed-acks.txt), BIRD must hold the valid routes and nothing else, and the
#      session must stay up. ExaBGP is no reference here: 5.0.15 answers `done` to some of
#      these lines and kills a helper that writes a line over 1 MiB.
#   4. control socket: `herald ctl show neighbor summary` lists the session established;
#      `herald ctl announce route …` reaches BIRD; `herald ctl show adj-rib out` lists exactly
#      what BIRD holds; `herald ctl bogus` exits non-zero.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
h_init 60 "$@"
require_peer bird birdc gobgpd gobgp python3 ss
require_exabgp
h_build

CONF="$H_INTEROP/configs/herald-api"
PROG="$H_INTEROP/programs"
ROUTES="$H_INTEROP/birdroutes.py"
W="$H_WORK"
# the Python that runs ExaBGP (its venv's), for `python -m exabgp healthcheck`
VENV_PY="$(dirname "$EXABGP")/python"
[ -x "$VENV_PY" ] || VENV_PY="$(sed -n '1s/^#! *//p' "$EXABGP" | awk '{ print $1 }')"
[ -x "$VENV_PY" ] || h_fail "cannot find the Python that runs $EXABGP"
PY="$(command -v python3)"

PORT_BIRD="$(h_free_port 127.0.5.3)"
PORT_GOBGP="$(h_free_port 127.0.5.1)"
API_GOBGP="$(h_free_port 127.0.5.1)"
[ "$API_GOBGP" != "$PORT_GOBGP" ] || API_GOBGP="$(h_free_port 127.0.5.1)"
PORTS=(PORT_BIRD="$PORT_BIRD" PORT_GOBGP="$PORT_GOBGP")
h_say "ports: ${PORTS[*]} GoBGP API $API_GOBGP"

# --- helpers ---------------------------------------------------------------------------------

# A failed check is reported at once and the script goes on (so that one run shows every
# problem); the script fails at its end if any check failed. h_fail is kept for what makes
# going on pointless (a daemon that does not start, a session that never comes up).
PROBLEMS=()
problem() {
    printf '\n[%s %ss] PROBLEM: %s\n' "$H_NAME" "$(h_elapsed)" "$*" >&2
    PROBLEMS+=("$*")
}

gobgp_() { timeout 5 gobgp -u 127.0.5.1 -p "$API_GOBGP" "$@"; }

bird_routes() { # BIRDNAME: `show route all` of both tables
    h_birdc "$1" show route table t4 all
    h_birdc "$1" show route table t6 all
}

# normalised tables of both routers, into PREFIX.bird.txt and PREFIX.gobgp.txt
dump() { # BIRDNAME PREFIX
    bird_routes "$1" | python3 "$ROUTES" normalise >"$2.bird.txt"
    gobgp_ -j global rib -a ipv4 >"$2.gobgp-ipv4.json"
    gobgp_ -j global rib -a ipv6 >"$2.gobgp-ipv6.json"
    python3 "$H_INTEROP/gobgprib.py" normalise "$2.gobgp-ipv4.json" "$2.gobgp-ipv6.json" >"$2.gobgp.txt"
}

# BIRD's End-of-RIB count for p_ebgp (BIRD traces every one; `Got UPDATE` lines are rate-limited)
bird_eors() { h_log_count "$1" 'p_ebgp: Got END-OF-RIB'; }

# the routers hold what REF.bird.txt and REF.gobgp.txt say
same_as() { # BIRDNAME PREFIX REF
    dump "$1" "$2" || return 1
    cmp -s "$2.bird.txt" "$3.bird.txt" && cmp -s "$2.gobgp.txt" "$3.gobgp.txt"
}

show_diff() { # WHAT EXPECTED GOT (the first 80 lines of the diff, 300 columns)
    diff -u --label "$1: expected" --label "$1: got" "$2" "$3" | head -n 80 | cut -c1-300 >&2 || true
}

# BIRD holds exactly the routes of EXPECTED (birdroutes.py check format)
bird_has() { bird_routes "$1" | python3 "$ROUTES" check "$2" >/dev/null; }

# wait until BIRD holds exactly EXPECTED; a problem (with the differences) if it never does
expect_bird() { # LABEL BIRDNAME EXPECTED SECONDS
    if h_wait_quiet "$4" bird_has "$2" "$3"; then
        h_ok "$1: $(bird_routes "$2" | python3 "$ROUTES" check "$3")"
        return 0
    fi
    bird_routes "$2" | python3 "$ROUTES" check "$3" --label "$1" >&2 || true
    problem "$1: BIRD does not hold the routes of $(basename "$3") (see above)"
    return 1
}

# --- 1, 3, 4: health checkers, malformed commands, control socket (one herald, one BIRD) ----

UP="$W/up"
CTL="$W/ctl.sock"
MAL="$W/malformed-acks.txt"
: >"$MAL"
h_log_file "$MAL"
touch "$UP"
h_render "$CONF/herald.conf" "$W/herald.conf" "${PORTS[@]}" VENV_PY="$VENV_PY" HERALD="$HERALD" \
    PYTHON="$PY" MALFORMED="$PROG/api-malformed.py" ACKLOG="$MAL" UP="$UP"
"$HERALD" check "$W/herald.conf" >"$W/herald.check.log" 2>&1 ||
    h_fail "herald check herald.conf: $(cat "$W/herald.check.log")"
h_render "$CONF/bird.conf" "$W/bird.conf" "${PORTS[@]}"
h_bird_start bird "$W/bird.conf"
h_herald_start hc "$W/herald.conf" --control "$CTL"
HL="$W/hc.log"
h_wait 20 "BIRD p_ebgp Established with herald" h_bird_established bird p_ebgp
SINCE="$(h_birdc bird show protocols p_ebgp | awk '$1 == "p_ebgp" { print $4, $5 }')"

# 3. malformed commands: the exact answers, nothing but the valid routes at BIRD (checked with
# the service up, below), the session never reset
if ! h_wait_quiet 20 grep -qx END "$MAL"; then
    problem "malformed: api-malformed.py did not finish in 20 s (its log: $MAL)"
fi
if cmp -s "$CONF/expected-malformed-acks.txt" "$MAL"; then
    h_ok "malformed: every bad line answered 'error', every valid one 'done', in order ($(grep -c '^error ' "$MAL") errors)"
else
    show_diff "malformed: answers" "$CONF/expected-malformed-acks.txt" "$MAL"
    problem "malformed: the answers differ from expected-malformed-acks.txt (diff above)"
fi

# 1. health checks: up (MED 100), down (MED 1000 or withdrawn), up again
expect_bird "health check, service up" bird "$CONF/expected-hc-up.txt" 15
rm -f "$UP"
expect_bird "health check, service down" bird "$CONF/expected-hc-down.txt" 10
touch "$UP"
expect_bird "health check, service up again" bird "$CONF/expected-hc-up.txt" 10
for c in watch-exabgp watch-exabgp-wd watch-herald watch-herald-wd; do
    # (not h_log_has: under pipefail its `sed | grep -q` fails when grep stops reading early)
    grep -Eq "process started process=$c " "$HL" || problem "health check: herald never started $c"
done
if grep -E 'refused: .* source=watch-' "$HL" >"$W/hc-refused.txt"; then
    problem "health check: herald refused commands of a checker: $(head -n 3 "$W/hc-refused.txt")"
fi

# 4. control socket
ctl() { timeout 10 "$HERALD" ctl -s "$CTL" "$@"; }
if ctl show neighbor summary >"$W/ctl-summary.txt" 2>&1 &&
    grep -Eq '^127\.0\.5\.3 +65000 +[0-9]+:[0-9]{2}:[0-9]{2} +established ' "$W/ctl-summary.txt"; then
    h_ok "ctl: show neighbor summary lists 127.0.5.3 established"
else
    cat "$W/ctl-summary.txt" >&2
    problem "ctl: 'show neighbor summary' failed or does not list 127.0.5.3 established (above)"
fi
if ctl announce route 198.51.100.128/28 next-hop 198.51.100.70 med 70 community '[' 65000:70 ']' \
    >"$W/ctl-announce.txt" 2>&1; then
    expect_bird "ctl: announce route" bird "$CONF/expected-ctl.txt" 10
else
    problem "ctl: 'announce route …' exited $?: $(cat "$W/ctl-announce.txt")"
fi
# what herald sends BIRD, in ExaBGP's `show adj-rib out` form (lines sorted): exactly what BIRD
# holds (expected-ctl.txt), nothing from the malformed lines
sort >"$W/ctl-rib-expected.txt" <<'EOF2'
127.0.5.3 ipv4 unicast 203.0.113.0/28 next-hop 198.51.100.60
127.0.5.3 ipv4 unicast 203.0.113.16/28 next-hop 198.51.100.61
127.0.5.3 ipv4 unicast 203.0.113.32/28 next-hop 198.51.100.62
127.0.5.3 ipv4 unicast 203.0.113.48/28 next-hop 198.51.100.63
127.0.5.3 ipv4 unicast 203.0.113.10/32 next-hop 198.51.100.1
127.0.5.3 ipv4 unicast 203.0.113.11/32 next-hop 198.51.100.1
127.0.5.3 ipv4 unicast 203.0.113.20/32 next-hop 198.51.100.1
127.0.5.3 ipv4 unicast 203.0.113.21/32 next-hop 198.51.100.1
127.0.5.3 ipv4 unicast 198.51.100.128/28 next-hop 198.51.100.70
EOF2
if ctl show adj-rib out >"$W/ctl-rib.txt" 2>&1; then
    sort "$W/ctl-rib.txt" >"$W/ctl-rib-sorted.txt"
    if cmp -s "$W/ctl-rib-expected.txt" "$W/ctl-rib-sorted.txt"; then
        h_ok "ctl: show adj-rib out lists exactly the $(wc -l <"$W/ctl-rib.txt") routes BIRD holds"
    else
        show_diff "ctl: show adj-rib out" "$W/ctl-rib-expected.txt" "$W/ctl-rib-sorted.txt"
        problem "ctl: 'show adj-rib out' is not the routes BIRD holds (diff above)"
    fi
else
    problem "ctl: 'show adj-rib out' failed: $(cat "$W/ctl-rib.txt")"
fi
rc=0
ctl bogus >"$W/ctl-bogus.txt" 2>&1 || rc=$?
if [ "$rc" -ne 0 ]; then
    h_ok "ctl: 'bogus' exits $rc ($(head -n 1 "$W/ctl-bogus.txt"))"
else
    problem "ctl: 'herald ctl bogus' exited 0: $(cat "$W/ctl-bogus.txt")"
fi

# the session was never reset by any of this
if [ "$(h_birdc bird show protocols p_ebgp | awk '$1 == "p_ebgp" { print $4, $5 }')" != "$SINCE" ] ||
    ! h_bird_established bird p_ebgp || [ "$(h_log_count "$HL" 'established peer=127\.0\.5\.3 ')" != 1 ]; then
    problem "the session to BIRD was reset during parts 1, 3, 4 (BIRD: $(h_birdc bird show protocols p_ebgp | tail -n 1))"
else
    h_ok "the session to BIRD stayed up throughout (since $SINCE)"
fi
h_stop hc TERM
h_stop bird TERM

# --- 2. helper parity ------------------------------------------------------------------------

# run parity.conf with SENDER (exabgp|herald) against a fresh GoBGP and BIRD; leave the dumps
# in $W/SENDER.*; REF is what the routers must hold: the recorded expectation for ExaBGP
# (expected.*), ExaBGP's own result for herald.
# configs/herald-api/expected.{bird,gobgp}.txt, .eors and .acks.txt were recorded from ExaBGP
# 5.0.15 (KEEP_WORK=1, then $W/exabgp.bird.txt, exabgp.gobgp.txt, exabgp.eors and
# parity-exabgp/acks.txt without its `stray done` lines) and checked by hand against
# api-parity.py: e.g. 192.0.2.0/28 withdrawn from GoBGP only, dog1 withdrawn, dog2 announced.
parity_run() { # SENDER REF
    local s="$1" ref="$2" d="$W/parity-$1"
    mkdir -p "$d"
    : >"$d/acks.txt"
    h_log_file "$d/acks.txt"
    h_render "$CONF/parity.conf" "$d/parity.conf" "${PORTS[@]}" PYTHON="$PY" \
        HELPER="$PROG/api-parity.py" ACKLOG="$d/acks.txt"
    h_render "$CONF/bird.conf" "$d/bird.conf" "${PORTS[@]}"
    h_render "$CONF/gobgp.toml" "$d/gobgp.toml" "${PORTS[@]}"
    h_bird_start "$s-bird" "$d/bird.conf"
    h_start "$s-gobgpd" "$W/$s-gobgpd.log" gobgpd -f "$d/gobgp.toml" \
        --api-hosts "127.0.5.1:$API_GOBGP" --pprof-disable --log-plain
    h_wait 15 "gobgpd ($s run) gRPC API" gobgp_ global
    h_no_wildcard_listen "$s-gobgpd"
    case "$s" in
    exabgp)
        (cd "$d" && env exabgp_log_enable=false "$EXABGP" validate "$d/parity.conf") \
            >"$d/validate.log" 2>&1 || h_fail "exabgp validate parity.conf: $(cat "$d/validate.log")"
        h_start exabgp "$W/exabgp.log" env exabgp_tcp_bind= exabgp_api_cli=false \
            exabgp_daemon_user=root exabgp_daemon_drop=false exabgp_log_enable=false \
            "$EXABGP" "$d/parity.conf"
        ;;
    herald)
        "$HERALD" check "$d/parity.conf" >"$d/check.log" 2>&1 ||
            h_fail "herald check parity.conf: $(cat "$d/check.log")"
        h_herald_start herald "$d/parity.conf" --control "$W/parity-ctl.sock"
        ;;
    esac
    h_wait 20 "$s: BIRD p_ebgp Established" h_bird_established "$s-bird" p_ebgp
    h_wait 20 "$s: GoBGP 127.0.5.2 established" h_gobgp_established 127.0.5.2
    if ! h_wait_quiet 25 grep -qx END "$d/acks.txt"; then
        problem "$s: the helper did not finish in 25 s (its log: $d/acks.txt)"
    fi
    cp "$d/acks.txt" "$W/$s.acks.txt"
    if h_wait_quiet 10 same_as "$s-bird" "$W/$s" "$ref"; then
        h_ok "$s: BIRD and GoBGP hold the expected routes ($(grep -c '^[0-9a-f]' "$W/$s.bird.txt") in BIRD, $(grep -c ' from ' "$W/$s.gobgp.txt") paths in GoBGP)"
    else
        show_diff "$s: BIRD" "$ref.bird.txt" "$W/$s.bird.txt"
        show_diff "$s: GoBGP" "$ref.gobgp.txt" "$W/$s.gobgp.txt"
        problem "$s: the routers do not hold what $(basename "$ref").*.txt says (diffs above)"
    fi
    # every End-of-RIB was sent before the last route, so they are all there by now
    bird_eors "$W/$s-bird.log" >"$W/$s.eors"
    if [ "$(cat "$W/$s.eors")" = "$(cat "$ref.eors")" ]; then
        h_ok "$s: BIRD got $(cat "$ref.eors") End-of-RIBs (2 at the start, 1 per 'announce eor')"
    else
        problem "$s: BIRD got $(cat "$W/$s.eors") End-of-RIBs, expected $(cat "$ref.eors") (2 at the start, then 'announce eor' = IPv4 unicast only, 'announce eor ipv6 unicast', and none from 'flush adj-rib out')"
    fi
    h_stop "$s" TERM
    h_stop "$s-bird" TERM
    h_stop "$s-gobgpd" TERM
}

# The helper's log, made comparable: ExaBGP's late `stray done` answers dropped (its answers to
# commands sent while acks were off come after the next `enable-ack`; see api-parity.py: herald
# must have none, so they are dropped from ExaBGP's log only), and in the `show adj-rib out
# extensive` listing two ways of writing the same value made one:
#   - `as-path ( 64520 )` -> `as-path [ 64520 ]`: ExaBGP 5.0.15 prints an AS_SEQUENCE between
#     parentheses there (aspath.py: SEQUENCE.HEAD = '('), which is the AS_SET syntax of its own
#     configuration and commands; herald may print the AS_SEQUENCE as it is written in commands;
#   - `community 65000:224` -> `community [ 65000:224 ]`: ExaBGP writes a list of one value
#     without brackets; both forms mean the same in its grammar.
# Nothing else is normalised: the neighbor's full name (`neighbor IP local-ip … family-allowed
# …`), the order of values and their names (no-export, target:…) must be ExaBGP's.
comparable_acks() { # LOG SENDER
    python3 - "$1" "$2" <<'PY'
import re, sys
log, sender = sys.argv[1], sys.argv[2]
lists = "community|large-community|extended-community|as-path|cluster-list"
for line in open(log):
    line = line.rstrip("\n")
    if sender == "exabgp" and line == "stray done":
        continue
    if line.startswith("  | "):
        line = re.sub(r"\bas-path \( ([^)]*) \)", r"as-path [ \1 ]", line)
        line = re.sub(r"\b(%s) ([^\[\s]\S*)" % lists, r"\1 [ \2 ]", line)
    print(line)
PY
}

check_acks() { # SENDER
    comparable_acks "$CONF/expected.acks.txt" exabgp >"$W/expected.acks.cmp"
    comparable_acks "$W/$1.acks.txt" "$1" >"$W/$1.acks.cmp"
    if cmp -s "$W/expected.acks.cmp" "$W/$1.acks.cmp"; then
        h_ok "$1: the helper got the expected answers and show output ($(wc -l <"$W/$1.acks.cmp") lines)"
    else
        show_diff "$1: the helper's answers" "$W/expected.acks.cmp" "$W/$1.acks.cmp"
        problem "$1: the helper's log of answers differs from expected.acks.txt (diff above)"
    fi
}

parity_run exabgp "$CONF/expected"
check_acks exabgp
parity_run herald "$W/exabgp"
check_acks herald

if [ "${#PROBLEMS[@]}" -gt 0 ]; then
    printf '\n%s problem(s):\n' "${#PROBLEMS[@]}" >&2
    printf '  - %s\n' "${PROBLEMS[@]}" >&2
    h_fail "${#PROBLEMS[@]} check(s) failed (listed above)"
fi
h_done
