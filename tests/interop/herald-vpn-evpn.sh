#!/usr/bin/env bash
# Two herald VPN PEs and a GoBGP 3 route reflector, driven only by BaGPipe's unmodified CLIs
# (bagpipe-rest-attach, bagpipe-looking-glass from networking-bagpipe 25.0.0): E-VPN over a
# real VXLAN dataplane, IP VPN control plane with the recording driver.
#
#   tests/interop/herald-vpn-evpn.sh     (root; KEEP_WORK=1 keeps the temp dir;
#                                         HERALD_TEST_TIMEOUT=S; HERALD_BIN=path skips the build)
#
# Topology (network namespaces, names suffixed with this script's PID): an underlay namespace
# with a bridge, and PE1 (10.0.0.1), PE2 (10.0.0.2), RR (10.0.0.254) on it by veth pairs.
# GoBGP in RR is a passive route reflector (configs/herald-vpn-evpn/gobgp.toml: l2vpn-evpn,
# l3vpn-ipv4-unicast, rtc); herald in PE1 and PE2 (configs/herald-vpn-evpn/herald.conf: a
# `vpn` block with the Linux E-VPN driver and the recording IP VPN driver, REST API on
# 127.0.0.1:8082 of its namespace) peers with it over IBGP (AS 64512). The hosts H1 and H2
# are made by bagpipe-rest-attach --port netns, run with nsenter in each PE's namespace.
#
# Asserts, in order:
#   1. E-VPN attach on both PEs (t1, RT 64512:10, 192.168.77.1 and .2): H1 pings H2 over
#      VXLAN; GoBGP holds the type-2 and type-3 routes of both PEs (RD 10.0.0.x:1, RT
#      64512:10, VNI 1, encapsulation VXLAN, next hop the PE); bagpipe-looking-glass in PE1
#      shows instance t1 (its bridge, VXLAN device, port) and PE2's routes.
#   2. Detach on PE2: GoBGP no longer has PE2's routes, PE2's bridge and VXLAN device are
#      gone, H1 no longer reaches H2. The same attach again brings the ping back.
#   3. herald on PE1 stops (SIGTERM: its devices are removed) and starts again: /ping
#      changes; the client's attach again brings PE1's routes back at GoBGP and the ping.
#   4. IP VPN attach (v1, RT 64512:20; 192.168.78.1/24 on PE1, 192.168.79.1/24 on PE2): GoBGP
#      holds both VPNv4 routes (RD 10.0.0.x:n, the label PE's looking glass shows, RT
#      64512:20, next hop the PE); a VPNv4 route injected at GoBGP (`gobgp global rib -a
#      vpnv4 add … rd 64512:99 rt 64512:20 label 3000`) reaches PE1's recording IP VPN driver
#      (looking glass vpns/instances/v1: dataplane_state).
# Everything the script creates (namespaces, with their veth pairs and devices; processes) is
# removed on exit, failure included. GoBGP, the bagpipe venv (scripts/install-test-deps.sh),
# nsenter or network namespaces missing: the test fails (HERALD_REQUIRE_PEERS=0 skips it when
# a tool is missing).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
h_init 60 "$@"
export HERALD_REQUIRE_PEERS="${HERALD_REQUIRE_PEERS:-1}"
VENV="${HERALD_BAGPIPE_VENV:-$HOME/.cache/herald/bagpipe-venv}"
require_peer gobgpd gobgp python3 ip nsenter ping "$VENV/bin/bagpipe-rest-attach" \
    "$VENV/bin/bagpipe-looking-glass"
[ "$(id -u)" = 0 ] || h_fail "needs root (network namespaces, veth, VXLAN)"
[ -e /etc/bagpipe-bgp/bgp.conf ] ||
    h_fail "/etc/bagpipe-bgp/bgp.conf is missing (bagpipe-rest-attach needs it; run scripts/install-test-deps.sh)"
h_build

CONF="$H_INTEROP/configs/herald-vpn-evpn"
W="$H_WORK"
S="$$"
UL="hv$S-ul" PE1="hv$S-pe1" PE2="hv$S-pe2" RR="hv$S-rr"
H1="hv$S-h1" H2="hv$S-h2" H3="hv$S-h3" H4="hv$S-h4"
NAMESPACES=("$H1" "$H2" "$H3" "$H4" "$PE1" "$PE2" "$RR" "$UL")
export PATH="$VENV/bin:$PATH" OS_COMMON__ROOT_HELPER=env

