# shellcheck shell=bash
# Shared helpers for tests/interop/herald-*.sh (sourced, never run).
#
#   . "$(dirname "$0")/lib.sh"
#   h_init 90 "$@"                 # build herald, then re-run the script under a hard time limit
#                                  # (s; HERALD_TEST_TIMEOUT overrides); temp dir, cleanup trap
#   require_peer bird birdc        # FAIL (HERALD_REQUIRE_PEERS=1) or SKIP when a tool is missing
#   h_build                        # cargo build -q -p herald -> $HERALD (or HERALD_BIN=path);
#                                  # a no-op when h_init already built it
#   port=$(h_free_port 127.0.1.1)  # a free TCP port on that address (OS-chosen)
#   h_start NAME LOG CMD...        # ( exec CMD ) in the background; PID in H_PIDS[NAME]
#   h_stop NAME [SIGNAL]           # signal (TERM), wait for it to exit (KILL after 3 s)
#   h_wait 10 "what" CMD...        # poll CMD every 0.1 s until it succeeds, or fail
#   h_fail "message"               # print FAIL, the logs of every daemon, exit 1
#   h_done                         # last line: only a script that gets there passes
#
# Every daemon is started as `( exec cmd ) &` so the recorded PID is the daemon's own. On exit
# the trap stops every daemon still running; on failure (or timeout) it prints every log that
# was registered (h_start registers its LOG; h_log_file registers more) and keeps the temp dir.
# The whole script runs under `timeout` (h_init re-executes it), which signals the whole process
# group on expiry, daemons included.

