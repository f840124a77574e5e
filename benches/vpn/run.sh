#!/usr/bin/env bash
# VPNv4 injection benchmark: time from herald's start until the receiver holds every VPNv4 route
# (RD + label + route target) of a generated configuration, herald's peak RSS, and octets per
# route on the wire. Receivers: BIRD 2 (vpn4 channel) and GoBGP 3 (l3vpn-ipv4-unicast).
# One line per run; RUNS=N for a median. Loopback only (127.0.5.0/24).
#
#   benches/vpn/run.sh                          # 1,000,000 routes to BIRD and GoBGP
#   SIZES="100000" RECEIVERS="bird" RUNS=3 benches/vpn/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"
SIZES="${SIZES:-1000000}"
RECEIVERS="${RECEIVERS:-bird gobgp}"
RUNS="${RUNS:-1}"
[ -n "${SKIP_BUILD:-}" ] || cargo build --release -q -p herald
bin="$PWD/target/release/herald"
tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT

now_ms() { date +%s%3N; }
port=$((20000 + RANDOM % 20000))

# octets herald sent on the session, from the kernel's TCP counters (bytes_acked)
sent_octets() { # LOCAL_ADDR PORT
    ss -tni "src $1 and dport = :$2" 2>/dev/null | grep -o 'bytes_acked:[0-9]*' | head -1 | cut -d: -f2
}

report() { # RECEIVER N T0 T1 HERALD_PID EXTRA
    local r=$1 n=$2 t0=$3 t1=$4 hp=$5 extra=$6
    local hwm; hwm=$(awk '/VmHWM/ {print $2}' "/proc/$hp/status")
    local octets; octets=$(sent_octets 127.0.5.1 "$port")
    printf 'herald -> %-6s VPNv4 routes=%-8d time=%6.2f s  rate=%8.0f routes/s  %5.1f B/route  herald peak RSS=%4d MiB  %s\n' \
        "$r" "$n" "$(echo "($t1-$t0)/1000" | bc -l)" "$(echo "$n*1000/($t1-$t0)" | bc -l)" \
        "$(echo "${octets:-0}/$n" | bc -l)" $((hwm / 1024)) "$extra"
}

run_bird() { # N
    local n=$1 conf="$tmp/bird.conf" sock="$tmp/bird.ctl"
    cat >"$conf" <<EOC
router id 10.9.9.2;
protocol device {}
vpn4 table vpntab;
protocol bgp herald {
    local 127.0.5.2 port $port as 65001;
    neighbor 127.0.5.1 as 65001;
    multihop;
    passive on;
    vpn4 mpls { table vpntab; import all; export none; };
}
EOC
    bird -f -c "$conf" -s "$sock" -P "$tmp/bird.pid" &
    pids+=($!)
    for _ in $(seq 100); do birdc -s "$sock" show status >/dev/null 2>&1 && break; sleep 0.05; done
    python3 benches/inject/gen-config.py --vpn "$n" 127.0.5.2 127.0.5.1 "$port" >"$tmp/herald.conf"
    local t0; t0=$(now_ms)
    "$bin" run "$tmp/herald.conf" --log-level warn 2>"$tmp/herald.log" &
    local hp=$!; pids+=($hp)
    local count=0
    while :; do
        count=$(birdc -s "$sock" show protocols all herald 2>/dev/null | awk '/Routes:/ {print $2; exit}')
        [ "${count:-0}" -ge "$n" ] && break
        [ $(( $(now_ms) - t0 )) -gt 180000 ] && { echo "timeout: BIRD has ${count:-0}/$n"; break; }
        sleep 0.02
    done
    local t1; t1=$(now_ms)
    local bird_hwm; bird_hwm=$(awk '/VmHWM/ {print $2}' "/proc/$(cat "$tmp/bird.pid")/status")
    report BIRD "$n" "$t0" "$t1" "$hp" "(BIRD $((bird_hwm / 1024)) MiB)"
    kill "$hp" "$(cat "$tmp/bird.pid")" 2>/dev/null || true
    wait 2>/dev/null || true
    port=$((port + 1))
}

run_gobgp() { # N
    local n=$1 api=$((port + 1000))
    cat >"$tmp/gobgp.toml" <<EOC
[global.config]
  as = 65001
  router-id = "10.9.9.2"
  port = $port
  local-address-list = ["127.0.5.2"]
[[neighbors]]
  [neighbors.config]
    neighbor-address = "127.0.5.1"
    peer-as = 65001
  [neighbors.transport.config]
    passive-mode = true
    local-address = "127.0.5.2"
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "l3vpn-ipv4-unicast"
EOC
    gobgpd -f "$tmp/gobgp.toml" --api-hosts "127.0.5.2:$api" -l warn >"$tmp/gobgp.log" 2>&1 &
    local gp=$!; pids+=($gp)
    for _ in $(seq 100); do gobgp -u 127.0.5.2 -p "$api" neighbor >/dev/null 2>&1 && break; sleep 0.05; done
    python3 benches/inject/gen-config.py --vpn "$n" 127.0.5.2 127.0.5.1 "$port" >"$tmp/herald.conf"
    local t0; t0=$(now_ms)
    "$bin" run "$tmp/herald.conf" --log-level warn 2>"$tmp/herald.log" &
    local hp=$!; pids+=($hp)
    local count=0
    while :; do
        count=$(gobgp -u 127.0.5.2 -p "$api" global rib summary -a vpnv4 2>/dev/null | awk -F'[:,]' '/Destination/ {gsub(/ /, "", $2); print $2; exit}')
        [ "${count:-0}" -ge "$n" ] && break
        [ $(( $(now_ms) - t0 )) -gt 300000 ] && { echo "timeout: GoBGP has ${count:-0}/$n"; break; }
        sleep 0.2
    done
    local t1; t1=$(now_ms)
    local ghwm; ghwm=$(awk '/VmHWM/ {print $2}' "/proc/$gp/status")
    report GoBGP "$n" "$t0" "$t1" "$hp" "(GoBGP $((ghwm / 1024)) MiB)"
    kill "$hp" "$gp" 2>/dev/null || true
    wait 2>/dev/null || true
    port=$((port + 1))
}

for n in $SIZES; do
    for r in $RECEIVERS; do
        for _ in $(seq "$RUNS"); do "run_$r" "$n"; done
    done
done
