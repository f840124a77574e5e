#!/usr/bin/env bash
# Capture BGP messages from real peers (BIRD 2, GoBGP 3, ExaBGP 5) as test vectors for herald-wire.
#
#   tests/interop/capture-vectors.sh [--check|--write] [bird] [gobgp] [exabgp]
#
# For each peer, three tests/interop/sink.py instances record everything the peer sends over
# three sessions (IPv4 transport on 127.0.77.0/24, per-run free ports):
#   ibgp   IBGP AS 65001, 4-octet AS, ADD-PATH (peer sends, sink receives)
#   ebgp   EBGP, peer's local AS 4200000001 (OPEN carries AS_TRANS 23456), sink AS 65000
#   ebgp2  EBGP, peer AS 65001, sink AS 65000 does NOT offer 4-octet AS (AS4_PATH/AS4_AGGREGATOR)
# The peer announces IPv4 and IPv6 unicast routes with a rich attribute mix
# (tests/interop/vector-configs/), sends End-of-RIB, then withdraws one IPv4 and one IPv6 route.
#
# --write  (re)writes crates/herald-wire/tests/vectors/<peer>.txt (header comments + one hex
#          message per line: received OPENs and UPDATEs, KEEPALIVEs dropped) and
#          <peer>.exabgp.jsonl: for every UPDATE, in the same order, the line printed by
#            exabgp decode -c tests/interop/vector-configs/decode-<session>.conf <hex>
#          (ExaBGP 5.0.15; its -c config gives the session context: 4-octet AS on/off, ADD-PATH;
#          without -c it assumes AS 65533 IBGP, asn4 on, no ADD-PATH; -f only picks families).
#          The volatile envelope fields are normalised: "time": 0.0, "host" : "vectors",
#          "pid" : 0, "ppid" : 0.
# --check  (default; what scripts/test runs): capture into a temp dir and check that every
#          session negotiates, sends End-of-RIB for both families and the two withdrawals, and
#          that each session's OPEN capabilities and UPDATE count match the committed vectors.
#          Nothing in the repository is changed.
#
# Environment: HERALD_EXABGP (default ${HERALD_TEST_VENV:-$HOME/.cache/herald/exabgp-venv}/bin/exabgp),
# CAPTURE_TIMEOUT (seconds per phase, default 30), KEEP_WORK=1 keeps the temp dir,
# HERALD_REQUIRE_PEERS=1 makes a missing peer a failure instead of a skip.
# Only 127.0.77.x addresses are bound or contacted; every daemon started is killed on exit.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
HERE="$ROOT/tests/interop"
CONF="$HERE/vector-configs"
SINK="$HERE/sink.py"
VECTORS="$ROOT/crates/herald-wire/tests/vectors"
EXABGP="${HERALD_EXABGP:-${HERALD_TEST_VENV:-$HOME/.cache/herald/exabgp-venv}/bin/exabgp}"
TIMEOUT="${CAPTURE_TIMEOUT:-30}"

MODE=check
PEERS=()
for arg in "$@"; do
    case "$arg" in
        --check) MODE=check ;;
        --write) MODE=write ;;
        bird | gobgp | exabgp) PEERS+=("$arg") ;;
        -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "capture-vectors: unknown argument '$arg'" >&2; exit 64 ;;
    esac
done
[ "${#PEERS[@]}" -gt 0 ] || PEERS=(bird gobgp exabgp)

WORK="$(mktemp -d "${TMPDIR:-/tmp}/herald-vectors.XXXXXX")"
DAEMON_PIDS=()
SINK_PIDS=()

log() { printf 'capture-vectors: %s\n' "$*" >&2; }
fail() { log "FAIL: $*"; exit 1; }

stop_pids() { # PID... : TERM, wait up to 3 s, then KILL
    local p
    for p in "$@"; do kill "$p" 2>/dev/null || true; done
    for _ in $(seq 30); do
        local alive=0
        for p in "$@"; do kill -0 "$p" 2>/dev/null && alive=1; done
        [ "$alive" -eq 0 ] && break
        sleep 0.1
    done
    for p in "$@"; do kill -9 "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
}