H_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
H_INTEROP="$H_ROOT/tests/interop"
H_NAME="$(basename "$0" .sh)"
# cargo's target directory: CARGO_TARGET_DIR when set (relative to the workspace, where h_build
# runs cargo), else the workspace's target/
case "${CARGO_TARGET_DIR:-}" in
"") H_TARGET="$H_ROOT/target" ;;
/*) H_TARGET="$CARGO_TARGET_DIR" ;;
*) H_TARGET="$H_ROOT/$CARGO_TARGET_DIR" ;;
esac
HERALD="${HERALD_BIN:-$H_TARGET/debug/herald}"
H_WORK=""
export H_T0="${H_T0:-${EPOCHREALTIME:-0}}" # kept across the re-exec under timeout
H_FAILED=0
H_DONE=0
H_SKIPPED=0
declare -A H_PIDS=()
H_LOGS=()

h_elapsed() { # seconds since start, one decimal
    local now="${EPOCHREALTIME:-0}"
    awk -v a="$H_T0" -v b="$now" 'BEGIN { printf "%.1f", b - a }'
}

h_say() { printf '[%s %ss] %s\n' "$H_NAME" "$(h_elapsed)" "$*" >&2; }

h_ok() { printf '[%s %ss] ok: %s\n' "$H_NAME" "$(h_elapsed)" "$*" >&2; }

h_fail() {
    printf '\n[%s %ss] FAIL: %s\n' "$H_NAME" "$(h_elapsed)" "$*" >&2
    H_FAILED=1
    exit 1
}

# h_init LIMIT: run the rest of the script under `timeout LIMIT` (HERALD_TEST_TIMEOUT overrides),
# create the temp dir and install the cleanup trap.
h_init() {
    local limit="${HERALD_TEST_TIMEOUT:-${1:-90}}"
    shift || true
    if [ -z "${H_UNDER_TIMEOUT:-}" ] && command -v timeout >/dev/null 2>&1; then
        # build first, outside the time limit (a cold debug build can take minutes)
        h_build
        export H_UNDER_TIMEOUT=1 H_BUILT=1
        exec timeout -k 10 "$limit" "$0" "$@"
    fi
    export NO_COLOR=1
    H_WORK="$(mktemp -d "${TMPDIR:-/tmp}/$H_NAME.XXXXXX")"
    trap h_cleanup EXIT
    trap 'h_fail "interrupted"' INT
    trap 'h_fail "timed out (limit ${HERALD_TEST_TIMEOUT:-$limit} s; set HERALD_TEST_TIMEOUT to change)"' TERM
    h_say "work dir $H_WORK"
}

h_log_file() { H_LOGS+=("$@"); }

# h_done: the last line of every test script. An exit without it (an `exit 0` in the middle,
# a signal) counts as a failure.
h_done() { H_DONE=1; }

h_cleanup() {
    local rc=$?
    set +e
    trap - TERM INT
    local name
    for name in "${!H_PIDS[@]}"; do
        h_stop "$name" TERM 2>/dev/null
    done
    if [ "$rc" -eq 0 ] && [ "$H_FAILED" -eq 0 ] && [ "$H_DONE" -ne 1 ]; then
        printf '\n[%s] FAIL: the script stopped before its end (signal or early exit)\n' "$H_NAME" >&2
        rc=1
    fi
    if [ "$rc" -ne 0 ] || [ "$H_FAILED" -ne 0 ]; then
        local f
        for f in "${H_LOGS[@]}"; do
            [ -e "$f" ] || continue
            printf '\n----- %s (last 200 lines) -----\n' "${f#"$H_WORK"/}" >&2
            tail -n 200 "$f" | sed 's/\x1b\[[0-9;]*m//g' >&2
        done
        printf '\n[%s] FAILED after %ss; work dir kept: %s\n' "$H_NAME" "$(h_elapsed)" "$H_WORK" >&2
        [ "$rc" -ne 0 ] || rc=1
    else
        if [ -n "$H_WORK" ] && [ -z "${KEEP_WORK:-}" ]; then
            rm -rf "$H_WORK"
        fi
        if [ "$H_SKIPPED" = 1 ]; then
            printf '[%s] SKIPPED\n' "$H_NAME" >&2
        else
            printf '[%s] PASS in %ss\n' "$H_NAME" "$(h_elapsed)" >&2
        fi
    fi
    exit "$rc"
}

# require_peer CMD...: every CMD must be runnable (PATH, /usr/sbin, or an absolute path).
require_peer() {
    local c missing=()
    for c in "$@"; do
        if [ -x "$c" ] || command -v "$c" >/dev/null 2>&1 || [ -x "/usr/sbin/$c" ]; then
            continue
        fi
        missing+=("$c")
    done
    [ "${#missing[@]}" -eq 0 ] && return 0
    if [ "${HERALD_REQUIRE_PEERS:-0}" = 1 ]; then
        h_fail "missing ${missing[*]} (HERALD_REQUIRE_PEERS=1; run scripts/install-test-deps.sh)"
    fi
    printf '[%s] SKIP: missing %s (run scripts/install-test-deps.sh)\n' "$H_NAME" "${missing[*]}" >&2
    H_DONE=1 H_SKIPPED=1
    exit 0
}

# The ExaBGP 5.0.15 executable: $HERALD_EXABGP, else the venv scripts/install-test-deps.sh makes.
h_exabgp_path() {
    if [ -n "${HERALD_EXABGP:-}" ]; then
        printf '%s\n' "$HERALD_EXABGP"
    else
        printf '%s\n' "${HERALD_TEST_VENV:-$HOME/.cache/herald/exabgp-venv}/bin/exabgp"
    fi
}

# require_exabgp: sets EXABGP, checks it is 5.0.15 (the version herald is compared with).
require_exabgp() {
    EXABGP="$(h_exabgp_path)"
    require_peer "$EXABGP"
    local v
    v="$("$EXABGP" version 2>/dev/null | sed -n 's/^ExaBGP *: *//p' | head -n 1)"
    if [ "$v" != "5.0.15" ]; then
        if [ "${HERALD_REQUIRE_PEERS:-0}" = 1 ]; then
            h_fail "$EXABGP is ExaBGP '${v:-unknown}', wanted 5.0.15 (run scripts/install-test-deps.sh)"
        fi
        printf '[%s] SKIP: %s is ExaBGP %s, wanted 5.0.15\n' "$H_NAME" "$EXABGP" "${v:-unknown}" >&2
        H_DONE=1 H_SKIPPED=1
        exit 0
    fi
}

# h_build: cargo build -q -p herald (debug). HERALD_BIN=/path/to/herald uses that binary instead.
h_build() {
    [ -z "${H_BUILT:-}" ] || return 0
    if [ -n "${HERALD_BIN:-}" ]; then
        [ -x "$HERALD" ] || h_fail "HERALD_BIN=$HERALD is not executable"
        h_say "using HERALD_BIN=$HERALD (no build)"
        return 0
    fi
    h_say "cargo build -q -p herald"
    if [ -f "$HOME/.cargo/env" ] && ! command -v cargo >/dev/null 2>&1; then
        # shellcheck disable=SC1091
        . "$HOME/.cargo/env"
    fi
    (cd "$H_ROOT" && cargo build -q -p herald) || h_fail "cargo build -p herald failed"
    [ -x "$HERALD" ] || h_fail "$HERALD missing after the build"
}

