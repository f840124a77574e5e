#!/usr/bin/env bash
# Receive benchmark: a BIRD 2 peer exports a table of N4 IPv4 /24 + N6 IPv6 /56 routes (static
# routes from generated files, 400,000 + 600,000 by default) to herald over IBGP, and herald
# keeps it in its Adj-RIB-In. Three modes:
#   none     plain Adj-RIB-In, no events;
#   process  JSON events (`receive { parsed; update; }`) to a helper process that reads them all
#            (`exec cat >/dev/null`);
#   stdout   `herald run … --json-events`, stdout to /dev/null.
# Per run: the time from herald's `established` log line to its last `End-of-RIB received` (IPv4
# and IPv6 unicast) by herald's log time stamps, herald's CPU time (utime+stime, from its start
# until it is idle after the table), its peak RSS (VmHWM), and bytes per route: (VmRSS once idle
# after the table - VmRSS when `established` was seen) / routes. The Adj-RIB-In count (`herald ctl
# show neighbor summary`) must equal N4+N6. BIRD's CPU time over the same span is printed too:
# BIRD is the sender and, when it is near `time`, the limit. BIRD's table varies: routes are
# spread round-robin over VARIANTS static protocols per family, each import filter setting its own
# MED, communities and AS path, so consecutive prefixes carry different attributes. BIRD has loaded
# its table before herald starts; herald connects, BIRD is passive. Loopback only; not part of the
# tests, never run by CI. Fails (and stops everything it started) when the table has not arrived
# TIMEOUT s after herald's start. Warns on stderr about a count mismatch, a second `established`,
# warnings in herald's log, and events herald dropped because the consumer fell 32 MiB behind.
# While it waits, the script wakes BIRD every 20 ms (POKE=0 does not): BIRD 2.0.12 otherwise
# holds the end of its table feed until its 3 s idle poll timeout.
#
#   benches/receive/run.sh                          # 400,000 + 600,000 routes, all three modes
#   N4=100000 N6=0 MODES="none stdout" RUNS=3 SKIP_BUILD=1 benches/receive/run.sh
#   HERALD_BENCH_BIN=/path/to/herald KEEP_WORK=1 VERBOSE=1 BIRD_DEBUG=1 benches/receive/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"
N4="${N4:-400000}"
N6="${N6:-600000}"
MODES="${MODES:-none process stdout}"
RUNS="${RUNS:-1}"
VARIANTS="${VARIANTS:-8}"    # attribute sets per family
TIMEOUT="${TIMEOUT:-120}"    # seconds for the whole table to arrive, from herald's start
POKE="${POKE:-1}"            # 0: do not wake BIRD while waiting (see run())
[ -n "${SKIP_BUILD:-}" ] || cargo build --release -q -p herald
bin="${HERALD_BENCH_BIN:-$PWD/target/release/herald}"
[ -x "$bin" ] || { echo "no herald binary at $bin" >&2; exit 1; }
command -v bird >/dev/null && command -v birdc >/dev/null || { echo "BIRD 2 (bird, birdc) is needed" >&2; exit 1; }
N=$((N4 + N6))
[ "$N" -gt 0 ] || { echo "N4+N6 must be > 0" >&2; exit 1; }
bird_debug=off
[ -z "${BIRD_DEBUG:-}" ] || bird_debug="{ states, events, packets }"   # BIRD_DEBUG=1: packet trace in bird.log
HERALD_IP=127.0.14.1
BIRD_IP=127.0.14.2
tmp=$(mktemp -d)
bird_pid="" herald_pid="" poke_pid=""

