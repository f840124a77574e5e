#!/usr/bin/env bash
# herald -> BIRD 2 interop: sessions and route injection.
#
#   tests/interop/herald-bird.sh          (KEEP_WORK=1 keeps the temp dir; HERALD_TEST_TIMEOUT=S)
#
# One BIRD (passive, multihop, one pair of tables per session) and three herald processes,
# addresses 127.0.1.0/24 and ::1, OS-chosen free ports. Scenarios:
#   a. IBGP over IPv4 transport: IPv4 and IPv6 routes with every attribute herald supports in a
#      config; `birdc show route all` must show exactly the expected attributes per prefix.
#   b. EBGP over IPv6 transport (::1): herald prepends its AS when no as-path is configured and
#      sends no LOCAL_PREF (not even a configured one); BIRD shows no BGP.local_pref.
#   c. SIGHUP: the config loses two routes and gains two; BIRD ends up with exactly the new set,
#      both sessions stay up (same "since" time in BIRD, no new `established` in herald's log).
#   d. graceful restart: herald (GR 60 s) is killed with SIGKILL; BIRD keeps the routes (never
#      fewer) while herald is down; herald restarts and BIRD ends GR on herald's End-of-RIBs with
#      the same routes, none removed.
#   e. wrong AS both ways: herald sends OPEN error 2/2 (Bad peer AS) and BIRD shows it received;
#      BIRD sends 2/2 and herald logs it received.
#   f. SIGTERM: herald exits 0 after Cease/Administrative Shutdown (BIRD shows it received).
# Expected BIRD output: tests/interop/configs/herald-bird/expected-*.txt.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
h_init 90 "$@"
require_peer bird birdc python3
h_build

CONF="$H_INTEROP/configs/herald-bird"
ROUTES="$H_INTEROP/birdroutes.py"
W="$H_WORK"

mapfile -t P1 < <(h_free_ports 127.0.1.1 3)
PORT_IBGP="${P1[0]}" PORT_GR="${P1[1]}" PORT_BAD1="${P1[2]}"
PORT_BAD2="$(h_free_port 127.0.1.6)"
PORT_EBGP="$(h_free_port ::1)"
PORTS=(PORT_IBGP="$PORT_IBGP" PORT_EBGP="$PORT_EBGP" PORT_GR="$PORT_GR" PORT_BAD1="$PORT_BAD1" PORT_BAD2="$PORT_BAD2")
h_say "ports: ${PORTS[*]}"

h_render "$CONF/bird.conf" "$W/bird.conf" "${PORTS[@]}"
for f in herald-main herald-main-reloaded herald-gr herald-badas; do
    h_render "$CONF/$f.conf" "$W/$f.conf" "${PORTS[@]}"
    "$HERALD" check "$W/$f.conf" >"$W/$f.check.log" 2>&1 || h_fail "herald check $f.conf: $(cat "$W/$f.check.log")"
done
cp "$W/herald-main.conf" "$W/herald.conf" # the file herald runs with (rewritten in c)

# --- helpers ---------------------------------------------------------------------------------

birdc_() { h_birdc bird "$@"; }

# routes of two tables, as one `show route all` text
bird_routes() { # TABLE4 TABLE6
    birdc_ show route table "$1" all
    birdc_ show route table "$2" all
}

routes_match() { # TABLE4 TABLE6 EXPECTED
    bird_routes "$1" "$2" | python3 "$ROUTES" check "$3" >/dev/null
}

# wait until BIRD holds exactly the routes of EXPECTED, else fail showing the differences
expect_routes() { # LABEL TABLE4 TABLE6 EXPECTED
    local label="$1" t4="$2" t6="$3" exp="$4"
    if ! h_wait_quiet 10 routes_match "$t4" "$t6" "$exp"; then
        bird_routes "$t4" "$t6" >"$W/$label.routes.txt" || true
        python3 "$ROUTES" check "$exp" --label "$label" <"$W/$label.routes.txt" >&2 || true
        printf '\nbirdc show route all (%s, %s):\n' "$t4" "$t6" >&2
        cat "$W/$label.routes.txt" >&2
        h_fail "$label: BIRD's routes are not the expected ones (see above)"
    fi
    h_ok "$label: $(bird_routes "$t4" "$t6" | python3 "$ROUTES" check "$exp")"
}

# "Since" column of `show protocols PROTO` (date and time)
proto_since() { birdc_ show protocols "$1" | awk -v p="$1" '$1 == p { print $5 }'; }

proto_all() { birdc_ show protocols all "$1"; }

proto_has() { proto_all "$1" | grep -Eq -- "$2"; }

# wait until `show protocols all PROTO` matches REGEX, else fail showing it
wait_proto() { # SECONDS PROTO REGEX
    h_wait_quiet "$1" proto_has "$2" "$3" ||
        h_fail "BIRD's 'show protocols all $2' never matched /$3/ within $1 s; it shows:
$(proto_all "$2")"
}