# h_free_port ADDR: a TCP port the OS considers free on ADDR (bound and released at once).
h_free_port() {
    python3 - "$1" <<'EOF'
import socket, sys
addr = sys.argv[1]
fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
s = socket.socket(fam, socket.SOCK_STREAM)
s.bind((addr, 0))
print(s.getsockname()[1])
s.close()
EOF
}

# h_free_ports ADDR N: N distinct free ports on ADDR, one per line.
h_free_ports() {
    python3 - "$1" "$2" <<'EOF'
import socket, sys
addr, n = sys.argv[1], int(sys.argv[2])
fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
socks = []
for _ in range(n):
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.bind((addr, 0))
    socks.append(s)
for s in socks:
    print(s.getsockname()[1])
for s in socks:
    s.close()
EOF
}

# h_start NAME LOG CMD...: start CMD in the background (stdout+stderr to LOG), cwd $H_WORK.
h_start() {
    local name="$1" log="$2"
    shift 2
    if [ -n "${H_PIDS[$name]:-}" ] && kill -0 "${H_PIDS[$name]}" 2>/dev/null; then
        h_fail "h_start $name: already running (pid ${H_PIDS[$name]})"
    fi
    case " ${H_LOGS[*]-} " in *" $log "*) ;; *) H_LOGS+=("$log") ;; esac
    (cd "$H_WORK" && exec "$@") >>"$log" 2>&1 &
    H_PIDS[$name]=$!
}

h_pid() { printf '%s\n' "${H_PIDS[$1]:-}"; }

h_alive() { local p="${H_PIDS[$1]:-}"; [ -n "$p" ] && kill -0 "$p" 2>/dev/null; }

# h_stop NAME [SIGNAL]: send SIGNAL (TERM) and wait up to 3 s, then KILL.
h_stop() {
    local name="$1" sig="${2:-TERM}" pid="${H_PIDS[$1]:-}" i
    [ -n "$pid" ] || return 0
    kill -s "$sig" "$pid" 2>/dev/null || true
    for i in $(seq 1 30); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        kill -s KILL "$pid" 2>/dev/null || true
    fi
    { wait "$pid"; } 2>/dev/null || true
    unset "H_PIDS[$name]"
}

