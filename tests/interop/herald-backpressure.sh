#!/usr/bin/env bash
# An event consumer that never reads costs herald no session (bounded per-consumer queues).
#
#   tests/interop/herald-backpressure.sh   (KEEP_WORK=1 keeps the temp dir; HERALD_TEST_TIMEOUT=S;
#                                           BP_V4=N BP_V6=N change the table size)
#
# One BIRD 2 (passive, hold time 9 s everywhere) holds a table of 1,000,000 routes (400,000 IPv4
# /24 + 600,000 IPv6 /56, static routes from generated files) and exports it to two herald
# processes, each also having a second, unrelated session with a few routes:
#   A. herald-a runs with --json-events and its stdout is a fifo that a process holds open and
#      never reads (`sleep 600 <fifo`);
#   B. herald-p gives the parsed UPDATEs of the big session to a helper process that never reads
#      its stdin (`process sink { run sleep 600; }`).
# The ExaBGP JSON of the table is ~37 MB, more than a consumer's queue bound (32 MiB): herald
# must drop the consumer's oldest events, say so, and keep reading every peer.
# herald-a gets the table first; herald-p starts when herald-a has it all; then 20 s more.
# Asserted, per herald:
#   - the four sessions stay Established from start to end: one `established` per peer in
#     herald's log, no `session down`; BIRD's trace shows each protocol up once, never stopped;
#   - herald's KEEPALIVEs keep coming while it reads the table: the longest gap between two
#     KEEPALIVEs BIRD got from herald (BIRD's packet trace) is under 4.5 s, 1.5 keepalive
#     intervals (hold 9 s / 3 = 3 s). A gap as long as the transfer means herald sent none
#     during it; on a slow or busy machine the transfer passes 9 s and BIRD drops the session;
#   - the Adj-RIB-In ends up with every route (`show neighbor summary`, #recvd);
#   - herald logged that the consumer was not keeping up (so the bound was really hit);
#   - peak RSS (VmHWM) under 512 MiB, reported;
#   - SIGTERM still ends herald within 5 s (BIRD gets Cease/Administrative Shutdown) and the
#     helper process is gone.
# Failures of these checks are collected and reported together at the end.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
h_init 90 "$@"
require_peer bird birdc python3
h_build

CONF="$H_INTEROP/configs/herald-backpressure"
W="$H_WORK"
N4="${BP_V4:-400000}"
N6="${BP_V6:-600000}"
NBIG=$((N4 + N6))
NSMALL=3
KEEPALIVE_GAP_MAX=4.5
RSS_MAX_MIB=512
BEYOND=20

DEFECTS=()
defect() {
    DEFECTS+=("$*")
    h_say "DEFECT: $*"
}

PORT_BIGA="$(h_free_port 127.0.12.1)"
PORT_SMALLA="$(h_free_port 127.0.12.3)"
PORT_BIGP="$(h_free_port 127.0.12.11)"
PORT_SMALLP="$(h_free_port 127.0.12.13)"
PORTS=(PORT_BIGA="$PORT_BIGA" PORT_SMALLA="$PORT_SMALLA" PORT_BIGP="$PORT_BIGP" PORT_SMALLP="$PORT_SMALLP" W="$W")
h_say "ports: ${PORTS[*]}; table $N4 IPv4 + $N6 IPv6 routes"
h_render "$CONF/bird.conf" "$W/bird.conf" "${PORTS[@]}"
for x in a p; do
    h_render "$CONF/herald-$x.conf" "$W/herald-$x.conf" "${PORTS[@]}"
    "$HERALD" check "$W/herald-$x.conf" >"$W/herald-$x.check.log" 2>&1 ||
        h_fail "herald check herald-$x.conf: $(cat "$W/herald-$x.check.log")"
done
python3 - "$N4" "$N6" "$W" <<'PY'
import sys
n4, n6, w = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
with open(w + "/big4.conf", "w") as f:  # 10.0.0.0/24, 10.0.1.0/24, ... (then 11.x ...)
    f.write("".join("route %d.%d.%d.0/24 blackhole;\n" % (10 + (i >> 16), (i >> 8) & 255, i & 255) for i in range(n4)))
