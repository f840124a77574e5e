#!/usr/bin/env bash
# API injection benchmark: a helper process writes N routes as ExaBGP text commands and BIRD
# receives them through herald. Time from herald's start until BIRD holds every route, and
# herald's peak RSS. Two forms: one `announce route` per line, and `announce attributes …
# nlri` with 1,000 prefixes per line. Acks are off (exabgp.api.ack=false), as a bulk loader
# would run. Loopback only; not part of the tests.
#
#   benches/api/run.sh                         # 1,000,000 routes, both forms
#   SIZES=100000 FORMS=line RUNS=3 benches/api/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"
SIZES="${SIZES:-1000000}"
FORMS="${FORMS:-line batch}"
RUNS="${RUNS:-1}"
[ -n "${SKIP_BUILD:-}" ] || cargo build --release -q -p herald
bin="${HERALD_BENCH_BIN:-$PWD/target/release/herald}"
tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
now_ms() { date +%s%3N; }
port=$((20000 + RANDOM % 20000))

gen() { # N FORM > file
    python3 - "$1" "$2" <<'PY'
import sys
n, form = int(sys.argv[1]), sys.argv[2]
out = sys.stdout
def prefix(i):
    return f"{10 + (i >> 16)}.{(i >> 8) & 255}.{i & 255}.0/24"
if form == "line":
    for i in range(n):
        out.write(f"announce route {prefix(i)} next-hop 198.51.100.1 med {i % 30} community [65000:{i % 7}]\n")
else:
    for start in range(0, n, 1000):
        ps = " ".join(prefix(i) for i in range(start, min(n, start + 1000)))
        out.write(f"announce attributes next-hop 198.51.100.1 med {(start // 1000) % 30} community [65000:1] nlri {ps}\n")
PY
}

run() { # N FORM
    local n=$1 form=$2 conf="$tmp/bird.conf" sock="$tmp/bird.ctl"
    cat >"$conf" <<EOC
router id 10.9.9.2;
protocol device {}
protocol bgp herald {
    local 127.0.6.2 port $port as 65001;
    neighbor 127.0.6.1 as 65001;
    multihop;
    passive on;
    ipv4 { import all; export none; };
}
EOC
    bird -f -c "$conf" -s "$sock" -P "$tmp/bird.pid" &
    pids+=($!)
    for _ in $(seq 100); do birdc -s "$sock" show status >/dev/null 2>&1 && break; sleep 0.05; done
    [ -f "$tmp/routes-$n-$form" ] || gen "$n" "$form" >"$tmp/routes-$n-$form"
    cat >"$tmp/herald.conf" <<EOC
process loader {
    run /bin/sh -c "cat $tmp/routes-$n-$form; exec sleep 3600";
    encoder text;
}
neighbor 127.0.6.2 {
    router-id 127.0.6.1;
    local-address 127.0.6.1;
    local-as 65001;
    peer-as 65001;
    connect $port;
    family { ipv4 unicast; }
    api { processes [ loader ]; }
}
EOC
    local t0; t0=$(now_ms)
    exabgp_api_ack=false exabgp_tcp_bind= exabgp_api_cli=false "$bin" run "$tmp/herald.conf" --log-level warn 2>"$tmp/herald.log" &
    local hp=$!; pids+=($hp)
    local count=0
    while :; do
        count=$(birdc -s "$sock" show protocols all herald 2>/dev/null | awk '/Routes:/ {print $2; exit}')
        [ "${count:-0}" -ge "$n" ] && break
        [ $(( $(now_ms) - t0 )) -gt 300000 ] && { echo "timeout: BIRD has ${count:-0}/$n"; break; }
        sleep 0.02
    done
    local t1; t1=$(now_ms)
    local hwm; hwm=$(awk '/VmHWM/ {print $2}' "/proc/$hp/status")
    # herald's CPU time (user + system), in clock ticks in /proc/PID/stat fields 14 and 15
    local cpu; cpu=$(awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$hp/stat")
    printf 'API %-5s -> BIRD  routes=%-8d time=%6.2f s  rate=%9.0f routes/s  herald CPU=%5.2f s  peak RSS=%4d MiB\n' \
        "$form" "$n" "$(echo "($t1-$t0)/1000" | bc -l)" "$(echo "$n*1000/($t1-$t0)" | bc -l)" "$cpu" $((hwm / 1024))
    kill "$hp" "$(cat "$tmp/bird.pid")" 2>/dev/null || true
    wait 2>/dev/null || true
    port=$((port + 1))
}

for n in $SIZES; do
    for form in $FORMS; do
        for _ in $(seq "$RUNS"); do run "$n" "$form"; done
    done
done