# h_exit_status NAME: wait (up to 5 s) for the daemon to exit; its exit status goes to H_RC
# ("running" if it did not exit). Must run in the main shell (not in $(...)).
h_exit_status() {
    local name="$1" pid="${H_PIDS[$1]:-}" i
    H_RC=""
    [ -n "$pid" ] || h_fail "h_exit_status: $name was not started"
    for i in $(seq 1 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        H_RC=running
        return 0
    fi
    H_RC=0
    { wait "$pid"; } 2>/dev/null || H_RC=$?
    unset "H_PIDS[$name]"
}

# h_wait SECONDS WHAT CMD...: poll CMD (quietly) every 0.1 s until it succeeds.
h_wait() {
    local limit="$1" what="$2"
    shift 2
    local deadline
    deadline="$(awk -v t="${EPOCHREALTIME}" -v l="$limit" 'BEGIN { printf "%.3f", t + l }')"
    while ! "$@" >/dev/null 2>&1; do
        if awk -v t="${EPOCHREALTIME}" -v d="$deadline" 'BEGIN { exit !(t > d) }'; then
            h_fail "timed out after ${limit}s waiting for: $what"
        fi
        sleep 0.1
    done
}

# h_wait_quiet SECONDS CMD...: like h_wait, but returns 1 on timeout instead of failing.
h_wait_quiet() {
    local limit="$1" end
    shift
    end="$(awk -v t="$EPOCHREALTIME" -v l="$limit" 'BEGIN { printf "%.3f", t + l }')"
    until "$@" >/dev/null 2>&1; do
        awk -v t="$EPOCHREALTIME" -v d="$end" 'BEGIN { exit !(t > d) }' && return 1
        sleep 0.1
    done
}

# h_log_has FILE REGEX: the log (ANSI colours stripped) has a line matching the extended regex.
h_log_has() { sed 's/\x1b\[[0-9;]*m//g' "$1" 2>/dev/null | grep -Eq -- "$2"; }

# h_log_count FILE REGEX: number of matching lines.
h_log_count() {
    local n
    n="$(sed 's/\x1b\[[0-9;]*m//g' "$1" 2>/dev/null | grep -Ec -- "$2" || true)"
    printf '%s\n' "${n:-0}"
}

# h_render TEMPLATE OUT KEY=VALUE...: copy TEMPLATE replacing every @KEY@.
h_render() {
    local tpl="$1" out="$2"
    shift 2
    python3 - "$tpl" "$out" "$@" <<'EOF' || h_fail "cannot render $1"
import sys, re
tpl, out, *kv = sys.argv[1:]
text = open(tpl).read()
for item in kv:
    k, v = item.split("=", 1)
    text = text.replace("@" + k + "@", v)
left = sorted(set(re.findall(r"@[A-Z0-9_]+@", text)))
if left:
    sys.exit("unfilled placeholders in %s: %s" % (tpl, " ".join(left)))
open(out, "w").write(text)
EOF
}

# ---- BIRD -----------------------------------------------------------------------------------

# h_bird_start NAME CONF: start `bird -f` with its control socket $H_WORK/NAME.ctl, wait for it.
h_bird_start() {
    local name="$1" conf="$2"
    bird -p -c "$conf" >"$H_WORK/$name.parse.log" 2>&1 ||
        h_fail "bird rejected $conf: $(cat "$H_WORK/$name.parse.log")"
    h_start "$name" "$H_WORK/$name.log" bird -f -c "$conf" -s "$H_WORK/$name.ctl" -P "$H_WORK/$name.pid"
    h_wait 10 "BIRD $name control socket" birdc -s "$H_WORK/$name.ctl" show status
}

# h_birdc NAME ARGS...: birdc on that BIRD's socket (5 s limit), banner line removed.
h_birdc() {
    local name="$1"
    shift
    timeout 5 birdc -s "$H_WORK/$name.ctl" "$@" | sed '/^BIRD [0-9.]* ready\.$/d'
}

# h_bird_established NAME PROTO: the protocol is Established.
h_bird_established() {
    h_birdc "$1" show protocols "$2" | awk -v p="$2" '$1 == p && /Established/ { ok = 1 } END { exit !ok }'
}

# h_bird_count NAME TABLE: number of routes in TABLE ("" if the table is unknown).
h_bird_count() {
    h_birdc "$1" show route table "$2" count |
        sed -n 's/^\([0-9][0-9]*\) of [0-9][0-9]* routes for .*/\1/p' | head -n 1
}

h_bird_count_is() { [ "$(h_bird_count "$1" "$2")" = "$3" ]; }

# ---- GoBGP (each script defines `gobgp_`: the gobgp CLI on its daemon's API address) ----------

# h_gobgp_established NEIGHBOR: GoBGP's session with NEIGHBOR is Established.
h_gobgp_established() {
    gobgp_ -j neighbor "$1" | python3 -c '
import json, sys
sys.exit(0 if json.load(sys.stdin).get("state", {}).get("session_state") == 6 else 1)'
}

# h_gobgp_paths FAMILY: number of paths in GoBGP's global RIB for FAMILY (gobgp's -a word).
h_gobgp_paths() {
    gobgp_ -j global rib -a "$1" | python3 -c '
import json, sys
t = sys.stdin.read().strip()
print(sum(len(v) for v in json.loads(t).values()) if t else 0)'
}

# ---- herald ---------------------------------------------------------------------------------

# h_herald_start NAME CONF [ARGS...]: `herald run CONF --log-level info ARGS...`, log $H_WORK/NAME.log.
h_herald_start() {
    local name="$1" conf="$2"
    shift 2
    h_start "$name" "$H_WORK/$name.log" "$HERALD" run "$conf" --log-level info "$@"
}

# h_free_port_both ADDR1 ADDR2: a TCP port free on both addresses.
h_free_port_both() {
    python3 - "$1" "$2" <<'PY'
import socket, sys
a1, a2 = sys.argv[1], sys.argv[2]
def sock(a):
    return socket.socket(socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM)
for _ in range(100):
    s1 = sock(a1)
    s1.bind((a1, 0))
    port = s1.getsockname()[1]
    s2 = sock(a2)
    try:
        s2.bind((a2, port))
    except OSError:
        s1.close(); s2.close()
        continue
    s1.close(); s2.close()
    print(port)
    sys.exit(0)
sys.exit("no port free on both %s and %s" % (a1, a2))
PY
}

# h_no_wildcard_listen NAME: fail if the daemon listens on 0.0.0.0, [::] or *.
h_no_wildcard_listen() {
    local pid="${H_PIDS[$1]:-}" bad
    [ -n "$pid" ] || return 0
    bad="$(ss -Hltnp 2>/dev/null | grep -E "pid=$pid," | awk '{ print $4 }' | grep -E '^(0\.0\.0\.0|\[::\]|\*):' || true)"
    [ -z "$bad" ] || h_fail "$1 (pid $pid) listens on a wildcard address: $bad"
}