with open(w + "/big6.conf", "w") as f:  # 2001:db8:1000::/56, 2001:db8:1000:100::/56, ...
    f.write("".join("route 2001:db8:%x:%x00::/56 blackhole;\n" % (0x1000 + (i >> 8), i & 255) for i in range(n6)))
PY

# --- helpers -------------------------------------------------------------------------------------

hctl() { # herald-a|herald-p ARGS...
    local x="$1"
    shift
    timeout 10 "$HERALD" ctl -s "$W/$x.sock" "$@"
}

herald_count() { # herald-x NEIGHBOR -> #recvd
    hctl "$1" show neighbor summary | awk -v n="$2" '$1 == n { print $NF }'
}

log_count_ge() { [ "$(h_log_count "$1" "$2")" -ge "$3" ]; }

proto_since() { h_birdc bird show protocols "$1" | awk -v p="$1" '$1 == p { print $4 " " $5 }'; }

logtime() { python3 "$H_INTEROP/adjrib.py" logtime "$@"; }

secs_between() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# the longest gap between two "PROTO: Got KEEPALIVE" lines of BIRD's log, in seconds
keepalive_gap() { # PROTO
    sed 's/\x1b\[[0-9;]*m//g' "$W/bird.log" | awk -v p="$1:" '
        $3 == "<TRACE>" && $4 == p && $5 == "Got" && $6 == "KEEPALIVE" {
            split($2, t, ":"); s = t[1] * 3600 + t[2] * 60 + t[3]
            if (n++ && s - last > max) { max = s - last; at = $2 }
            last = s
        }
        END { printf "%.2f %d %s\n", max, n, at }'
}

vm() { awk -v k="$2:" '$1 == k { printf "%d", $2 / 1024 }' "/proc/$1/status" 2>/dev/null; }

# --- BIRD with the big table ---------------------------------------------------------------------
t0="$EPOCHREALTIME"
# (not h_bird_start: parsing a million routes takes BIRD several seconds, twice with `bird -p`)
h_start bird "$W/bird.log" bird -f -c "$W/bird.conf" -s "$W/bird.ctl" -P "$W/bird.pid"
h_wait 60 "BIRD's static protocols loaded" bash -c \
    "timeout 5 birdc -s '$W/bird.ctl' show protocols sbig6 | grep -q ' up '"
h_say "BIRD holds the table after $(secs_between "$t0" "$EPOCHREALTIME") s (BIRD RSS $(vm "$(h_pid bird)" VmRSS) MiB)"

# --- A. herald-a: --json-events into a fifo nobody reads -----------------------------------------
mkfifo "$W/events.fifo"
# the reader opens the fifo and never reads; herald-a's stdout is the fifo's write end
h_start reader "$W/reader.log" sh -c 'exec sleep 600 <"$1"' sh "$W/events.fifo"
h_start herald-a "$W/herald-a.log" sh -c 'exec "$1" run "$2" --log-level info --control "$3" --json-events >"$4"' \
    sh "$HERALD" "$W/herald-a.conf" "$W/herald-a.sock" "$W/events.fifo"
HAL="$W/herald-a.log"
h_wait 15 "BIRD bigA Established" h_bird_established bird bigA
h_wait 15 "BIRD smallA Established" h_bird_established bird smallA
h_wait 90 "herald-a: End-of-RIB ipv4+ipv6 from bigA" \
    log_count_ge "$HAL" 'End-of-RIB received peer=127\.0\.12\.1 family=ipv(4|6) unicast' 2
tA="$(secs_between "$(logtime "$HAL" 'established peer=127\.0\.12\.1 ')" "$(logtime "$HAL" 'End-of-RIB received peer=127\.0\.12\.1 ' -1)")"
h_say "A: herald-a received the table in $tA s (RSS now $(vm "$(h_pid herald-a)" VmRSS) MiB)"

