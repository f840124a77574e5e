#!/usr/bin/env bash
# Observability benchmarks (release build, loopback only), on a receiving herald holding N
# routes (1,000,000 by default) from a sending herald:
#   1. time until the receiver holds them all, without and with the MRT updates dump (gzip and
#      plain): the dump's write rate;
#   2. HTTP lookups per second on that Adj-RIB-In (exact and longest match, one connection and
#      four), and a full-table stream over HTTP: time, octets, the receiver's peak RSS;
#   3. a TABLE_DUMP_V2 snapshot of the table, then `announce mrt` of that file from a third
#      herald into BIRD: time until BIRD holds every route.
#
#   benches/observe/run.sh            N=100000 benches/observe/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"
N="${N:-1000000}"
[ -n "${SKIP_BUILD:-}" ] || cargo build --release -q -p herald
bin="$PWD/target/release/herald"
tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
now_ms() { date +%s%3N; }
free_port() { python3 -c 'import socket,sys; s=socket.socket(); s.bind((sys.argv[1],0)); print(s.getsockname()[1])' "$1"; }
hwm_mib() { awk '/VmHWM/ {print int($2/1024)}' "/proc/$1/status"; }
rss_mib() { awk '/VmRSS/ {print int($2/1024)}' "/proc/$1/status"; }

HTTP=$(free_port 127.0.0.1)
BASE="http://127.0.0.1:$HTTP"
received() { curl -fsS "$BASE/v1/neighbors/127.0.7.1" 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["routes"]["received"])' 2>/dev/null || echo 0; }

# start_pair NAME [ENV...]: receiver (127.0.7.2, HTTP on $HTTP) then sender (127.0.7.1, N
# routes); prints the time until the receiver holds them all. Leaves RX_PID set.
start_pair() {
    local name=$1
    shift
    local port; port=$(free_port 127.0.7.2)
    cat >"$tmp/rx.conf" <<EOC
neighbor 127.0.7.1 {
    router-id 127.0.7.2; local-address 127.0.7.2; local-as 65001; peer-as 65001;
    hold-time 90; passive; listen $port;
    family { ipv4 unicast; }
}
EOC
    env herald_http_listen="127.0.0.1:$HTTP" "$@" "$bin" run "$tmp/rx.conf" --control "$tmp/rx.sock" --log-level warn 2>"$tmp/rx-$name.log" &
    RX_PID=$!
    pids+=("$RX_PID")
    for _ in $(seq 100); do curl -fsS -o /dev/null "$BASE/v1/neighbors" 2>/dev/null && break; sleep 0.05; done
    [ -f "$tmp/tx.conf" ] || python3 benches/inject/gen-config.py "$N" 127.0.7.2 127.0.7.1 "$port" >"$tmp/tx.conf"
    sed -i "s/connect [0-9]*;/connect $port;/" "$tmp/tx.conf"
    local t0; t0=$(now_ms)
    "$bin" run "$tmp/tx.conf" --control "$tmp/tx.sock" --log-level warn 2>"$tmp/tx-$name.log" &
    TX_PID=$!
    pids+=("$TX_PID")
    while [ "$(received)" -lt "$N" ]; do
        [ $(($(now_ms) - t0)) -gt 300000 ] && { echo "timeout"; exit 1; }
        sleep 0.1
    done
    ELAPSED_MS=$(($(now_ms) - t0))
}

stop_pair() {
    kill "$TX_PID" "$RX_PID" 2>/dev/null || true
    wait "$TX_PID" "$RX_PID" 2>/dev/null || true
}

echo "== 1. receiving $N routes, with and without the MRT updates dump"
start_pair plain
printf 'no dump           %6.2f s  %8.0f routes/s  receiver peak RSS %d MiB\n' \
    "$(echo "$ELAPSED_MS/1000" | bc -l)" "$(echo "$N*1000/$ELAPSED_MS" | bc -l)" "$(hwm_mib "$RX_PID")"
stop_pair
for kind in gz raw; do
    mkdir -p "$tmp/mrt-$kind"
    ext=""; [ "$kind" = gz ] && ext=".gz"
    start_pair "mrt-$kind" herald_mrt_updates="$tmp/mrt-$kind/updates.%Y%m%d.%H%M$ext" herald_mrt_updates_interval=0
    stop_pair # SIGTERM: the file is completed
    bytes=$(cat "$tmp/mrt-$kind"/updates.* | wc -c)
    printf 'MRT dump (%s)    %6.2f s  %8.0f routes/s  %6.1f MB written (%.1f MB/s), %.1f octets per route\n' \
        "$kind" "$(echo "$ELAPSED_MS/1000" | bc -l)" "$(echo "$N*1000/$ELAPSED_MS" | bc -l)" \
        "$(echo "$bytes/1000000" | bc -l)" "$(echo "$bytes/1000/$ELAPSED_MS" | bc -l)" "$(echo "$bytes/$N" | bc -l)"
done

