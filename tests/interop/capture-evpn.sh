#!/usr/bin/env bash
# Capture EVPN (AFI 25 / SAFI 70; RFC 7432 route types 1-4, RFC 9136 type 5) UPDATEs from GoBGP 3
# as test vectors for herald-wire and herald-api.
#
#   tests/interop/capture-evpn.sh [--check|--write]
#
# One gobgpd (AS 65001, 127.0.18.1, passive, its own free port and gRPC port) gets the routes of
# tests/interop/vector-configs/gobgp-evpn-routes.txt (`gobgp global rib -a evpn add …`); two
# tests/interop/sink.py instances connect to it and record what it sends:
#   evpn          127.0.18.2  IBGP, no ADD-PATH
#   evpn-addpath  127.0.18.3  IBGP, ADD-PATH receive (GoBGP sends path identifiers)
# After their End-of-RIB GoBGP withdraws two routes (`gobgp global rib -a evpn del …`).
#
# --write  (re)writes crates/herald-wire/tests/vectors/gobgp-evpn.txt (the format of the other
#          vector files, see tests/interop/README.md) and gobgp-evpn.exabgp.jsonl: for every
#          UPDATE, in order, the line printed by
#            exabgp decode -c tests/interop/vector-configs/decode-<session>.conf <hex>
#          (ExaBGP 5.0.15) with "time"/"host"/"pid"/"ppid" normalised.
# --check  (default; what scripts/test runs): capture into a temp dir and check that each
#          session sends as many UPDATEs as the committed file and that every captured UPDATE
#          is byte for byte one of the committed ones (GoBGP's order may vary). Nothing in the
#          repository is changed.
#
# Environment: HERALD_EXABGP (default ${HERALD_TEST_VENV:-$HOME/.cache/herald/exabgp-venv}/bin/exabgp),
# CAPTURE_TIMEOUT (seconds per phase, default 30), KEEP_WORK=1 keeps the temp dir,
# HERALD_REQUIRE_PEERS=1 makes a missing GoBGP a failure instead of a skip.
# Only 127.0.18.1-3 are bound or contacted; every process started is killed on exit.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
HERE="$ROOT/tests/interop"
CONF="$HERE/vector-configs"
SINK="$HERE/sink.py"
VECTORS="$ROOT/crates/herald-wire/tests/vectors"
EXABGP="${HERALD_EXABGP:-${HERALD_TEST_VENV:-$HOME/.cache/herald/exabgp-venv}/bin/exabgp}"
TIMEOUT="${CAPTURE_TIMEOUT:-30}"
ADDR=127.0.18.1

MODE=check
for arg in "$@"; do
    case "$arg" in
        --check) MODE=check ;;
        --write) MODE=write ;;
        -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "capture-evpn: unknown argument '$arg'" >&2; exit 64 ;;
    esac
done

log() { printf 'capture-evpn: %s\n' "$*" >&2; }
fail() { log "FAIL: $*"; exit 1; }

if ! command -v gobgpd >/dev/null 2>&1 || ! command -v gobgp >/dev/null 2>&1; then
    [ "${HERALD_REQUIRE_PEERS:-0}" = 1 ] && fail "gobgpd/gobgp not found (run scripts/install-test-deps.sh)"
    log "SKIP: gobgpd/gobgp not found"
    exit 0
fi
if [ "$MODE" = write ] && [ ! -x "$EXABGP" ]; then
    fail "--write needs ExaBGP 5.0.15 at $EXABGP for the oracle"
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/herald-evpn.XXXXXX")"
PIDS=()
cleanup() {
    local rc=$? p
    for p in ${PIDS[@]+"${PIDS[@]}"}; do kill "$p" 2>/dev/null || true; done
    for p in ${PIDS[@]+"${PIDS[@]}"}; do wait "$p" 2>/dev/null || true; done
    if [ "${KEEP_WORK:-0}" = 1 ] || [ "$rc" -ne 0 ]; then
        log "work dir kept: $WORK"
    else
        rm -rf "$WORK"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
    python3 -c 'import socket,sys; s=socket.socket(); s.bind((sys.argv[1],0)); print(s.getsockname()[1]); s.close()' "$1"
}

wait_files() { # WHAT FILE...
    local what="$1"; shift
    local deadline=$((SECONDS + TIMEOUT)) f missing
    while :; do
        missing=0
        for f in "$@"; do [ -e "$f" ] || missing=1; done
        [ "$missing" -eq 0 ] && return 0
        [ "$SECONDS" -ge "$deadline" ] && fail "timeout waiting for $what ($*)"
        sleep 0.05
    done
}