# --- B. herald-p: a helper process that never reads ----------------------------------------------
h_herald_start herald-p "$W/herald-p.conf" --control "$W/herald-p.sock"
HPL="$W/herald-p.log"
h_wait 10 "herald-p: helper process started" h_log_has "$HPL" 'process started process=sink pid=[0-9]+'
sink_pid="$(sed 's/\x1b\[[0-9;]*m//g' "$HPL" | sed -n 's/.*process started process=sink pid=\([0-9]*\).*/\1/p' | head -n 1)"
H_PIDS[sink]="$sink_pid" # stopped on exit if still there (herald spawns it via sh -c)
sink_children() { ps -o pid= --ppid "$sink_pid" 2>/dev/null; }
h_wait_quiet 3 bash -c "ps -o pid= --ppid $sink_pid | grep -q ." || true
for c in $(sink_children || true); do H_PIDS[sink-$c]="$c"; done
h_wait 15 "BIRD bigP Established" h_bird_established bird bigP
h_wait 15 "BIRD smallP Established" h_bird_established bird smallP
h_wait 90 "herald-p: End-of-RIB ipv4+ipv6 from bigP" \
    log_count_ge "$HPL" 'End-of-RIB received peer=127\.0\.12\.11 family=ipv(4|6) unicast' 2
tP="$(secs_between "$(logtime "$HPL" 'established peer=127\.0\.12\.11 ')" "$(logtime "$HPL" 'End-of-RIB received peer=127\.0\.12\.11 ' -1)")"
h_say "B: herald-p received the table in $tP s; watching every session for $BEYOND s more"

# --- watch: every session stays up ----------------------------------------------------------------
end=$((SECONDS + BEYOND))
flapped=""
while [ "$SECONDS" -lt "$end" ]; do
    for p in bigA smallA bigP smallP; do
        h_bird_established bird "$p" || flapped="$flapped $p"
    done
    [ -z "$flapped" ] || break
    sleep 1
done

# --- checks ---------------------------------------------------------------------------------------
declare -A HLOG=([bigA]="$HAL" [smallA]="$HAL" [bigP]="$HPL" [smallP]="$HPL")
declare -A PEER=([bigA]=127.0.12.1 [smallA]=127.0.12.3 [bigP]=127.0.12.11 [smallP]=127.0.12.13)
declare -A HNAME=([bigA]=herald-a [smallA]=herald-a [bigP]=herald-p [smallP]=herald-p)
for p in bigA smallA bigP smallP; do
    peer_re="peer=${PEER[$p]//./\\.}"
    n_est="$(h_log_count "${HLOG[$p]}" "established $peer_re ")"
    n_down="$(h_log_count "${HLOG[$p]}" "session down $peer_re ")"
    b_up="$(h_log_count "$W/bird.log" "<TRACE> $p: State changed to up")"
    b_stop="$(h_log_count "$W/bird.log" "<TRACE> $p: State changed to stop")"
    if [ "$n_est" != 1 ] || [ "$n_down" != 0 ] || [ "$b_up" != 1 ] || [ "$b_stop" != 0 ] || ! h_bird_established bird "$p"; then
        defect "$p (${HNAME[$p]} <-> BIRD ${PEER[$p]}) did not stay up: herald logged $n_est 'established' and $n_down 'session down' \
($(sed 's/\x1b\[[0-9;]*m//g' "${HLOG[$p]}" | grep -E "session down $peer_re " | sed 's/^.*Z *//; s/ *WARN herald::daemon::peer: //' | head -n 3 | tr '\n' ';')); \
BIRD: $b_up times up, $b_stop times stopped; $(h_birdc bird show protocols all "$p" | grep -E 'Last error' | sed 's/^ *//') \
$(sed 's/\x1b\[[0-9;]*m//g' "$W/bird.log" | grep -E "<RMT> $p: " | head -n 3 | sed 's/^[0-9-]* //' | tr '\n' ';')"
    else
        h_ok "$p: Established throughout (BIRD: up once, since $(proto_since "$p"); herald: established once, never down)"
    fi
    read -r gap n_ka gap_at < <(keepalive_gap "$p")
    if awk -v g="$gap" -v m="$KEEPALIVE_GAP_MAX" 'BEGIN { exit !(g >= m) }'; then
        defect "$p: BIRD got no KEEPALIVE from ${HNAME[$p]} for $gap s (gap ending $gap_at; hold time 9 s, keepalive interval 3 s; $n_ka KEEPALIVEs in all; \
the table took ${tA} s to herald-a, ${tP} s to herald-p)"
    else
        h_ok "$p: longest gap between KEEPALIVEs from ${HNAME[$p]}: $gap s ($n_ka KEEPALIVEs)"
    fi
