#!/usr/bin/env bash
# Flowspec API benchmark: a helper process writes N flow rules as ExaBGP text commands
# (`announce flow route destination A/32 source-port =P protocol tcp then rate-limit R`, one per
# line) and GoBGP 3 receives them through herald (ipv4-flowspec). Time from herald's start until
# GoBGP holds every rule, herald's CPU time and peak RSS. Acks off (exabgp.api.ack=false), as a
# bulk loader would run. Loopback only (127.0.7.0/24); not part of the tests.
#
#   benches/flow/run.sh                    # 100,000 rules
#   SIZES=10000 RUNS=3 benches/flow/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"
SIZES="${SIZES:-100000}"
RUNS="${RUNS:-1}"
[ -n "${SKIP_BUILD:-}" ] || cargo build --release -q -p herald
bin="${HERALD_BENCH_BIN:-$PWD/target/release/herald}"
tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
now_ms() { date +%s%3N; }
port=$((20000 + RANDOM % 20000))

gen() { # N > file
    python3 - "$1" <<'PY'
import sys
n = int(sys.argv[1])
out = sys.stdout
for i in range(n):
    a = f"{10 + (i >> 16)}.{(i >> 8) & 255}.{i & 255}.1/32"
    out.write(f"announce flow route destination {a} source-port ={1024 + i % 1000} protocol tcp rate-limit {(i % 16 + 1) * 1000}\n")
PY
}

run() { # N
    local n=$1 api=$((port + 1000))
    cat >"$tmp/gobgp.toml" <<EOC
[global.config]
  as = 65001
  router-id = "10.9.9.7"
  port = $port
  local-address-list = ["127.0.7.2"]
[[neighbors]]
  [neighbors.config]
    neighbor-address = "127.0.7.1"
    peer-as = 65001
  [neighbors.transport.config]
    passive-mode = true
    local-address = "127.0.7.2"
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "ipv4-flowspec"
EOC
    gobgpd -f "$tmp/gobgp.toml" --api-hosts "127.0.7.2:$api" -l warn >"$tmp/gobgp.log" 2>&1 &
    local gp=$!; pids+=($gp)
    for _ in $(seq 100); do gobgp -u 127.0.7.2 -p "$api" neighbor >/dev/null 2>&1 && break; sleep 0.05; done
    [ -f "$tmp/rules-$n" ] || gen "$n" >"$tmp/rules-$n"
    cat >"$tmp/herald.conf" <<EOC
process loader {
    run /bin/sh -c "cat $tmp/rules-$n; exec sleep 3600";
    encoder text;
}
neighbor 127.0.7.2 {
    router-id 127.0.7.1;
    local-address 127.0.7.1;
    local-as 65001;
    peer-as 65001;
    connect $port;
    family { ipv4 flow; }
    api { processes [ loader ]; }
}
EOC
    local t0; t0=$(now_ms)
    exabgp_api_ack=false exabgp_tcp_bind= exabgp_api_cli=false "$bin" run "$tmp/herald.conf" --log-level warn 2>"$tmp/herald.log" &
    local hp=$!; pids+=($hp)
    local count=0
    while :; do
        count=$(gobgp -u 127.0.7.2 -p "$api" global rib summary -a ipv4-flowspec 2>/dev/null | awk -F'[:,]' '/Destination/ {gsub(/ /, "", $2); print $2; exit}')
        [ "${count:-0}" -ge "$n" ] && break
        [ $(( $(now_ms) - t0 )) -gt 300000 ] && { echo "timeout: GoBGP has ${count:-0}/$n"; break; }
        sleep 0.1
    done
    local t1; t1=$(now_ms)
    local hwm; hwm=$(awk '/VmHWM/ {print $2}' "/proc/$hp/status")
    local cpu; cpu=$(awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$hp/stat")
    local ghwm; ghwm=$(awk '/VmHWM/ {print $2}' "/proc/$gp/status")
    printf 'API flow -> GoBGP  rules=%-7d time=%6.2f s  rate=%8.0f rules/s  herald CPU=%5.2f s  peak RSS=%4d MiB  (GoBGP %d MiB)\n' \
        "$n" "$(echo "($t1-$t0)/1000" | bc -l)" "$(echo "$n*1000/($t1-$t0)" | bc -l)" "$cpu" $((hwm / 1024)) $((ghwm / 1024))
    kill "$hp" "$gp" 2>/dev/null || true
    wait 2>/dev/null || true
    port=$((port + 1))
}

for n in $SIZES; do
    for _ in $(seq "$RUNS"); do run "$n"; done
done