log_count_ge() { [ "$(h_log_count "$1" "$2")" -ge "$3" ]; }

count_is() { [ "$(h_bird_count bird "$1")" = "$2" ]; }

# --- start -----------------------------------------------------------------------------------

h_bird_start bird "$W/bird.conf"
h_herald_start herald "$W/herald.conf"
h_herald_start herald-gr "$W/herald-gr.conf"
h_herald_start herald-badas "$W/herald-badas.conf"
HL="$W/herald.log"

h_wait 15 "BIRD ibgp4 Established" h_bird_established bird ibgp4
h_wait 15 "BIRD ebgp6 Established" h_bird_established bird ebgp6
h_ok "sessions ibgp4 (127.0.1.2 -> 127.0.1.1:$PORT_IBGP) and ebgp6 ([::1] -> [::1]:$PORT_EBGP) established"

# --- a. IBGP over IPv4 transport -------------------------------------------------------------
expect_routes a-ibgp4 t_ibgp4 t_ibgp6 "$CONF/expected-ibgp.txt"
proto_has ibgp4 'Session: +internal multihop AS4' || h_fail "a: BIRD does not show an internal AS4 session: $(proto_all ibgp4)"

# --- b. EBGP over IPv6 transport -------------------------------------------------------------
expect_routes b-ebgp6 t_ebgp4 t_ebgp6 "$CONF/expected-ebgp6.txt"
proto_has ebgp6 'Session: +external multihop AS4' || h_fail "b: BIRD does not show an external AS4 session: $(proto_all ebgp6)"
proto_has ebgp6 'Neighbor address: +::1' || h_fail "b: the ebgp6 session is not over ::1"

# --- c. SIGHUP -------------------------------------------------------------------------------
h_wait 10 "herald: initial routes sent to both neighbors" log_count_ge "$HL" 'initial routes sent' 2
since_ibgp="$(proto_since ibgp4)"
since_ebgp="$(proto_since ebgp6)"
n_est="$(h_log_count "$HL" ' established ')"
[ "$n_est" = 2 ] || h_fail "c: herald logged $n_est 'established' lines before the reload, expected 2"
cp "$W/herald-main-reloaded.conf" "$W/herald.conf"
kill -HUP "$(h_pid herald)"
h_wait 10 "herald: 'reload applied'" h_log_has "$HL" 'reload applied'
expect_routes c-sighup t_ibgp4 t_ibgp6 "$CONF/expected-ibgp-reloaded.txt"
expect_routes c-sighup-ebgp-unchanged t_ebgp4 t_ebgp6 "$CONF/expected-ebgp6.txt"
h_log_has "$HL" 'routes changed peer=127\.0\.1\.1 announce=2 withdraw=2' ||
    h_fail "c: herald did not log 'routes changed peer=127.0.1.1 announce=2 withdraw=2'"
[ "$(proto_since ibgp4)" = "$since_ibgp" ] ||
    h_fail "c: BIRD's ibgp4 session was reset by the reload (since $since_ibgp, now $(proto_since ibgp4))"
[ "$(proto_since ebgp6)" = "$since_ebgp" ] ||
    h_fail "c: BIRD's ebgp6 session was reset by the reload (since $since_ebgp, now $(proto_since ebgp6))"
h_bird_established bird ibgp4 || h_fail "c: ibgp4 not Established after the reload"
h_bird_established bird ebgp6 || h_fail "c: ebgp6 not Established after the reload"
n_est="$(h_log_count "$HL" ' established ')"
[ "$n_est" = 2 ] || h_fail "c: herald logged $n_est 'established' lines after the reload, expected still 2"
h_ok "c: reload applied without a session reset (ibgp4 since $since_ibgp, ebgp6 since $since_ebgp)"

# --- d. graceful restart ---------------------------------------------------------------------
BL="$W/bird.log"
h_wait 15 "BIRD gr Established" h_bird_established bird gr
expect_routes d-gr-before t_gr4 t_gr6 "$CONF/expected-gr.txt"
proto_has gr 'Restart time: +60' || h_fail "d: BIRD does not show herald's GR restart time 60: $(proto_all gr)"
proto_has gr 'AF preserved: +ipv4 ipv6' || h_fail "d: herald's GR capability lacks the forwarding bits: $(proto_all gr)"
kill -KILL "$(h_pid herald-gr)"
h_exit_status herald-gr
[ "$H_RC" = 137 ] || h_fail "d: herald-gr exit status $H_RC after SIGKILL, expected 137"
wait_proto 5 gr 'Neighbor graceful restart active'
h_say "d: herald killed; BIRD's GR is active; watching the route count for 3 s"
min4=99 min6=99
watch_counts() {
    local c4 c6
    c4="$(h_bird_count bird t_gr4)"
    c6="$(h_bird_count bird t_gr6)"
    [ -n "$c4" ] && [ -n "$c6" ] || h_fail "d: cannot read BIRD's route counts"
    [ "$c4" -lt "$min4" ] && min4="$c4"
    [ "$c6" -lt "$min6" ] && min6="$c6"
    if [ "$c4" != 2 ] || [ "$c6" != 1 ]; then
        h_fail "d: BIRD dropped routes while herald was down: t_gr4=$c4 (want 2), t_gr6=$c6 (want 1)"
    fi
}
hold_until="$(awk -v t="$EPOCHREALTIME" 'BEGIN { printf "%.3f", t + 3 }')"
while awk -v t="$EPOCHREALTIME" -v d="$hold_until" 'BEGIN { exit !(t < d) }'; do
    watch_counts
    sleep 0.2