done

for x in herald-a herald-p; do
    if [ "$x" = herald-a ]; then big=127.0.12.1 small=127.0.12.3 consumer=stdout; else big=127.0.12.11 small=127.0.12.13 consumer='process sink'; fi
    nb="$(herald_count "$x" "$big" || true)"
    ns="$(herald_count "$x" "$small" || true)"
    if [ "$nb" = "$NBIG" ] && [ "$ns" = "$NSMALL" ]; then
        h_ok "$x: Adj-RIB-In complete: #recvd $nb from $big, $ns from $small"
    else
        defect "$x: Adj-RIB-In incomplete: #recvd '$nb' from $big (want $NBIG), '$ns' from $small (want $NSMALL)"
    fi
    if h_log_has "$W/$x.log" "consumer is not keeping up: dropping its oldest events consumer=$consumer"; then
        h_ok "$x: herald dropped events for the consumer '$consumer' that does not read"
    else
        defect "$x: no 'consumer is not keeping up … consumer=$consumer' in herald's log: the queue bound was not hit (or not reported)"
    fi
    hwm="$(vm "$(h_pid "$x")" VmHWM)"
    rss="$(vm "$(h_pid "$x")" VmRSS)"
    if [ -n "$hwm" ] && [ "$hwm" -lt "$RSS_MAX_MIB" ]; then
        h_ok "$x: RSS $rss MiB now, peak $hwm MiB (bound $RSS_MAX_MIB MiB)"
    else
        defect "$x: peak RSS '$hwm' MiB, expected under $RSS_MAX_MIB MiB"
    fi
done
h_say "timings: BIRD -> herald-a (unread --json-events) $tA s, BIRD -> herald-p (unread helper) $tP s, table $NBIG routes"

# --- SIGTERM: herald still shuts down -------------------------------------------------------------
for x in herald-a herald-p; do
    if [ "$x" = herald-a ]; then protos="bigA smallA"; else protos="bigP smallP"; fi
    kill -TERM "$(h_pid "$x")"
    h_exit_status "$x"
    if [ "$H_RC" = 0 ]; then
        h_ok "$x: exited 0 within 5 s of SIGTERM"
    else
        stack=""
        if [ "$H_RC" = running ]; then
            stack="$(sed 's/\x1b\[[0-9;]*m//g' "$W/$x.log" | tail -n 2 | sed 's/^.*Z *//' | tr '\n' ';')"
            h_stop "$x" KILL
        fi
        defect "$x: not exited 5 s after SIGTERM (status: $H_RC; last log lines: $stack)"
    fi
    for p in $protos; do
        h_wait_quiet 5 bash -c "timeout 5 birdc -s '$W/bird.ctl' show protocols all $p | grep -Eq 'Last error: +Received: Administrative shutdown'" ||
            defect "$x: BIRD's $p did not receive Cease/Administrative Shutdown: $(h_birdc bird show protocols all "$p" | grep -E 'Last error|BGP state' | tr -s ' ' | tr '\n' ';')"
    done
done
# Alive and not a zombie: a grandchild herald killed with its process group may be re-parented
# to a container's init that does not reap, and stays a zombie (state Z) though it is gone.
alive() { local st; st="$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)" && [ -n "$st" ] && [ "$st" != Z ]; }
left=""
for k in "${!H_PIDS[@]}"; do
    case "$k" in sink*) alive "${H_PIDS[$k]}" && left="$left ${H_PIDS[$k]}" ;; esac
done
[ -z "$left" ] || defect "herald-p exited 0 but its helper process is still running: $(ps -o pid=,ppid=,args= -p "${left# }" | tr -s ' ' | tr '\n' ';') \
(herald started it as pid $sink_pid: $(sed 's/\x1b\[[0-9;]*m//g' "$HPL" | grep -E 'process=sink' | sed 's/^.*Z *//' | tail -n 2 | tr '\n' ';'))"

if [ "${#DEFECTS[@]}" -gt 0 ]; then
    printf '\n' >&2
    for d in "${DEFECTS[@]}"; do printf '[%s] DEFECT: %s\n' "$H_NAME" "$d" >&2; done
    h_fail "${#DEFECTS[@]} herald defect(s), listed above"
fi
h_done
