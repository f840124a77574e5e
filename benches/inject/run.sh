#!/usr/bin/env bash
# End-to-end injection benchmark: time from herald's start until the receiver holds every route
# of a generated configuration, and herald's peak RSS (VmHWM). Receivers: BIRD 2 and a second
# herald. Prints one line per run; repeat with RUNS=N to get a median. Loopback only.
#
#   benches/inject/run.sh                 # 100,000 and 1,000,000 routes, BIRD and herald
#   SIZES="100000" RECEIVERS="bird" RUNS=3 benches/inject/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"
SIZES="${SIZES:-100000 1000000}"
RECEIVERS="${RECEIVERS:-bird herald}"
RUNS="${RUNS:-1}"
[ -n "${SKIP_BUILD:-}" ] || cargo build --release -q -p herald
bin="$PWD/target/release/herald"
tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT

now_ms() { date +%s%3N; }
port=$((20000 + RANDOM % 20000))

run_bird() { # N
    local n=$1 conf="$tmp/bird.conf" sock="$tmp/bird.ctl"
    cat >"$conf" <<EOC
router id 10.9.9.2;
protocol device {}
protocol bgp herald {
    local 127.0.5.2 port $port as 65001;
    neighbor 127.0.5.1 as 65001;
    multihop;
    passive on;
    ipv4 { import all; export none; };
}
EOC
    bird -f -c "$conf" -s "$sock" -P "$tmp/bird.pid" &
    pids+=($!)
    for _ in $(seq 100); do birdc -s "$sock" show status >/dev/null 2>&1 && break; sleep 0.05; done
    python3 benches/inject/gen-config.py "$n" 127.0.5.2 127.0.5.1 "$port" >"$tmp/herald.conf"
    local t0; t0=$(now_ms)
    "$bin" run "$tmp/herald.conf" --log-level warn 2>"$tmp/herald.log" &
    local hp=$!; pids+=($hp)
    local count=0
    while :; do
        # "Routes: N imported" from the protocol is cheap; "show route count" walks the table
        # and would slow BIRD down while it imports.
        count=$(birdc -s "$sock" show protocols all herald 2>/dev/null | awk '/Routes:/ {print $2; exit}')
        [ "${count:-0}" -ge "$n" ] && break
        [ $(( $(now_ms) - t0 )) -gt 120000 ] && { echo "timeout: BIRD has ${count:-0}/$n"; break; }
        sleep 0.02
    done
    local t1; t1=$(now_ms)
    local hwm; hwm=$(awk '/VmHWM/ {print $2}' "/proc/$hp/status")
    local bird_hwm; bird_hwm=$(awk '/VmHWM/ {print $2}' "/proc/$(cat "$tmp/bird.pid")/status")
    printf 'herald -> BIRD    routes=%-8d time=%6.2f s  rate=%8.0f routes/s  herald peak RSS=%4d MiB  (BIRD %d MiB)\n' \
        "$n" "$(echo "($t1-$t0)/1000" | bc -l)" "$(echo "$n*1000/($t1-$t0)" | bc -l)" $((hwm / 1024)) $((bird_hwm / 1024))
    kill "$hp" "$(cat "$tmp/bird.pid")" 2>/dev/null || true
    wait 2>/dev/null || true
    port=$((port + 1))
}

run_herald() { # N
    local n=$1
    cat >"$tmp/recv.conf" <<EOC
neighbor 127.0.5.1 {
    router-id 10.9.9.2;
    local-address 127.0.5.2;
    local-as 65001;
    peer-as 65001;
    hold-time 90;
    passive;
    listen $port;
    family { ipv4 unicast; }
}
EOC
    "$bin" run "$tmp/recv.conf" 2>"$tmp/recv.log" &
    local rp=$!; pids+=($rp)
    for _ in $(seq 100); do grep -q listening "$tmp/recv.log" && break; sleep 0.05; done
    python3 benches/inject/gen-config.py "$n" 127.0.5.2 127.0.5.1 "$port" >"$tmp/herald.conf"
    local t0; t0=$(now_ms)
    "$bin" run "$tmp/herald.conf" --log-level warn 2>"$tmp/herald.log" &
    local hp=$!; pids+=($hp)
    while ! grep -q "End-of-RIB received" "$tmp/recv.log"; do
        [ $(( $(now_ms) - t0 )) -gt 120000 ] && { echo "timeout"; break; }
        sleep 0.02
    done
    local t1; t1=$(now_ms)
    local got; got=$(sed 's/\x1b\[[0-9;]*m//g' "$tmp/recv.log" | grep -o 'routes=[0-9]*' | tail -1 || true)
    local hwm; hwm=$(awk '/VmHWM/ {print $2}' "/proc/$hp/status")
    local rhwm; rhwm=$(awk '/VmHWM/ {print $2}' "/proc/$rp/status")
    printf 'herald -> herald  routes=%-8d time=%6.2f s  rate=%8.0f routes/s  herald peak RSS=%4d MiB  (receiver %d MiB, %s)\n' \
        "$n" "$(echo "($t1-$t0)/1000" | bc -l)" "$(echo "$n*1000/($t1-$t0)" | bc -l)" $((hwm / 1024)) $((rhwm / 1024)) "$got"
    kill "$hp" "$rp" 2>/dev/null || true
    wait 2>/dev/null || true
    port=$((port + 1))
}

for n in $SIZES; do
    for r in $RECEIVERS; do
        for _ in $(seq "$RUNS"); do "run_$r" "$n"; done
    done
done
