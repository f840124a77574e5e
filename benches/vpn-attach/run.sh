#!/usr/bin/env bash
# VPN PE attach benchmark (issue 11, item 6): attach and detach operations per second through
# BaGPipe's REST API, and the time until the remote PE's dataplane has every MAC (and none
# after the detaches). Two herald PEs on loopback (127.0.6.1, 127.0.6.2) in one IBGP session
# (l2vpn evpn, ipv4 rtc), both with the recording E-VPN driver, so that the figure is herald's
# control plane (REST, engine, BGP, remote engine), not the kernel's: PE2 has one port in
# instance t1; PE1 attaches PORTS ports (one MAC/IP each) to t1 one request after another on
# one keep-alive connection, then detaches them. PE2's looking glass
# (vpns/instances/t1 dataplane_state) is polled every 10 ms for its EvpnAddMac entries.
#
#   benches/vpn-attach/run.sh                     # 1,000 ports, release build
#   PORTS=200 HERALD_BIN=target/debug/herald benches/vpn-attach/run.sh
#
# One line per phase: requests, seconds, requests/s, and the time from the first request until
# PE2 has every MAC (attach) or none of PE1's (detach), and from the last reply until then.
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"
PORTS="${PORTS:-1000}"
if [ -n "${HERALD_BIN:-}" ]; then
    bin="$HERALD_BIN"
else
    [ -n "${SKIP_BUILD:-}" ] || cargo build --release -q -p herald
    bin="${CARGO_TARGET_DIR:-$PWD/target}/release/herald"
fi
tmp=$(mktemp -d)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT

free_port() {
    python3 -c 'import socket,sys; s=socket.socket(); s.bind((sys.argv[1],0)); print(s.getsockname()[1])' "$1"
}
bgp=$(free_port 127.0.6.2)
rest1=$(free_port 127.0.6.1)
rest2=$(free_port 127.0.6.2)

conf() { # ME PEER REST SESSION
    cat <<EOC
vpn { local-address $1; rest $1:$3; evpn-dataplane record; }
neighbor $2 {
    router-id $1; local-address $1; local-as 64512; peer-as 64512;
    $4
    family { l2vpn evpn; ipv4 rtc; }
}
EOC
}
conf 127.0.6.2 127.0.6.1 "$rest2" "passive; listen $bgp;" >"$tmp/pe2.conf"
conf 127.0.6.1 127.0.6.2 "$rest1" "connect $bgp;" >"$tmp/pe1.conf"
"$bin" run "$tmp/pe2.conf" --log-level warn 2>"$tmp/pe2.log" &
pids+=($!)
for _ in $(seq 100); do curl -sf "http://127.0.6.2:$rest2/ping" >/dev/null && break; sleep 0.05; done
"$bin" run "$tmp/pe1.conf" --log-level warn 2>"$tmp/pe1.log" &
pids+=($!)

python3 - "$PORTS" "127.0.6.1:$rest1" "127.0.6.2:$rest2" <<'PY'
import http.client, json, sys, time

n, pe1, pe2 = int(sys.argv[1]), sys.argv[2], sys.argv[3]

def conn(addr):
    h, p = addr.split(":")
    return http.client.HTTPConnection(h, int(p), timeout=10)

def body(i, pe):
    return json.dumps({
        "import_rt": ["64512:10"], "export_rt": ["64512:10"],
        "local_port": {"linuxif": "p%d-%d" % (pe, i)}, "vpn_instance_id": "t1",
        "vpn_type": "evpn", "gateway_ip": "10.%d.255.254" % pe,
        "mac_address": "52:54:%02x:%02x:%02x:%02x" % (pe, i >> 16 & 255, i >> 8 & 255, i & 255),
        "ip_address": "10.%d.%d.%d/16" % (pe, i >> 8 & 255, i & 255),
        "advertise_subnet": False, "readvertise": None, "attract_traffic": {},
        "lb_consistent_hash_order": 0, "vni": 0, "direction": "both"})

def post(c, path, b):
    c.request("POST", path, b, {"Content-Type": "application/json"})
    r = c.getresponse()
    data = r.read()
    if r.status != 200:
        sys.exit("%s: %d %s" % (path, r.status, data))

def remote_macs(c):
    c.request("GET", "/looking-glass/vpns/instances/t1")
    r = c.getresponse()
    v = json.loads(r.read())
    return sum(1 for e in v.get("dataplane_state", []) if e.get("op") == "EvpnAddMac")

def peer_up(c):
    c.request("GET", "/looking-glass/summary")
    return json.loads(c.getresponse().read()).get("BGP_established_peers") == 1

c1, c2 = conn(pe1), conn(pe2)
deadline = time.time() + 30
while not peer_up(c2):
    if time.time() > deadline:
        sys.exit("the PEs did not establish their session")
    time.sleep(0.05)
post(c2, "/attach_localport", body(0, 2))

def phase(name, path, want):
    t0 = time.monotonic()
    for i in range(n):
        post(c1, path, body(i, 1))
    t1 = time.monotonic()
    while remote_macs(c2) != want:
        if time.monotonic() - t1 > 60:
            sys.exit("%s: PE2 never reached %d MACs" % (name, want))
        time.sleep(0.01)
    t2 = time.monotonic()
    print("%-6s requests=%d  %.2f s  %.0f requests/s  PE2 dataplane complete %.2f s after the first "
          "request, %.3f s after the last reply" % (name, n, t1 - t0, n / (t1 - t0), t2 - t0, t2 - t1))

phase("attach", "/attach_localport", n)
phase("detach", "/detach_localport", 0)
PY
for p in "${pids[@]}"; do
    kill -0 "$p" 2>/dev/null || { echo "a herald exited: $(tail -n 5 "$tmp"/pe*.log)" >&2; exit 1; }
done