# The namespaces go after the daemons (h_cleanup stops those first, then runs this).
remove_namespaces() {
    local ns
    for ns in "${NAMESPACES[@]}"; do
        ip netns del "$ns" 2>/dev/null || true
    done
}
cleanup_all() {
    local rc=$?
    set +e
    local name
    for name in "${!H_PIDS[@]}"; do
        h_stop "$name" TERM 2>/dev/null
    done
    remove_namespaces
    (exit "$rc")
    h_cleanup
}
trap cleanup_all EXIT

# ---- underlay -------------------------------------------------------------------------------
ip netns add "$UL" || h_fail "cannot create a network namespace (ip netns add)"
ip -n "$UL" link add br-ul type bridge
ip -n "$UL" link set br-ul up
for n in "$PE1:10.0.0.1" "$PE2:10.0.0.2" "$RR:10.0.0.254"; do
    ns="${n%%:*}" addr="${n#*:}"
    ip netns add "$ns"
    ip -n "$ns" link set lo up
    ip link add ul netns "$ns" type veth peer name "ul-${ns##*-}" netns "$UL"
    ip -n "$UL" link set "ul-${ns##*-}" master br-ul up
    ip -n "$ns" addr add "$addr/24" dev ul
    ip -n "$ns" link set ul up
done
ip netns exec "$PE1" ping -c 1 -W 2 10.0.0.254 >/dev/null || h_fail "underlay: PE1 does not reach RR"
h_ok "underlay: $PE1 10.0.0.1, $PE2 10.0.0.2, $RR 10.0.0.254 on a bridge"

# ---- GoBGP and the two PEs ------------------------------------------------------------------
gobgp_() { timeout 5 ip netns exec "$RR" gobgp -u 127.0.0.1 -p 50051 "$@"; }
h_start gobgpd "$W/gobgpd.log" ip netns exec "$RR" gobgpd -f "$CONF/gobgp.toml" \
    --api-hosts 127.0.0.1:50051 --pprof-disable --log-plain
h_wait 15 "GoBGP gRPC API" gobgp_ global

start_pe() { # NAME NAMESPACE ADDRESS
    h_render "$CONF/herald.conf" "$W/$1.conf" ME="$3"
    h_start "$1" "$W/$1.log" ip netns exec "$2" "$HERALD" run "$W/$1.conf" --log-level info \
        --control "$W/$1.sock"
}
rest_ping() { # NAMESPACE: the REST API's /ping value
    ip netns exec "$1" python3 -c '
import urllib.request
print(urllib.request.urlopen("http://127.0.0.1:8082/ping", timeout=2).read().decode())'
}
start_pe pe1 "$PE1" 10.0.0.1
start_pe pe2 "$PE2" 10.0.0.2
h_wait 15 "herald PE1: REST API" rest_ping "$PE1"
h_wait 15 "herald PE2: REST API" rest_ping "$PE2"
both_up() { h_gobgp_established 10.0.0.1 && h_gobgp_established 10.0.0.2; }
h_wait 20 "GoBGP: both PEs established" both_up
h_ok "GoBGP reflects for both herald PEs"

# ---- 1. E-VPN attach ------------------------------------------------------------------------
attach() { # attach|detach PE NETNS IP MAC [TYPE INSTANCE RT]
    local pe="$2" ns="$3" ip="$4" mac="$5" type="${6:-evpn}" id="${7:-t1}" rt="${8:-64512:10}"
    local gw="${ip%.*}.254"
    nsenter --net="/run/netns/$pe" bagpipe-rest-attach "--$1" --port netns --netns "$ns" \
        --network-type "$type" --vpn-instance-id "$id" --ip "$ip/24" --gateway-ip "$gw" \
        --mac "$mac" --rt "$rt" >>"$W/rest-attach.log" 2>&1 ||
        h_fail "bagpipe-rest-attach --$1 on $pe: $(tail -n 5 "$W/rest-attach.log")"
}
h_log_file "$W/rest-attach.log"
attach attach "$PE1" "$H1" 192.168.77.1 52:54:00:00:00:01
attach attach "$PE2" "$H2" 192.168.77.2 52:54:00:00:00:02
pings() { ip netns exec "$H1" ping -c 1 -W 2 192.168.77.2 >/dev/null 2>&1; }
h_wait 15 "H1 pings H2 over VXLAN" pings
h_ok "H1 pings H2 over VXLAN"