children() { # PID -> its descendants, deepest first
    local c
    for c in $(ps -o pid= --ppid "$1" 2>/dev/null); do children "$c"; echo "$c"; done
}
stop_herald() {
    [ -n "$herald_pid" ] || return 0
    local kids; kids=$(children "$herald_pid")
    kill -TERM "$herald_pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$herald_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$herald_pid" 2>/dev/null || true
    # its helper processes (sh -c → cat), should herald not have ended them
    for c in $kids; do kill -KILL "$c" 2>/dev/null || true; done
    wait "$herald_pid" 2>/dev/null || true
    herald_pid=""
}
stop_bird() {
    if [ -n "$poke_pid" ]; then
        exec 3>&-
        kill "$poke_pid" 2>/dev/null || true
        wait "$poke_pid" 2>/dev/null || true
        poke_pid=""
    fi
    [ -n "$bird_pid" ] || return 0
    kill -TERM "$bird_pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$bird_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$bird_pid" 2>/dev/null || true
    wait "$bird_pid" 2>/dev/null || true
    bird_pid=""
}
cleanup() {
    stop_herald
    stop_bird
    if [ -n "${KEEP_WORK:-}" ]; then echo "work dir kept: $tmp" >&2; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
fail() { echo "receive: FAILED: $*" >&2; exit 1; }

port=$((20000 + RANDOM % 20000))
clk=$(getconf CLK_TCK)
now_ms() { date +%s%3N; }
plain() { sed 's/\x1b\[[0-9;]*m//g' "$1"; }                 # herald's log without ANSI colours
log_count() { plain "$1" | grep -Ec "$2" || true; }            # FILE REGEX -> matching lines
log_time() { # FILE REGEX [N, -1 the last] -> seconds since the epoch of that line's time stamp
    python3 - "$@" <<'PY'
import re, sys
from datetime import datetime
path, rx = sys.argv[1], re.compile(sys.argv[2])
n = int(sys.argv[3]) if len(sys.argv) > 3 else 1
hits = [l.split()[0] for l in (re.sub(r"\x1b\[[0-9;]*m", "", r) for r in open(path, errors="replace")) if rx.search(l)]
print("%.6f" % datetime.fromisoformat(hits[n - 1 if n > 0 else n].replace("Z", "+00:00")).timestamp())
PY
}
cpu_ticks() { sed 's/^.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'; }  # utime+stime
status_kb() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status"; }      # PID VmRSS|VmHWM

# --- the table: VARIANTS static protocols per family, routes dealt out round-robin ---------------
python3 - "$N4" "$N6" "$VARIANTS" "$tmp" <<'PY'
import sys
n4, n6, k, w = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
files = [open("%s/r4-%d.conf" % (w, v), "w") for v in range(k)]
for i in range(n4):  # 10.0.0.0/24, 10.0.1.0/24, ... (then 11.x ...)
    files[i % k].write("route %d.%d.%d.0/24 blackhole;\n" % (10 + (i >> 16), (i >> 8) & 255, i & 255))
files = [open("%s/r6-%d.conf" % (w, v), "w") for v in range(k)]
for i in range(n6):  # 2001:db8:1000::/56, 2001:db8:1000:100::/56, ...
    files[i % k].write("route 2001:db8:%x:%x00::/56 blackhole;\n" % (0x1000 + (i >> 8), i & 255))
PY
{
    echo "router id 10.14.0.2;"
    echo "log \"$tmp/bird.log\" all;"
    echo "protocol device { }"
    echo "ipv4 table t4;"
    echo "ipv6 table t6;"
    for v in $(seq 0 $((VARIANTS - 1))); do
        for f in 4 6; do
            # a static protocol per attribute set; empty files are fine
            cat <<EOC
protocol static s${f}_$v {
  ipv$f { table t$f; import filter {
    bgp_origin = ORIGIN_IGP;
    bgp_med = $((v * 10));
    bgp_path.prepend($((64512 + v % 4)));
    bgp_path.prepend($((64600 + v)));
    bgp_community.add((65000, $((100 + v))));
    bgp_community.add((65000, $((200 + v % 3))));
    accept;
  }; };
include "$tmp/r$f-$v.conf";
}
EOC
        done
    done
} >"$tmp/bird-static.conf"

run() { # MODE
    local mode=$1 sock="$tmp/bird.ctl" hsock="$tmp/herald.sock" hlog="$tmp/herald-$mode.log"
    rm -f "$tmp/bird.log" "$hlog" "$hsock"
    {
        cat "$tmp/bird-static.conf"
        cat <<EOC
protocol bgp herald {
  local $BIRD_IP port $port as 65001;
  neighbor $HERALD_IP as 65001;
  strict bind yes;
  multihop;
  passive on;
  hold time 90;
  debug $bird_debug;
  ipv4 { table t4; import none; export all; next hop address 198.51.100.1; };
  ipv6 { table t6; import none; export all; next hop address 2001:db8::1; };
}
EOC
    } >"$tmp/bird.conf"
    bird -f -c "$tmp/bird.conf" -s "$sock" -P "$tmp/bird.pid" 2>"$tmp/bird.stderr" &
    bird_pid=$!
    # BIRD parses a million routes for a few seconds; its socket answers once the config is loaded
    local t0 want=$((2 * VARIANTS)) up=0
    t0=$(now_ms)
    while :; do
        kill -0 "$bird_pid" 2>/dev/null || fail "BIRD exited: $(cat "$tmp/bird.stderr")"
        up=$(timeout 5 birdc -s "$sock" show protocols 2>/dev/null | awk '$2 == "Static" && $4 == "up"' | wc -l || true)
        [ "$up" -ge "$want" ] && break
        [ $(($(now_ms) - t0)) -gt 120000 ] && fail "BIRD's static protocols not up after 120 s ($up/$want)"
        sleep 0.2
    done
    local c4 c6
    c4=$(timeout 10 birdc -s "$sock" show route table t4 count | awk '/routes for/ {print $1}')
    c6=$(timeout 10 birdc -s "$sock" show route table t6 count | awk '/routes for/ {print $1}')
    [ "${c4:-0}" = "$N4" ] && [ "${c6:-0}" = "$N6" ] || fail "BIRD holds ${c4:-?}/$N4 IPv4 and ${c6:-?}/$N6 IPv6 routes"
    # BIRD 2.0.x can leave the last UPDATEs and the End-of-RIB of a table feed unsent until its
    # main loop next wakes up: with nothing else to do, that is its 3 s poll timeout, added to every
    # measurement. A birdc that is sent `show status` while the script waits wakes it.
    rm -f "$tmp/poke"
    mkfifo "$tmp/poke"
    birdc -s "$sock" <"$tmp/poke" >/dev/null 2>&1 &
    poke_pid=$!
    exec 3>"$tmp/poke"

    local api="" process=""
    if [ "$mode" = process ]; then
        process=$'process sink {\n    run /bin/sh -c "exec cat >/dev/null";\n    encoder json;\n}'
        api=$'    api {\n        processes [ sink ];\n        receive { parsed; update; }\n    }'
    fi
    cat >"$tmp/herald.conf" <<EOC
$process
neighbor $BIRD_IP {
    router-id 10.14.0.1;
    local-address $HERALD_IP;
    local-as 65001;
    peer-as 65001;
    connect $port;
    hold-time 90;
    family { ipv4 unicast; ipv6 unicast; }
$api
}
EOC
    local events=() out="$tmp/herald-$mode.out"
    if [ "$mode" = stdout ]; then events=(--json-events); out=/dev/null; fi
    : >"$hlog"   # exists before the first look at it
    t0=$(now_ms)
    env -u HERALD_BENCH_BIN exabgp_tcp_bind= "$bin" run "$tmp/herald.conf" --log-level info --control "$hsock" "${events[@]}" \
        >"$out" 2>"$hlog" &
    herald_pid=$!
    local peer_re="peer=${BIRD_IP//./\\.}" rss0="" cpu0="" bcpu0=""
    # BIRD sends an End-of-RIB for each family, empty or not: wait for both
    local eor_re="End-of-RIB received $peer_re family=ipv(4|6) unicast" eor_want=2
    while :; do
        kill -0 "$herald_pid" 2>/dev/null || fail "herald exited: $(plain "$hlog" | tail -n 5)"
        if [ -z "$rss0" ] && [ "$(log_count "$hlog" "established $peer_re ")" -ge 1 ]; then
            rss0=$(status_kb "$herald_pid" VmRSS) cpu0=$(cpu_ticks "$herald_pid") bcpu0=$(cpu_ticks "$bird_pid")
        fi
        [ "$(log_count "$hlog" "$eor_re")" -ge "$eor_want" ] && break
        [ $(($(now_ms) - t0)) -gt $((TIMEOUT * 1000)) ] &&
            fail "mode $mode: the table did not arrive within $TIMEOUT s (established: $(log_count "$hlog" "established $peer_re "), End-of-RIB: $(log_count "$hlog" "$eor_re")/$eor_want); herald log tail: $(plain "$hlog" | tail -n 5 | tr '\n' ';')"
        [ "$POKE" = 0 ] || echo "show status" >&3
        # look often until `established` (VmRSS then is the base of bytes/route)
        if [ -z "$rss0" ]; then sleep 0.003; else sleep 0.02; fi
    done
    [ -n "$rss0" ] || fail "herald logged End-of-RIB but no 'established'"
    local bcpu1; bcpu1=$(cpu_ticks "$bird_pid")
    # herald may still be encoding/writing events: wait until it is idle (no CPU tick for 300 ms)
    local prev cur
    prev=$(cpu_ticks "$herald_pid")
    for _ in $(seq 100); do
        sleep 0.3
        cur=$(cpu_ticks "$herald_pid")
        [ "$cur" = "$prev" ] && break
        prev=$cur
    done
    local cpu1 rss1 hwm count
    cpu1=$(cpu_ticks "$herald_pid") rss1=$(status_kb "$herald_pid" VmRSS) hwm=$(status_kb "$herald_pid" VmHWM)
    count=$(timeout 10 "$bin" ctl -s "$hsock" show neighbor summary | awk -v n="$BIRD_IP" '$1 == n {print $NF}')
    local te tl secs
    te=$(log_time "$hlog" "established $peer_re ")
    tl=$(log_time "$hlog" "$eor_re" -1)
    secs=$(awk -v a="$te" -v b="$tl" 'BEGIN {printf "%.3f", b - a}')
    local n_est n_down
    n_est=$(log_count "$hlog" "established $peer_re ")
    n_down=$(log_count "$hlog" "session down|notification|hold timer|WARN|ERROR")
    local n_drop
    n_drop=$(log_count "$hlog" "consumer is not keeping up")
    printf 'receive %-7s routes=%-7s time=%6.2f s  rate=%8.0f routes/s  herald CPU=%5.2f s  peak RSS=%4d MiB  bytes/route=%4.0f  BIRD CPU=%5.2f s\n' \
        "$mode" "${count:-?}" "$secs" "$(awk -v n="$N" -v s="$secs" 'BEGIN {print (s > 0 ? n / s : 0)}')" \
        "$(awk -v c="$cpu1" -v k="$clk" 'BEGIN {print c / k}')" $((hwm / 1024)) \
        "$(awk -v a="$rss0" -v b="$rss1" -v n="$N" 'BEGIN {print (b - a) * 1024 / n}')" \
        "$(awk -v a="$bcpu0" -v b="$bcpu1" -v k="$clk" 'BEGIN {print (b - a) / k}')"
    [ "${count:-}" = "$N" ] || echo "receive $mode: WARNING: Adj-RIB-In holds '${count:-?}' routes, expected $N" >&2
    [ "$n_est" = 1 ] || echo "receive $mode: WARNING: herald logged 'established' $n_est times" >&2
    [ "$n_drop" = 0 ] || echo "receive $mode: WARNING: herald dropped events: its queue for the consumer (32 MiB) filled $n_drop time(s)" >&2
    [ "$n_down" = 0 ] || echo "receive $mode: WARNING: herald logged: $(plain "$hlog" | grep -Ei 'session down|notification|hold timer|WARN|ERROR' | head -n 3 | sed 's/^[^ ]* *//' | tr '\n' ';')" >&2
    [ -z "${VERBOSE:-}" ] || echo "  ($mode: CPU from established $(awk -v a="$cpu0" -v b="$cpu1" -v k="$clk" 'BEGIN {print (b - a) / k}') s; VmRSS $((rss0 / 1024)) -> $((rss1 / 1024)) MiB)" >&2
    stop_herald
    stop_bird
    port=$((port + 1))
}

for mode in $MODES; do
    case "$mode" in none | process | stdout) ;; *) fail "unknown mode '$mode' (none, process, stdout)" ;; esac
    for _ in $(seq "$RUNS"); do run "$mode"; done
done