SESSIONS=(evpn evpn-addpath)
declare -A SINK_ADDR=([evpn]=127.0.18.2 [evpn-addpath]=127.0.18.3)
declare -A SINK_FLAGS=([evpn]="" [evpn-addpath]="--add-path")

port="$(free_port "$ADDR")"
api="$(free_port "$ADDR")"
[ "$port" != "$api" ] || api="$(free_port "$ADDR")"
sed "s#@PORT_GOBGP@#$port#" "$CONF/gobgp-evpn.toml" >"$WORK/gobgp.toml"
(cd "$WORK" && exec gobgpd -f "$WORK/gobgp.toml" --api-hosts "$ADDR:$api" --pprof-disable \
    --log-plain >"$WORK/daemon.log" 2>&1) &
PIDS+=("$!")
g=(gobgp -u "$ADDR" -p "$api")
deadline=$((SECONDS + TIMEOUT))
until "${g[@]}" global >/dev/null 2>&1; do
    kill -0 "${PIDS[0]}" 2>/dev/null || { cat "$WORK/daemon.log" >&2; fail "gobgpd exited"; }
    [ "$SECONDS" -lt "$deadline" ] || fail "gobgpd API not ready"
    sleep 0.1
done
while IFS= read -r line; do
    case "$line" in '' | '#'*) continue ;; esac
    # shellcheck disable=SC2206
    args=($line)
    "${g[@]}" global rib -a evpn add "${args[@]}" || fail "gobgp global rib -a evpn add $line"
done <"$CONF/gobgp-evpn-routes.txt"

SINKS=()
for s in "${SESSIONS[@]}"; do
    # shellcheck disable=SC2086
    (exec python3 "$SINK" --connect "$ADDR:$port" --bind "${SINK_ADDR[$s]}" --asn 65001 \
        --out "$WORK/$s.hex" --info "$WORK/$s.json" --timeout "$((TIMEOUT * 2))" \
        --eor-file "$WORK/$s.eor" --after-eor 2 ${SINK_FLAGS[$s]} 2>"$WORK/$s.log") &
    PIDS+=("$!")
    SINKS+=("$!")