cleanup() {
    local rc=$?
    if [ "${#SINK_PIDS[@]}" -gt 0 ] || [ "${#DAEMON_PIDS[@]}" -gt 0 ]; then
        stop_pids ${SINK_PIDS[@]+"${SINK_PIDS[@]}"} ${DAEMON_PIDS[@]+"${DAEMON_PIDS[@]}"}
    fi
    if [ "${KEEP_WORK:-0}" = 1 ] || [ "$rc" -ne 0 ]; then
        log "work dir kept: $WORK"
    else
        rm -rf "$WORK"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# An OS-chosen free TCP port on ADDR (never 0.0.0.0).
free_port() {
    python3 -c 'import socket,sys; s=socket.socket(); s.bind((sys.argv[1],0)); print(s.getsockname()[1]); s.close()' "$1"
}
# Fail unless ADDR:PORT can be bound right now.
check_port_free() {
    python3 - "$1" "$2" <<'PY' || fail "port $1:$2 is in use"
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2])))
s.close()
PY
}

# Poll until every file given exists; fail after TIMEOUT or if a sink already died.
wait_files() { # WHAT FILE...
    local what="$1"; shift
    local deadline=$((SECONDS + TIMEOUT))
    while :; do
        local missing=0 f
        for f in "$@"; do [ -e "$f" ] || missing=1; done
        [ "$missing" -eq 0 ] && return 0
        [ "$SECONDS" -ge "$deadline" ] && fail "timeout waiting for $what ($*)"
        local p
        for p in ${SINK_PIDS[@]+"${SINK_PIDS[@]}"}; do
            if ! kill -0 "$p" 2>/dev/null; then
                # it may have finished legitimately only after its End-of-RIB file exists
                for f in "$@"; do [ -e "$f" ] || fail "a sink exited before $what; see $WORK"; done
            fi
        done
        sleep 0.05
    done
}

need() { # CMD : true when present; fail or skip otherwise
    if command -v "$1" >/dev/null 2>&1 || [ -x "$1" ]; then return 0; fi
    if [ "${HERALD_REQUIRE_PEERS:-0}" = 1 ]; then fail "$1 not found (run scripts/install-test-deps.sh)"; fi
    log "SKIP: $1 not found (run scripts/install-test-deps.sh)"
    return 1
}

# Sessions: name receiver-AS sink-flags decode-config
SESSIONS=(ibgp ebgp ebgp2)
declare -A SINK_AS=([ibgp]=65001 [ebgp]=65000 [ebgp2]=65000)
declare -A SENDER_AS=([ibgp]=65001 [ebgp]=4200000001 [ebgp2]=65001)
declare -A SINK_FLAGS=([ibgp]="--add-path" [ebgp]="" [ebgp2]="--no-asn4")
declare -A SESSION_TYPE=([ibgp]=IBGP [ebgp]=EBGP [ebgp2]=EBGP)
declare -A OCTET=([ibgp]=1 [ebgp]=2 [ebgp2]=3)   # sink address 127.0.77.<base+OCTET>

# start_sink PEERDIR SESSION MODE ADDR:PORT [BIND]
start_sink() {
    local dir="$1" s="$2" mode="$3" target="$4" bind="${5:-}"
    local args=(${SINK_VERBOSE:+--verbose} --asn "${SINK_AS[$s]}" --out "$dir/$s.hex" --info "$dir/$s.json"
        --timeout "$((TIMEOUT * 2))" --eor-file "$dir/$s.eor" --after-eor 2)
    # shellcheck disable=SC2206
    args+=(${SINK_FLAGS[$s]} ${SINK_EXTRA:-})
    if [ "$mode" = listen ]; then
        args+=(--listen "$target" --ready-file "$dir/$s.ready")
    else
        args+=(--connect "$target" --bind "$bind")
    fi
    (exec python3 "$SINK" "${args[@]}" 2>"$dir/$s.log") &
    SINK_PIDS+=("$!")
}