# evpn_rib: GoBGP's EVPN routes, one sorted line each (evpn-rib.py).
evpn_rib() { gobgp_ -j global rib -a evpn | python3 "$H_INTEROP/vpnrib.py" evpn; }
vpnv4_rib() { gobgp_ -j global rib -a vpnv4 | python3 "$H_INTEROP/vpnrib.py" vpnv4; }
holds() { # FUNCTION EXPECTED-FILE: the RIB is exactly that
    "$1" >"$W/got.txt" 2>>"$W/vpnrib.err" && cmp -s "$W/got.txt" "$2"
}
check() { # FUNCTION EXPECTED-FILE WHAT
    if ! h_wait_quiet 15 holds "$1" "$2"; then
        diff -u "$2" "$W/got.txt" >&2 || true
        h_fail "$3 (GoBGP's RIB differs, diff above)"
    fi
    h_ok "$3"
}
cat >"$W/evpn-both.txt" <<'EOF'
mac-ip rd=10.0.0.1:1 esi=0 etag=0 mac=52:54:00:00:00:01 ip=192.168.77.1 vni=1 nh=10.0.0.1 rt=64512:10 encap=vxlan
mac-ip rd=10.0.0.2:1 esi=0 etag=0 mac=52:54:00:00:00:02 ip=192.168.77.2 vni=1 nh=10.0.0.2 rt=64512:10 encap=vxlan
multicast rd=10.0.0.1:1 etag=0 ip=10.0.0.1 nh=10.0.0.1 rt=64512:10 encap=vxlan pmsi=ingress-replication:1:10.0.0.1
multicast rd=10.0.0.2:1 etag=0 ip=10.0.0.2 nh=10.0.0.2 rt=64512:10 encap=vxlan pmsi=ingress-replication:1:10.0.0.2
EOF
check evpn_rib "$W/evpn-both.txt" "GoBGP holds the type-2 and type-3 routes of both PEs (RD, RT, VNI, next hop)"

lg() { # PE ARGS...: bagpipe-looking-glass in the PE's namespace
    local pe="$1"
    shift
    nsenter --net="/run/netns/$pe" bagpipe-looking-glass "$@"
}
lg "$PE1" vpns instances t1 >"$W/lg-t1.txt" 2>&1 || h_fail "bagpipe-looking-glass: $(cat "$W/lg-t1.txt")"
for want in "external_instance_id: t1" "linux_bridge: evpn---t1" "vxlan_if: vxlan--t1" \
    "ns-$H1" "mac_address: 52:54:00:00:00:01" "instance_dataplane_id: 1"; do
    grep -qF -- "$want" "$W/lg-t1.txt" || h_fail "looking glass vpns instances t1: no '$want' in: $(cat "$W/lg-t1.txt")"
done
lg "$PE1" bgp routes >"$W/lg-routes.txt" 2>&1 || h_fail "bagpipe-looking-glass bgp routes"
grep -q "mac 52:54:00:00:00:02" "$W/lg-routes.txt" ||
    h_fail "looking glass bgp routes: PE2's MAC route missing: $(cat "$W/lg-routes.txt")"
lg "$PE1" -r >"$W/lg-all.txt" 2>&1 || h_fail "bagpipe-looking-glass -r"
grep -q "No such looking glass path\|Error code" "$W/lg-all.txt" &&
    h_fail "bagpipe-looking-glass -r: $(cat "$W/lg-all.txt")"
h_ok "bagpipe-looking-glass shows instance t1, its port and PE2's routes (and -r follows every link)"

# ---- 2. detach on PE2 -----------------------------------------------------------------------
attach detach "$PE2" "$H2" 192.168.77.2 52:54:00:00:00:02
grep -v 'rd=10.0.0.2:' "$W/evpn-both.txt" >"$W/evpn-pe1.txt"
check evpn_rib "$W/evpn-pe1.txt" "detach on PE2: GoBGP no longer holds PE2's routes"
gone() { ! ip -n "$PE2" link show evpn---t1 && ! ip -n "$PE2" link show vxlan--t1; }
h_wait 5 "PE2's bridge and VXLAN device removed" gone
pings && h_fail "H1 still reaches H2 after the detach"
h_ok "detach on PE2: its bridge and VXLAN device are gone, H1 no longer reaches H2"
attach attach "$PE2" "$H2" 192.168.77.2 52:54:00:00:00:02
h_wait 15 "H1 pings H2 again" pings
h_ok "attach again on PE2: H1 pings H2"