done
wait_files "End-of-RIB from GoBGP" "$WORK/evpn.eor" "$WORK/evpn-addpath.eor"
"${g[@]}" global rib -a evpn del multicast 2001:db8::18 etag 0 rd 65000:2
"${g[@]}" global rib -a evpn del macadv 00:11:22:33:44:66 2001:db8::1 esi ARBITRARY 11:22:33:44:55:66:77:88:99 etag 200 label 2000,3000 rd 192.0.2.1:5
rc=0
for p in "${SINKS[@]}"; do wait "$p" || rc=1; done
[ "$rc" -eq 0 ] || { cat "$WORK"/*.log >&2; fail "a sink did not see End-of-RIB + 2 withdrawals"; }

version="GoBGP $(gobgpd --version 2>&1 | sed -n 's/^gobgpd version //p')"
python3 - "$WORK" "$version" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >"$WORK/gobgp-evpn.txt" <<'PY'
import json, sys
d, version, date = sys.argv[1:4]
CAPS = {1: "multiprotocol", 2: "route-refresh", 5: "extended-next-hop", 64: "graceful-restart",
        65: "4-octet-AS", 69: "add-path", 73: "hostname"}
print(f"# herald-wire test vectors: EVPN UPDATEs sent by {version} to tests/interop/sink.py,")
print(f"# captured {date} by tests/interop/capture-evpn.sh --write on IPv4 loopback")
print("# (127.0.18.1 -> .2/.3). Peer config: tests/interop/vector-configs/gobgp-evpn.toml (gobgpd -f)")
print("# + gobgp-evpn-routes.txt (gobgp global rib -a evpn add; placeholders = per-run ports).")
print("# Routes: every EVPN route type (RFC 7432 types 1-4, RFC 9136 type 5); after the End-of-RIB")
print("# the peer withdraws the multicast route of 2001:db8::18 and the MAC/IP route of 00:11:22:33:44:66.")
print("# Format as crates/herald-wire/tests/vectors/gobgp.txt (see tests/interop/README.md).")
print("# Oracle: gobgp-evpn.exabgp.jsonl has ExaBGP 5.0.15's `exabgp decode -c")
print("# tests/interop/vector-configs/decode-<session>.conf <hex>` output, one line per UPDATE in")
print("# file order (time/host/pid/ppid normalised).")
for name in ("evpn", "evpn-addpath"):
    info = json.load(open(f"{d}/{name}.json"))
    neg = info["peer_open"]["negotiated"]
    lines = [l.strip() for l in open(f"{d}/{name}.hex") if l.strip()]
    keep = [l for l in lines if int(l[36:38], 16) in (1, 2)]
    n_upd = sum(1 for l in keep if int(l[36:38], 16) == 2)
    caps = ",".join(CAPS.get(c, str(c)) for c in info["peer_open"]["capability_codes"])
    ap = ",".join("l2vpn/evpn" if f == "25/70" else f for f in neg["add_path_receive"]) or "none"
    print(f"#@ session={name} type=IBGP sender-as=65001 receiver-as=65001 "
          f"asn4={'yes' if neg['asn4'] else 'no'} add-path={ap} "
          f"decode-config=tests/interop/vector-configs/decode-{name}.conf")
    print(f"# {name}: 1 OPEN + {n_upd} UPDATEs ({len(info['end_of_rib'])} End-of-RIB, "
          f"{info['updates_after_end_of_rib']} withdrawals after it); peer capabilities: {caps}")
    print(f"# {name}: sink's OPEN (sent to the peer): {info['sent_open']}")
    print("\n".join(keep))
PY

if [ "$MODE" = write ]; then
    : >"$WORK/gobgp-evpn.exabgp.jsonl"
    session=""
    while IFS= read -r line; do
        case "$line" in
            '#@ session='*) session="${line#\#@ session=}"; session="${session%% *}"; continue ;;
            '#'* | '') continue ;;
        esac
        [ "${line:36:2}" = 02 ] || continue
        if ! out="$("$EXABGP" decode -c "$CONF/decode-$session.conf" "$line" 2>&1)" ||
            [ "$(grep -c '^{' <<<"$out")" -ne 1 ]; then
            log "warning: exabgp decode failed for a $session UPDATE; recording the error"
            out="$(python3 -c 'import json,sys; print(json.dumps({"exabgp-decode-error": sys.argv[1]}))' "$out")"
        fi
        grep '^{' <<<"$out" | head -n1 |
            sed -e 's/"time": [0-9.e+-]*/"time": 0.0/' -e 's/"host" : "[^"]*"/"host" : "vectors"/' \
                -e 's/"pid" : [0-9]*/"pid" : 0/' -e 's/"ppid" : [0-9]*/"ppid" : 0/' \
                >>"$WORK/gobgp-evpn.exabgp.jsonl"
    done <"$WORK/gobgp-evpn.txt"
    cp "$WORK/gobgp-evpn.txt" "$WORK/gobgp-evpn.exabgp.jsonl" "$VECTORS/"
    log "wrote $VECTORS/gobgp-evpn.txt ($(grep -vc '^#' "$VECTORS/gobgp-evpn.txt") messages) and gobgp-evpn.exabgp.jsonl ($(wc -l <"$VECTORS/gobgp-evpn.exabgp.jsonl") lines)"
    exit 0
fi

committed="$VECTORS/gobgp-evpn.txt"
[ -f "$committed" ] || fail "no committed $committed (run with --write)"
python3 - "$committed" "$WORK/gobgp-evpn.txt" <<'PY' || fail "captured EVPN UPDATEs differ from $committed"
import sys
def sessions(path):
    out, cur = {}, None
    for line in open(path):
        line = line.strip()
        if line.startswith("#@ session="):
            cur = line.split()[1].split("=")[1]
            out[cur] = []
        elif line and not line.startswith("#") and cur and line[36:38] == "02":
            out[cur].append(line)
    return out
a, b = sessions(sys.argv[1]), sessions(sys.argv[2])
bad = False
for k in sorted(set(a) | set(b)):
    ca, cb = a.get(k, []), b.get(k, [])
    if len(ca) != len(cb) or sorted(ca) != sorted(cb):
        bad = True
        print(f"  {k}: committed {len(ca)} UPDATEs, captured {len(cb)}; "
              f"{len(set(cb) - set(ca))} captured UPDATEs are not in the committed file")
sys.exit(1 if bad else 0)
PY
log "ok: the captured EVPN UPDATEs are the committed ones"
