#!/usr/bin/env bash
# TCP-MD5 keys follow a reload on herald's listener (BIRD 2), 127.0.15.20-22.
#
#   tests/interop/herald-md5-reload.sh     (KEEP_WORK=1 keeps the temp dir)
#
# herald listens on 127.0.15.20 for two passive neighbors. At start, 127.0.15.21 has no password
# and its BIRD (r1, no password) comes up. A SIGHUP then gives 127.0.15.21 the password "k1"
# (its BIRD still has none) and adds 127.0.15.22 with "k3" (its BIRD r3 has "k3"). Asserted:
#   - r3 comes up: the key of a neighbor added by reload is installed on the running listener;
#   - r1 never comes back: the key a reload gives a neighbor is enforced on that listener (an
#     unsigned connection is dropped by the kernel), so the session reset by the reload stays down.
# BIRD's r1 stays in `start` after herald's Cease 6/6, so both BIRDs are started afresh after the
# reload.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
h_init 60 "$@"
require_peer bird birdc
h_build
W="$H_WORK"
P="$(h_free_port 127.0.15.20)"
QA="$(h_free_port 127.0.15.21)"
QB="$(h_free_port 127.0.15.22)"
hdr='router id 192.0.2.16; log stderr all; protocol device { }
template bgp t { strict bind yes; multihop; connect delay time 1; connect retry time 1; error wait time 1, 2; debug { states, events }; }'
printf '%s\nprotocol bgp r1 from t { local 127.0.15.21 port %s as 65000; neighbor 127.0.15.20 port %s as 65000; ipv4 { import all; export none; }; }\n' "$hdr" "$QA" "$P" >"$W/bird1.conf"
printf '%s\nprotocol bgp r3 from t { local 127.0.15.22 port %s as 65000; neighbor 127.0.15.20 port %s as 65000; password "k3"; ipv4 { import all; export none; }; }\n' "$hdr" "$QB" "$P" >"$W/bird3.conf"
nb() { printf 'neighbor %s { router-id 10.0.15.20; local-address 127.0.15.20; local-as 65000; peer-as 65000; family { ipv4 unicast; } passive; listen %s; %s }\n' "$@"; }
nb 127.0.15.21 "$P" "" >"$W/herald.conf"
{ nb 127.0.15.21 "$P" 'md5-password "k1";'; nb 127.0.15.22 "$P" 'md5-password "k3";'; } >"$W/herald-new.conf"
fresh_birds() {
    for b in bird1 bird3; do
        h_stop "$b"
        rm -f "$W/$b.ctl"
        h_bird_start "$b" "$W/$b.conf"
    done
}
established_count() { sed 's/\x1b\[[0-9;]*m//g' "$W/herald.log" | grep -c "established peer=$1 " || true; }

h_herald_start herald "$W/herald.conf" --control "$W/h.sock"
h_wait 10 "herald listening" h_log_has "$W/herald.log" "listening"
fresh_birds
h_wait 15 "r1 up without MD5" h_bird_established bird1 r1
h_ok "before the reload: 127.0.15.21 up without a password"
cp "$W/herald-new.conf" "$W/herald.conf"
kill -HUP "$(h_pid herald)"
h_wait 10 "reload applied" h_log_has "$W/herald.log" "reload applied"
fresh_birds
h_wait 20 "r3 up with the key added by the reload" h_bird_established bird3 r3
h_ok "after the reload: 127.0.15.22 (added with a password) is up"
# r1 tries every second; give it 5 s more after r3 came up.
for _ in $(seq 25); do
    [ "$(established_count 127.0.15.21)" -le 1 ] || break
    sleep 0.2
done
[ "$(established_count 127.0.15.21)" -eq 1 ] ||
    h_fail "127.0.15.21 came back without the password the reload gave it ($(established_count 127.0.15.21) sessions)"
if h_bird_established bird1 r1; then
    h_fail "BIRD r1 (no password) is Established after the reload required one"
fi
h_ok "after the reload: 127.0.15.21 (now with a password, its BIRD without) stays down"
h_done