# ---- 3. herald restarts on PE1 --------------------------------------------------------------
before="$(rest_ping "$PE1")"
h_stop pe1 TERM
ip -n "$PE1" link show evpn---t1 >/dev/null 2>&1 && h_fail "PE1's bridge left after SIGTERM"
ip -n "$PE1" link show vxlan--t1 >/dev/null 2>&1 && h_fail "PE1's VXLAN device left after SIGTERM"
# GoBGP takes the PE again once its idle hold (1 s) is over: then herald's first connect works.
gobgp_active() {
    gobgp_ -j neighbor 10.0.0.1 | python3 -c '
import json, sys
sys.exit(0 if json.load(sys.stdin).get("state", {}).get("session_state") == 3 else 1)'
}
h_wait 10 "GoBGP ready for PE1 again" gobgp_active
start_pe pe1 "$PE1" 10.0.0.1
h_wait 15 "herald PE1 back" rest_ping "$PE1"
after="$(rest_ping "$PE1")"
[ "$before" != "$after" ] || h_fail "/ping did not change across a restart ($before)"
h_ok "restart of PE1: devices removed on SIGTERM, /ping $before -> $after"
attach attach "$PE1" "$H1" 192.168.77.1 52:54:00:00:00:01
# PE2's second instance t1 took the next route distinguisher and VNI (identifiers are reused
# as late as possible); PE1's restarted herald begins again at 1.
sed -e 's/rd=10.0.0.2:1 \(.*\) vni=1 /rd=10.0.0.2:2 \1 vni=2 /' \
    -e 's/rd=10.0.0.2:1 \(.*\)ingress-replication:1:/rd=10.0.0.2:2 \1ingress-replication:2:/' \
    "$W/evpn-both.txt" >"$W/evpn-again.txt"
check evpn_rib "$W/evpn-again.txt" "attach again on PE1: GoBGP holds both PEs' routes again"
h_wait 15 "H1 pings H2 after the restart" pings
h_ok "attach again on PE1: H1 pings H2"

# ---- 4. IP VPN ------------------------------------------------------------------------------
attach attach "$PE1" "$H3" 192.168.78.1 52:54:00:00:00:03 ipvpn v1 64512:20
attach attach "$PE2" "$H4" 192.168.79.1 52:54:00:00:00:04 ipvpn v1 64512:20
label_of() { # NAMESPACE: the label of instance v1's endpoint, from the looking glass
    ip netns exec "$1" python3 -c '
import json, urllib.request
v = json.load(urllib.request.urlopen("http://127.0.0.1:8082/looking-glass/vpns/instances/v1", timeout=2))
print(next(iter(v["ports"].values()))["endpoints"][0]["label"], v["route_distinguisher"])'
}
read -r L1 RD1 < <(label_of "$PE1")
read -r L2 RD2 < <(label_of "$PE2")
printf '%s\n' \
    "$RD1:192.168.78.1/32 label=$L1 nh=10.0.0.1 rt=64512:20 encap=mpls" \
    "$RD2:192.168.79.1/32 label=$L2 nh=10.0.0.2 rt=64512:20 encap=mpls" | sort >"$W/vpnv4.txt"
case "$RD1 $RD2" in 10.0.0.1:*" "10.0.0.2:*) ;; *) h_fail "route distinguishers $RD1 $RD2" ;; esac
check vpnv4_rib "$W/vpnv4.txt" "IP VPN attach: GoBGP holds both PEs' VPNv4 routes (RD, label, RT, next hop)"
gobgp_ global rib -a vpnv4 add 192.168.99.0/24 label 3000 rd 64512:99 rt 64512:20 \
    nexthop 10.0.0.254 >/dev/null || h_fail "gobgp global rib add vpnv4"
recorded() { # PE1's recording driver holds the injected route in VRF v1
    ip netns exec "$PE1" python3 -c '
import json, sys, urllib.request
v = json.load(urllib.request.urlopen("http://127.0.0.1:8082/looking-glass/vpns/instances/v1", timeout=2))
want = {"op": "VrfAddRoute", "prefix": "192.168.99.0/24", "remote": "10.0.0.254", "label": 3000}
sys.exit(0 if any(all(e.get(k) == x for k, x in want.items()) for e in v["dataplane_state"]) else 1)'
}
h_wait 15 "the route injected at GoBGP in PE1's recording IP VPN driver" recorded
h_ok "a VPNv4 route injected at GoBGP reaches PE1's recording driver (VRF v1, label 3000)"

for p in gobgpd pe1 pe2; do
    h_alive "$p" || h_fail "$p exited: $(tail -n 20 "$W/$p.log")"
done
if h_log_has "$W/pe1.log" ' ERROR |panicked|malformed'; then
    h_fail "herald PE1 logged a problem: $(grep -E ' ERROR |panicked|malformed' "$W/pe1.log")"
fi
h_done