# wait for all sinks of the current peer; fail if any did not finish cleanly
wait_sinks() { # PEERDIR
    local p rc=0
    for p in "${SINK_PIDS[@]}"; do wait "$p" || rc=1; done
    SINK_PIDS=()
    [ "$rc" -eq 0 ] || { cat "$1"/*.log >&2; fail "a sink did not see End-of-RIB + 2 withdrawals; see $1"; }
}

render() { # TEMPLATE OUT VAR=VALUE...
    local tmpl="$1" out="$2"; shift 2
    local sedargs=() kv
    for kv in "$@"; do sedargs+=(-e "s#@${kv%%=*}@#${kv#*=}#g"); done
    sed "${sedargs[@]}" "$tmpl" >"$out"
    if grep -q '@[A-Z_]*@' "$out"; then fail "unfilled placeholder in $out"; fi
}

declare -A VERSION

available_bird() { need bird && need birdc; }
available_gobgp() { need gobgpd && need gobgp; }
available_exabgp() { need "$EXABGP"; }

capture_bird() {
    local dir="$WORK/bird" base=11
    mkdir -p "$dir"
    VERSION[bird]="BIRD $(bird --version 2>&1 | sed -n 's/^BIRD version //p')"
    local kv=() s
    for s in "${SESSIONS[@]}"; do
        local a="127.0.77.$((base + OCTET[$s]))" bp sp
        bp="$(free_port 127.0.77.11)"; sp="$(free_port "$a")"
        local up; up="$(tr a-z A-Z <<<"$s")"
        kv+=("PORT_BIRD_$up=$bp" "PORT_SINK_$up=$sp")
        eval "PORT_$s=$sp"
    done
    render "$CONF/bird.conf" "$dir/bird.conf" "${kv[@]}"
    bird -p -c "$dir/bird.conf" || fail "bird rejected $dir/bird.conf"
    for s in "${SESSIONS[@]}"; do
        local p="PORT_$s"
        start_sink "$dir" "$s" listen "127.0.77.$((base + OCTET[$s])):${!p}"
    done
    wait_files "sinks listening" "$dir"/{ibgp,ebgp,ebgp2}.ready
    local kvp
    for kvp in "${kv[@]}"; do
        case "$kvp" in PORT_BIRD_*) check_port_free 127.0.77.11 "${kvp#*=}" ;; esac
    done
    (cd "$dir" && exec bird -f -c "$dir/bird.conf" -s "$dir/bird.ctl" -P "$dir/bird.pid" >"$dir/daemon.log" 2>&1) &
    local dpid=$!
    DAEMON_PIDS+=("$dpid")
    wait_files "End-of-RIB from BIRD" "$dir"/{ibgp,ebgp,ebgp2}.eor
    birdc -s "$dir/bird.ctl" disable wd4 >/dev/null
    birdc -s "$dir/bird.ctl" disable wd6 >/dev/null
    wait_sinks "$dir"
    stop_pids "$dpid"
    DAEMON_PIDS=()
}

capture_gobgp() {
    local dir="$WORK/gobgp" base=21 addr=127.0.77.21
    mkdir -p "$dir"
    VERSION[gobgp]="GoBGP $(gobgpd --version 2>&1 | sed -n 's/^gobgpd version //p')"
    local port api
    port="$(free_port "$addr")"; api="$(free_port "$addr")"
    [ "$port" != "$api" ] || api="$(free_port "$addr")"
    render "$CONF/gobgp.toml" "$dir/gobgp.toml" "PORT_GOBGP=$port"
    check_port_free "$addr" "$port"
    check_port_free "$addr" "$api"
    (cd "$dir" && exec gobgpd -f "$dir/gobgp.toml" --api-hosts "$addr:$api" --pprof-disable \
        --log-plain >"$dir/daemon.log" 2>&1) &
    local dpid=$!
    DAEMON_PIDS+=("$dpid")
    local g=(gobgp -u "$addr" -p "$api")
    local deadline=$((SECONDS + TIMEOUT))
    until "${g[@]}" global >/dev/null 2>&1; do
        kill -0 "$dpid" 2>/dev/null || { cat "$dir/daemon.log" >&2; fail "gobgpd exited"; }
        [ "$SECONDS" -lt "$deadline" ] || fail "gobgpd API not ready"
        sleep 0.1
    done
    local line
    while IFS= read -r line; do
        case "$line" in '' | '#'*) continue ;; esac
        local args=()
        eval "args=($line)"
        "${g[@]}" global rib add "${args[@]}" || fail "gobgp global rib add $line"
    done <"$CONF/gobgp-routes.txt"
    local s
    for s in "${SESSIONS[@]}"; do
        start_sink "$dir" "$s" connect "$addr:$port" "127.0.77.$((base + OCTET[$s]))"
    done
    wait_files "End-of-RIB from GoBGP" "$dir"/{ibgp,ebgp,ebgp2}.eor
    "${g[@]}" global rib del -a ipv4 192.0.2.128/25
    "${g[@]}" global rib del -a ipv6 2001:db8:4::/64
    wait_sinks "$dir"
    stop_pids "$dpid"
    DAEMON_PIDS=()
}

capture_exabgp() {
    local dir="$WORK/exabgp" base=31
    mkdir -p "$dir"
    VERSION[exabgp]="ExaBGP $("$EXABGP" version 2>&1 | sed -n 's/^ExaBGP : //p')"
    case "${VERSION[exabgp]}" in "ExaBGP 5."*) ;; *) fail "need ExaBGP 5, found '${VERSION[exabgp]}' at $EXABGP" ;; esac
    local kv=("WITHDRAWER=$CONF/exabgp-withdrawer.sh" "TRIGGER=$dir/withdraw.trigger") s
    for s in "${SESSIONS[@]}"; do
        local sp; sp="$(free_port "127.0.77.$((base + OCTET[$s]))")"
        kv+=("PORT_SINK_$(tr a-z A-Z <<<"$s")=$sp")
        eval "PORT_$s=$sp"
    done
    render "$CONF/exabgp.conf" "$dir/exabgp.conf" "${kv[@]}"
    for s in "${SESSIONS[@]}"; do
        local p="PORT_$s"
        start_sink "$dir" "$s" listen "127.0.77.$((base + OCTET[$s])):${!p}"
    done
    wait_files "sinks listening" "$dir"/{ibgp,ebgp,ebgp2}.ready
    # exabgp_tcp_bind= : do not listen at all; root needs daemon_user/drop; no acks, no CLI pipes.
    (cd "$dir" && exec env exabgp_daemon_user=root exabgp_daemon_drop=false exabgp_daemon_daemonize=false \
        exabgp_tcp_bind= exabgp_api_ack=false exabgp_api_cli=false exabgp_log_destination=stderr \
        "$EXABGP" server "$dir/exabgp.conf" >"$dir/daemon.log" 2>&1) &
    local dpid=$!
    DAEMON_PIDS+=("$dpid")
    wait_files "End-of-RIB from ExaBGP" "$dir"/{ibgp,ebgp,ebgp2}.eor
    touch "$dir/withdraw.trigger"
    wait_sinks "$dir"
    stop_pids "$dpid"
    DAEMON_PIDS=()
}

# assemble PEER CONFIGFILES : write $WORK/<peer>.txt (and, in write mode, the oracle jsonl)
assemble() {
    local peer="$1" configs="$2" dir="$WORK/$1"
    python3 - "$peer" "$dir" "${VERSION[$peer]}" "$configs" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
        >"$WORK/$peer.txt" <<'PY'
import json, struct, sys
peer, d, version, configs, date = sys.argv[1:6]
SESS = [("ibgp", "IBGP", 65001, 65001), ("ebgp", "EBGP", 4200000001, 65000),
        ("ebgp2", "EBGP", 65001, 65000)]
NAMES = {1: "ORIGIN", 2: "AS_PATH", 3: "NEXT_HOP", 4: "MED", 5: "LOCAL_PREF",
         6: "ATOMIC_AGGREGATE", 7: "AGGREGATOR", 8: "COMMUNITY", 9: "ORIGINATOR_ID",
         10: "CLUSTER_LIST", 14: "MP_REACH_NLRI", 15: "MP_UNREACH_NLRI",
         16: "EXTENDED_COMMUNITY", 17: "AS4_PATH", 18: "AS4_AGGREGATOR", 26: "AIGP",
         32: "LARGE_COMMUNITY", 35: "OTC"}
CAPS = {1: "multiprotocol", 2: "route-refresh", 5: "extended-next-hop", 6: "extended-message",
        64: "graceful-restart", 65: "4-octet-AS", 69: "add-path", 70: "enhanced-route-refresh",
        71: "long-lived-GR", 73: "hostname"}

def attr_codes(body):
    wl = struct.unpack("!H", body[:2])[0]
    al = struct.unpack("!H", body[2 + wl:4 + wl])[0]
    a = body[4 + wl:4 + wl + al]
    i, out = 0, []
    while i + 3 <= len(a):
        flags, code = a[i], a[i + 1]
        if flags & 0x10:
            ln = struct.unpack("!H", a[i + 2:i + 4])[0]; i += 4 + ln
        else:
            ln = a[i + 2]; i += 3 + ln
        out.append(code)
    return out

def ext_comm_types(body):
    wl = struct.unpack("!H", body[:2])[0]
    al = struct.unpack("!H", body[2 + wl:4 + wl])[0]
    a = body[4 + wl:4 + wl + al]
    i, out = 0, set()
    while i + 3 <= len(a):
        flags, code = a[i], a[i + 1]
        hl = 4 if flags & 0x10 else 3
        ln = struct.unpack("!H", a[i + 2:i + 4])[0] if flags & 0x10 else a[i + 2]
        v = a[i + hl:i + hl + ln]
        if code == 16:
            for k in range(0, len(v) - 7, 8):
                out.add(f"0x{v[k]:02x}{v[k+1]:02x}")
        i += hl + ln
    return out

print(f"# herald-wire test vectors: BGP messages sent by {version} to tests/interop/sink.py,")
print(f"# captured {date} by tests/interop/capture-vectors.sh --write on IPv4 loopback")
print(f"# (127.0.77.0/24). Peer config: {configs} (placeholders = per-run ports).")
print("# Routes: IPv4 + IPv6 unicast with documentation next hops; after the End-of-RIBs the peer")
print("# withdraws 192.0.2.128/25 and 2001:db8:4::/64.")
print("# Format: '#' lines are comments. A '#@ session' line starts a session and gives the decode")
print("# context for the lines after it: sender-as/receiver-as, asn4 (4-octet AS negotiated),")
print("# add-path (families whose NLRI carry a path identifier). Every other line is one message")
print("# received from the peer, in order, in hex with the 19-octet header: the OPEN, then every")
print("# UPDATE (End-of-RIB markers included); KEEPALIVEs are dropped.")
print(f"# Oracle: {peer}.exabgp.jsonl has ExaBGP 5.0.15's `exabgp decode -c")
print("# tests/interop/vector-configs/decode-<session>.conf <hex>` output, one line per UPDATE in")
print("# file order (time/host/pid/ppid normalised).")
all_attrs, all_ec = set(), set()
blocks = []
for name, typ, sender, receiver in SESS:
    info = json.load(open(f"{d}/{name}.json"))
    neg = info["peer_open"]["negotiated"]
    lines = [l.strip() for l in open(f"{d}/{name}.hex") if l.strip()]
    keep = [l for l in lines if int(l[36:38], 16) in (1, 2)]
    n_upd = sum(1 for l in keep if int(l[36:38], 16) == 2)
    attrs = set()
    for l in keep:
        if int(l[36:38], 16) == 2:
            b = bytes.fromhex(l)[19:]
            attrs.update(attr_codes(b)); all_ec.update(ext_comm_types(b))
    all_attrs.update(attrs)
    caps = ",".join(CAPS.get(c, str(c)) for c in info["peer_open"]["capability_codes"])
    ap = ",".join(neg["add_path_receive"]) or "none"
    blocks.append(
        [f"#@ session={name} type={typ} sender-as={sender} receiver-as={receiver} "
         f"asn4={'yes' if neg['asn4'] else 'no'} add-path={ap} "
         f"decode-config=tests/interop/vector-configs/decode-{name}.conf",
         f"# {name}: 1 OPEN + {n_upd} UPDATEs ({len(info['end_of_rib'])} End-of-RIB, "
         f"{info['updates_after_end_of_rib']} withdrawals after them); peer capabilities: {caps}",
         f"# {name}: attributes: " + " ".join(NAMES.get(c, str(c)) for c in sorted(attrs)),
         f"# {name}: sink's OPEN (sent to the peer): {info['sent_open']}"] + keep)
print("# All sessions: attribute type codes seen: " + " ".join(
    f"{c}={NAMES.get(c, '?')}" for c in sorted(all_attrs)))
print("# All sessions: extended community type/subtype seen: " + " ".join(sorted(all_ec)))
for b in blocks:
    print("\n".join(b))
PY
}

decode_oracle() { # PEER : $WORK/<peer>.exabgp.jsonl from $WORK/<peer>.txt
    local peer="$1" session="" line out
    : >"$WORK/$peer.exabgp.jsonl"
    while IFS= read -r line; do
        case "$line" in
            '#@ session='*) session="${line#\#@ session=}"; session="${session%% *}"; continue ;;
            '#'* | '') continue ;;
        esac
        [ "${line:36:2}" = 02 ] || continue
        if ! out="$("$EXABGP" decode -c "$CONF/decode-$session.conf" "$line" 2>&1)" ||
            [ "$(grep -c '^{' <<<"$out")" -ne 1 ]; then
            log "warning: exabgp decode failed for a $peer $session UPDATE; recording the error"
            out="$(python3 -c 'import json,sys; print(json.dumps({"exabgp-decode-error": sys.argv[1]}))' "$out")"
        fi
        grep '^{' <<<"$out" | head -n1 |
            sed -e 's/"time": [0-9.e+-]*/"time": 0.0/' -e 's/"host" : "[^"]*"/"host" : "vectors"/' \
                -e 's/"pid" : [0-9]*/"pid" : 0/' -e 's/"ppid" : [0-9]*/"ppid" : 0/' \
                >>"$WORK/$peer.exabgp.jsonl"
    done <"$WORK/$peer.txt"
}