done
expect_routes d-gr-stale t_gr4 t_gr6 "$CONF/expected-gr.txt"
n_done_before="$(h_log_count "$BL" 'gr: Neighbor graceful restart done')"
h_herald_start herald-gr2 "$W/herald-gr.conf"
end=$((SECONDS + 15))
until h_log_has "$BL" 'gr: Neighbor graceful restart done'; do
    [ "$SECONDS" -lt "$end" ] || h_fail "d: BIRD never ended graceful restart after herald came back"
    watch_counts
    sleep 0.1
done
[ "$n_done_before" = 0 ] || h_fail "d: BIRD logged 'graceful restart done' before herald restarted"
watch_counts
h_bird_established bird gr || h_fail "d: gr not Established after herald restarted"
proto_has gr 'Neighbor graceful restart active' && h_fail "d: BIRD still shows GR active after herald's End-of-RIB"
h_log_has "$W/herald-gr2.log" 'initial routes sent.* routes=3' || h_fail "d: restarted herald did not log 'initial routes sent … routes=3'"
eors="$(sed -n '/gr: Neighbor graceful restart detected/,$p' "$BL" | grep -c 'gr: Got END-OF-RIB' || true)"
[ "$eors" -ge 2 ] || h_fail "d: BIRD got $eors End-of-RIB from the restarted herald, expected 2"
if sed -n '/gr: Neighbor graceful restart detected/,$p' "$BL" | grep -E 'gr\.ipv[46] > (removed|filtered)'; then
    h_fail "d: BIRD removed routes around the restart (see above)"
fi
for p in 198.51.100.0/25 198.51.100.128/25 2001:db8:20::/48; do
    # BIRD logs an identical re-announcement as "ignored" (it only clears the stale flag)
    sed -n '/gr: Neighbor graceful restart detected/,$p' "$BL" |
        grep -Eq "gr\.ipv[46] > (ignored|updated|added)( \[best\])? $p " ||
        h_fail "d: BIRD did not log a re-announcement of $p by the restarted herald"
done
expect_routes d-gr-after t_gr4 t_gr6 "$CONF/expected-gr.txt"
h_ok "d: routes kept while herald was down (minimum count ipv4=$min4 ipv6=$min6), refreshed after End-of-RIB"

# --- e. wrong AS -----------------------------------------------------------------------------
BADL="$W/herald-badas.log"
h_wait 15 "herald: 'sending NOTIFICATION OPEN message error (2/2)' to 127.0.1.1" \
    h_log_has "$BADL" 'sending NOTIFICATION OPEN message error \(2/2\): Bad peer AS, data 0x[0-9a-f]{4} peer=127\.0\.1\.1$'
wait_proto 15 badas1 'Last error: +Received: Bad peer AS'
h_ok "e1: herald sent OPEN error 2/2 (Bad peer AS); BIRD: $(proto_all badas1 | grep -E 'Last error' | sed 's/^ *//')"
h_wait 15 "herald: 'received NOTIFICATION OPEN message error (2/2)' from 127.0.1.6" \
    h_log_has "$BADL" 'received NOTIFICATION OPEN message error \(2/2\): Bad peer AS(, data 0x[0-9a-f]+)? peer=127\.0\.1\.6$'
wait_proto 15 badas2 'Last error: +BGP Error: Bad peer AS'
h_ok "e2: BIRD sent OPEN error 2/2 (BIRD: $(proto_all badas2 | grep -E 'Last error' | sed 's/^ *//')); herald logged it received"
h_bird_established bird badas1 && h_fail "e: badas1 is Established"
h_bird_established bird badas2 && h_fail "e: badas2 is Established"

# --- f. SIGTERM ------------------------------------------------------------------------------
kill -TERM "$(h_pid herald)"
h_exit_status herald
[ "$H_RC" = 0 ] || h_fail "f: herald exit status $H_RC after SIGTERM, expected 0"
wait_proto 5 ibgp4 'Last error: +Received: Administrative shutdown'
wait_proto 5 ebgp6 'Last error: +Received: Administrative shutdown'
h_wait 5 "BIRD flushed herald's routes" count_is t_ibgp4 0
h_ok "f: SIGTERM: herald exited 0, BIRD received Cease/Administrative shutdown on both sessions"
h_done