echo "== 2. HTTP on a $N-route Adj-RIB-In"
mkdir -p "$tmp/rib"
start_pair http herald_mrt_table="$tmp/rib/rib.%Y%m%d.%H%M%S" herald_mrt_table_interval=5
base_rss=$(rss_mib "$RX_PID")
python3 - "$BASE" "$N" <<'PY'
import http.client, random, sys, threading, time
base, n = sys.argv[1], int(sys.argv[2])
host, port = base[len("http://"):].split(":")
def prefixes(k, seed):
    r = random.Random(seed)
    out = []
    for _ in range(k):
        i = r.randrange(n)
        out.append("%d.%d.%d.0/24" % (10 + (i >> 16), (i >> 8) & 255, i & 255))
    return out
def run(queries, how, results):
    c = http.client.HTTPConnection(host, int(port))
    for p in queries:
        q = p if how == "exact" else p.replace(".0/24", ".77")
        c.request("GET", "/v1/adj-rib-in?prefix=%s&match=%s" % (q, how))
        body = c.getresponse().read()
        assert body.count(b"\n") == 1, body[:200]
    results.append(len(queries))
for how in ("exact", "longest"):
    for threads in (1, 4):
        k = 4000
        res = []
        ts = [threading.Thread(target=run, args=(prefixes(k // threads, t), how, res)) for t in range(threads)]
        t0 = time.time()
        for t in ts: t.start()
        for t in ts: t.join()
        dt = time.time() - t0
        print("lookup %-8s %d connection(s): %7.0f queries/s (%d queries, each answered with its one route)" % (how, threads, sum(res) / dt, sum(res)))
PY
t0=$(now_ms)
read -r size _ < <(curl -fsS -o /dev/null -w '%{size_download} %{http_code}\n' "$BASE/v1/neighbors/127.0.7.1/adj-rib-in")
t1=$(now_ms)
printf 'full table stream  %6.2f s  %8.0f routes/s  %6.1f MB NDJSON  receiver RSS %d MiB before, peak %d MiB\n' \
    "$(echo "($t1-$t0)/1000" | bc -l)" "$(echo "$N*1000/($t1-$t0)" | bc -l)" "$(echo "$size/1000000" | bc -l)" "$base_rss" "$(hwm_mib "$RX_PID")"

echo "== 3. a TABLE_DUMP_V2 snapshot injected into BIRD"
rib=""
for _ in $(seq 600); do
    rib=$(ls "$tmp"/rib/rib.* 2>/dev/null | grep -v '\.tmp$' | head -n 1 || true)
    [ -n "$rib" ] && break
    sleep 0.1
done
[ -n "$rib" ] || { echo "no snapshot"; exit 1; }
printf 'snapshot           %6.1f MB (%.1f octets per route)\n' "$(echo "$(wc -c <"$rib")/1000000" | bc -l)" "$(echo "$(wc -c <"$rib")/$N" | bc -l)"
stop_pair
bport=$(free_port 127.0.7.4)
cat >"$tmp/bird.conf" <<EOC
router id 10.9.9.4;
protocol device {}
protocol bgp herald {
    local 127.0.7.4 port $bport as 65002;
    neighbor 127.0.7.3 as 65001;
    multihop; passive on;
    ipv4 { import all; export none; };
}
EOC
bird -f -c "$tmp/bird.conf" -s "$tmp/bird.ctl" -P "$tmp/bird.pid" &
pids+=($!)
for _ in $(seq 100); do birdc -s "$tmp/bird.ctl" show status >/dev/null 2>&1 && break; sleep 0.05; done
cat >"$tmp/inj.conf" <<EOC
neighbor 127.0.7.4 {
    router-id 127.0.7.3; local-address 127.0.7.3; local-as 65001; peer-as 65002;
    connect $bport;
    family { ipv4 unicast; }
}
EOC
"$bin" run "$tmp/inj.conf" --control "$tmp/inj.sock" --log-level warn 2>"$tmp/inj.log" &
ip=$!
pids+=("$ip")
for _ in $(seq 200); do birdc -s "$tmp/bird.ctl" show protocols herald 2>/dev/null | grep -q Established && break; sleep 0.05; done
t0=$(now_ms)
"$bin" ctl -s "$tmp/inj.sock" announce mrt "$rib" prepend 65001 >/dev/null
t_ack=$(now_ms)
while :; do
    c=$(birdc -s "$tmp/bird.ctl" show protocols all herald 2>/dev/null | awk '/Routes:/ {print $2; exit}')
    [ "${c:-0}" -ge "$N" ] && break
    [ $(($(now_ms) - t0)) -gt 300000 ] && { echo "timeout: BIRD has ${c:-0}"; break; }
    sleep 0.02
done
t1=$(now_ms)
printf 'announce mrt -> BIRD  %6.2f s until BIRD holds %d routes (%.0f routes/s; the command answered after %.2f s), injector peak RSS %d MiB\n' \
    "$(echo "($t1-$t0)/1000" | bc -l)" "$N" "$(echo "$N*1000/($t1-$t0)" | bc -l)" "$(echo "($t_ack-$t0)/1000" | bc -l)" "$(hwm_mib "$ip")"