# compare $WORK/<peer>.txt with the committed one: per session, capabilities and UPDATE count
check_against_committed() { # PEER
    local peer="$1" committed="$VECTORS/$1.txt"
    [ -f "$committed" ] || fail "no committed $committed (run with --write)"
    python3 - "$committed" "$WORK/$peer.txt" <<'PY'
import sys
def sessions(path):
    out, cur = {}, None
    for line in open(path):
        line = line.strip()
        if line.startswith("#@ session="):
            cur = line.split()[1].split("=")[1]
            out[cur] = {"head": " ".join(w for w in line.split()[1:]), "updates": 0}
        elif line.startswith(f"# {cur}: 1 OPEN") and cur:
            out[cur]["caps"] = line.split("peer capabilities: ")[1]
        elif line and not line.startswith("#") and cur and line[36:38] == "02":
            out[cur]["updates"] += 1
    return out
a, b = sessions(sys.argv[1]), sessions(sys.argv[2])
bad = [f"{k}: committed {a.get(k)} != captured {b.get(k)}" for k in sorted(set(a) | set(b))
       if a.get(k) != b.get(k)]
for x in bad:
    print("  mismatch " + x)
sys.exit(1 if bad else 0)
PY
}

declare -A CONFIGS=(
    [bird]="tests/interop/vector-configs/bird.conf (bird -f -c)"
    [gobgp]="tests/interop/vector-configs/gobgp.toml (gobgpd -f) + gobgp-routes.txt (gobgp global rib add)"
    [exabgp]="tests/interop/vector-configs/exabgp.conf + exabgp-withdrawer.sh (exabgp server)"
)

passed=0 failed=0 skipped=0
for peer in "${PEERS[@]}"; do
    log "capturing from $peer"
    t0=$SECONDS
    if ! "available_$peer"; then
        skipped=$((skipped + 1))
        continue
    fi
    "capture_$peer"
    assemble "$peer" "${CONFIGS[$peer]}"
    if [ "$MODE" = write ]; then
        decode_oracle "$peer"
        mkdir -p "$VECTORS"
        cp "$WORK/$peer.txt" "$VECTORS/$peer.txt"
        cp "$WORK/$peer.exabgp.jsonl" "$VECTORS/$peer.exabgp.jsonl"
        log "$peer: wrote $VECTORS/$peer.txt ($(grep -vc '^#' "$VECTORS/$peer.txt") messages) and $peer.exabgp.jsonl ($(wc -l <"$VECTORS/$peer.exabgp.jsonl") lines) in $((SECONDS - t0)) s"
        passed=$((passed + 1))
    elif check_against_committed "$peer"; then
        log "$peer: ok ($((SECONDS - t0)) s)"
        passed=$((passed + 1))
    else
        log "$peer: captured vectors differ in shape from $VECTORS/$peer.txt"
        failed=$((failed + 1))
    fi
done
echo "capture-vectors: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
