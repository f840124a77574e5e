#!/usr/bin/env bash
# herald <-> BIRD 2 interop: TCP-MD5 signatures (RFC 2385), both directions.
#
#   tests/interop/herald-md5.sh          (KEEP_WORK=1 keeps the temp dir; HERALD_TEST_TIMEOUT=S)
#
# One BIRD (strict bind, multihop, hold time 6) and two herald processes: herald-a (active
# neighbors only) and herald-p (passive neighbors only: `passive; listen PORT;` + local-address).
# Addresses 127.0.15.0/24, OS-chosen free ports. One pair of addresses per scenario:
#
#   scen  herald        BIRD          connects  herald key                    BIRD key
#   1     127.0.15.1    127.0.15.2    herald    md5-good-1                    md5-good-1
#   1b    127.0.15.13   127.0.15.14   herald    base64 of it, md5-base64 true md5 good 1b
#   2     127.0.15.3    127.0.15.4    BIRD      md5-good-2 (on the listener)  md5-good-2
#   3     127.0.15.5    127.0.15.6    herald    md5-WRONG-3                   md5-good-3
#   4     127.0.15.7    127.0.15.8    BIRD      md5-WRONG-4 (on the listener) md5-good-4
#   5a    127.0.15.9    127.0.15.10   herald    none                          md5-good-5a
#   5b    127.0.15.11   127.0.15.12   BIRD      none (listener without key)   md5-good-5b
#
# Asserted:
#   0. the kernel accepts TCP_MD5SIG at all (else FAIL with uname and the kernel config);
#   1, 1b, 2. Established in BIRD and in herald's log; the route herald announces is in BIRD's
#      table with herald's next hop; still Established (same "since", one `established` line
#      per peer in herald's log) after the ~8 s window below (KEEPALIVEs every 2 s, signed);
#   3, 4, 5a, 5b (all at once, ~8 s from the moment both sides are up): never Established, in
#      BIRD (polled every 0.3 s, plus BIRD's state log) nor in herald's log, although the
#      connecting side is seen trying (a SYN-SENT socket for that address pair in `ss`); the
#      kernel's counters show why the SYNs were dropped: TCPMD5Failure (3, 4: wrong key),
#      TCPMD5NotFound (5a: unsigned SYN at BIRD's keyed listener), TCPMD5Unexpected (5b: signed
#      SYN at herald's listener that has no key for BIRD's address).
# 1/2 coming up and 5a/5b never coming up are together what proves the keys are really applied
# (herald's socket and its listener, BIRD's) and enforced by this kernel: 3-5 alone would also
# pass if nothing worked at all; a key herald silently failed to set would make 1 or 2 fail; a
# kernel that ignored the keys would let 5a/5b come up.
# Also: no "TCP-MD5" warning and no "connect failed" in herald's logs, no MD5/password error
# in BIRD's log.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
h_init 60 "$@"
require_peer bird birdc python3 ss
h_build

W="$H_WORK"
NEG_WINDOW=8 # seconds the wrong-key/no-key pairs must stay down

# --- 0. does this kernel do TCP-MD5? -----------------------------------------------------------
md5_probe() {
    python3 - <<'EOF'
import socket, struct, sys
TCP_MD5SIG = 14
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
sa = struct.pack("=H", socket.AF_INET) + struct.pack("!H4s", 0, socket.inet_aton("127.0.15.2"))
key = b"probe"
opt = sa.ljust(128, b"\0") + struct.pack("=BBHi", 0, 0, len(key), 0) + key.ljust(80, b"\0")
try:
    s.setsockopt(socket.IPPROTO_TCP, TCP_MD5SIG, opt)
except OSError as e:
    print("setsockopt(TCP_MD5SIG) failed: %s" % e)
    sys.exit(1)
EOF
}
if ! probe="$(md5_probe 2>&1)"; then
    kcfg="$( (zcat /proc/config.gz 2>/dev/null || cat "/boot/config-$(uname -r)" 2>/dev/null) | grep -E 'CONFIG_TCP_MD5SIG|CONFIG_TCP_AO' || echo 'kernel config not available')"
    h_fail "this kernel refuses TCP-MD5, the test cannot run here: $probe; uname -r: $(uname -r); $kcfg"
fi
h_ok "0: the kernel accepts TCP_MD5SIG ($(uname -r))"

# TcpExt MD5 drop counters of this network namespace, as NAME=VALUE lines
md5_counters() {
    awk '$1 == "TcpExt:" {
            if (!h) { for (i = 2; i <= NF; i++) n[i] = $i; h = 1 }
            else for (i = 2; i <= NF; i++) if (n[i] ~ /^TCPMD5(NotFound|Unexpected|Failure)$/) print n[i] "=" $i
         }' /proc/net/netstat
}
declare -A C0=() C1=()
while IFS== read -r k v; do C0[$k]=$v; done < <(md5_counters)
for k in TCPMD5NotFound TCPMD5Unexpected TCPMD5Failure; do
    [ -n "${C0[$k]:-}" ] || h_fail "/proc/net/netstat has no TcpExt $k counter"
done

# --- configs -----------------------------------------------------------------------------------
# BIRD listening ports (every protocol listens on its own address, strict bind) and herald's
# (one OS-chosen free port per address, in one python run: h_free_port costs ~0.1 s a call)
free_ports() {
    python3 - "$@" <<'PY'
import socket, sys
socks = []
for a in sys.argv[1:]:
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind((a, 0))
    socks.append(s)
for s in socks:
    print(s.getsockname()[1])
    s.close()
PY
}
mapfile -t PP < <(free_ports 127.0.15.2 127.0.15.14 127.0.15.6 127.0.15.10 127.0.15.4 127.0.15.8 \
    127.0.15.12 127.0.15.3 127.0.15.7 127.0.15.11)
[ "${#PP[@]}" = 10 ] || h_fail "cannot pick free ports on 127.0.15.x"
P1="${PP[0]}" P1B="${PP[1]}" P3="${PP[2]}" P5A="${PP[3]}" Q2="${PP[4]}" Q4="${PP[5]}" Q5B="${PP[6]}"
P2="${PP[7]}" P4="${PP[8]}" P5B="${PP[9]}"
h_say "ports: BIRD p1=$P1 p1b=$P1B p3=$P3 p5a=$P5A (p2=$Q2 p4=$Q4 p5b=$Q5B); herald-p p2=$P2 p4=$P4 p5b=$P5B"
B64_1B="$(printf '%s' 'md5 good 1b' | base64)"

cat >"$W/bird.conf" <<EOF
# BIRD 2 peer of tests/interop/herald-md5.sh (generated). p1, p1b, p3, p5a passive (herald-a
# connects); p2, p4, p5b active (connect to herald-p's listeners).
router id 192.0.2.15;
log stderr all;

protocol device { }

ipv4 table t1;
ipv4 table t1b;
ipv4 table t2;

template bgp md5_peer {
  strict bind yes;
  multihop;
  hold time 6;
  keepalive time 2;
  connect delay time 1;
  connect retry time 2;
  error wait time 1, 5;
  debug { states, events };
}

protocol bgp p1 from md5_peer {
  passive on;
  local 127.0.15.2 port $P1 as 65000;
  neighbor 127.0.15.1 as 65000;
  password "md5-good-1";
  ipv4 { table t1; import all; export none; };
}

protocol bgp p1b from md5_peer {
  passive on;
  local 127.0.15.14 port $P1B as 65000;
  neighbor 127.0.15.13 as 65000;
  password "md5 good 1b";
  ipv4 { table t1b; import all; export none; };
}

protocol bgp p2 from md5_peer {
  local 127.0.15.4 port $Q2 as 65000;
  neighbor 127.0.15.3 port $P2 as 65000;
  password "md5-good-2";
  ipv4 { table t2; import all; export none; };
}

protocol bgp p3 from md5_peer {
  passive on;
  local 127.0.15.6 port $P3 as 65000;
  neighbor 127.0.15.5 as 65000;
  password "md5-good-3";
  ipv4 { import none; export none; };
}

protocol bgp p4 from md5_peer {
  local 127.0.15.8 port $Q4 as 65000;
  neighbor 127.0.15.7 port $P4 as 65000;
  password "md5-good-4";
  ipv4 { import none; export none; };
}

protocol bgp p5a from md5_peer {
  passive on;
  local 127.0.15.10 port $P5A as 65000;
  neighbor 127.0.15.9 as 65000;
  password "md5-good-5a";
  ipv4 { import none; export none; };
}

protocol bgp p5b from md5_peer {
  local 127.0.15.12 port $Q5B as 65000;
  neighbor 127.0.15.11 port $P5B as 65000;
  password "md5-good-5b";
  ipv4 { import none; export none; };
}
EOF

# herald_neighbor PEER LOCAL ROUTER-ID EXTRA-LINES...: one neighbor block
herald_neighbor() {
    local peer="$1" local_ip="$2" rid="$3" line
    shift 3
    printf 'neighbor %s {\n    router-id %s;\n    local-address %s;\n' "$peer" "$rid" "$local_ip"
    printf '    local-as 65000;\n    peer-as 65000;\n    hold-time 6;\n    family { ipv4 unicast; }\n'
    for line in "$@"; do printf '    %s\n' "$line"; done
    printf '}\n\n'
}

{
    echo "# herald-a of tests/interop/herald-md5.sh (generated): active neighbors only."
    herald_neighbor 127.0.15.2 127.0.15.1 10.0.15.1 'description "1: same key";' \
        "connect $P1;" 'md5-password "md5-good-1";' \
        'static { route 10.15.1.0/24 next-hop 127.0.15.1; }'
    herald_neighbor 127.0.15.14 127.0.15.13 10.0.15.13 'description "1b: same key, base64";' \
        "connect $P1B;" "md5-password \"$B64_1B\";" 'md5-base64 true;' \
        'static { route 10.15.11.0/24 next-hop 127.0.15.13; }'
    herald_neighbor 127.0.15.6 127.0.15.5 10.0.15.5 'description "3: wrong key";' \
        "connect $P3;" 'md5-password "md5-WRONG-3";' \
        'static { route 10.15.3.0/24 next-hop 127.0.15.5; }'
    herald_neighbor 127.0.15.10 127.0.15.9 10.0.15.9 'description "5a: no key, BIRD has one";' \
        "connect $P5A;" \
        'static { route 10.15.5.0/24 next-hop 127.0.15.9; }'
} >"$W/herald-a.conf"

{
    echo "# herald-p of tests/interop/herald-md5.sh (generated): passive neighbors only."
    herald_neighbor 127.0.15.4 127.0.15.3 10.0.15.3 'description "2: same key, BIRD connects";' \
        'passive;' "listen $P2;" 'md5-password "md5-good-2";' \
        'static { route 10.15.2.0/24 next-hop 127.0.15.3; }'
    herald_neighbor 127.0.15.8 127.0.15.7 10.0.15.7 'description "4: wrong key, BIRD connects";' \
        'passive;' "listen $P4;" 'md5-password "md5-WRONG-4";'
    herald_neighbor 127.0.15.12 127.0.15.11 10.0.15.11 'description "5b: no key, BIRD has one and connects";' \
        'passive;' "listen $P5B;"
} >"$W/herald-p.conf"

for f in herald-a herald-p; do
    "$HERALD" check "$W/$f.conf" >"$W/$f.check.log" 2>&1 || h_fail "herald check $f.conf: $(cat "$W/$f.check.log")"
done
h_log_file "$W/bird.conf" "$W/herald-a.conf" "$W/herald-p.conf"

# --- helpers -----------------------------------------------------------------------------------
HA="$W/herald-a.log" HP="$W/herald-p.log" BL="$W/bird.log"

# herald's `established` line for that peer
herald_est() { h_log_has "$1" "established .*peer=${2//./\\.}( |$)"; }
herald_est_count() { h_log_count "$1" "established .*peer=${2//./\\.}( |$)"; }
# herald's log shows a TCP connection with that peer (made or accepted)
herald_tcp() { h_log_has "$1" "(connected|accepted connection) peer=${2//./\\.}( |$)"; }

proto_since() { h_birdc bird show protocols "$1" | awk -v p="$1" '$1 == p { print $5 }'; }
proto_line() { h_birdc bird show protocols "$1" | awk -v p="$1" '$1 == p'; }

# a SYN-SENT socket from SRC to DST:PORT exists
syn_sent() { ss -Htn state syn-sent 2>/dev/null | grep -Eq "[[:space:]]${1//./\\.}:[0-9]+[[:space:]]+${2//./\\.}:$3([[:space:]]|$)"; }

# --- start: herald-p (listeners), BIRD, herald-a -----------------------------------------------
h_herald_start herald-p "$W/herald-p.conf" --control "$W/herald-p.sock"
for a in "127.0.15.3:$P2" "127.0.15.7:$P4" "127.0.15.11:$P5B"; do
    h_wait 10 "herald-p listening on $a" h_log_has "$HP" "listening addr=${a//./\\.}"
done
h_bird_start bird "$W/bird.conf"
h_herald_start herald-a "$W/herald-a.conf" --control "$W/herald-a.sock"
T_UP="$EPOCHREALTIME"
h_say "herald-p, BIRD and herald-a started"

# --- 1, 1b, 2: same key --------------------------------------------------------------------------
check_good() { # LABEL PROTO TABLE HERALD-LOG PEER(herald's view) PREFIX NEXT-HOP
    local label="$1" proto="$2" table="$3" log="$4" peer="$5" prefix="$6" nh="$7" routes
    h_wait 15 "$label: BIRD $proto Established" h_bird_established bird "$proto"
    h_wait 5 "$label: herald's log: established peer=$peer" herald_est "$log" "$peer"
    h_wait 10 "$label: BIRD has $prefix in $table" h_bird_count_is bird "$table" 1
    routes="$(h_birdc bird show route table "$table" all)"
    grep -Fq "$prefix" <<<"$routes" || h_fail "$label: $prefix is not in BIRD's $table:
$routes"
    grep -Eq "BGP\.next_hop: ${nh//./\\.}$" <<<"$routes" || h_fail "$label: $prefix in $table does not have next hop $nh:
$routes"
    h_ok "$label: Established both sides, BIRD has $prefix via $nh ($(proto_line "$proto" | tr -s ' '))"
}
check_good "1 (herald -> BIRD, same key)" p1 t1 "$HA" 127.0.15.2 10.15.1.0/24 127.0.15.1
check_good "1b (herald -> BIRD, same key given in base64)" p1b t1b "$HA" 127.0.15.14 10.15.11.0/24 127.0.15.13
check_good "2 (BIRD -> herald's listener, same key)" p2 t2 "$HP" 127.0.15.4 10.15.2.0/24 127.0.15.3
declare -A SINCE=()
for p in p1 p1b p2; do SINCE[$p]="$(proto_since "$p")"; done

# --- 3, 4, 5a, 5b: wrong key / no key: never Established ----------------------------------------
# proto herald-log herald's-peer connecting-src dst port
NEG=(
    "p3 $HA 127.0.15.6 127.0.15.5 127.0.15.6 $P3"
    "p4 $HP 127.0.15.8 127.0.15.8 127.0.15.7 $P4"
    "p5a $HA 127.0.15.10 127.0.15.9 127.0.15.10 $P5A"
    "p5b $HP 127.0.15.12 127.0.15.12 127.0.15.11 $P5B"
)
declare -A TRIED=() WHAT=(
    [p3]="3 (herald -> BIRD, wrong key)" [p4]="4 (BIRD -> herald's listener, wrong key)"
    [p5a]="5a (herald without key -> BIRD with key)" [p5b]="5b (BIRD with key -> herald's listener without key)"
)
end="$(awk -v t="$T_UP" -v l="$NEG_WINDOW" 'BEGIN { printf "%.3f", t + l }')"
h_say "3/4/5a/5b: watching the wrong-key and no-key pairs until ${NEG_WINDOW} s after the start"
while awk -v t="$EPOCHREALTIME" -v d="$end" 'BEGIN { exit !(t < d) }'; do
    for n in "${NEG[@]}"; do
        read -r proto log peer src dst port <<<"$n"
        if h_bird_established bird "$proto"; then
            h_fail "$proto: Established in BIRD, it must not come up: $(proto_line "$proto")"
        fi
        herald_est "$log" "$peer" && h_fail "$proto: herald logged 'established' for $peer, it must not come up"
        herald_tcp "$log" "$peer" && h_fail "$proto: herald logged a TCP connection with $peer, there must be none"
        [ -n "${TRIED[$proto]:-}" ] || ! syn_sent "$src" "$dst" "$port" || TRIED[$proto]=1
    done
    sleep 0.3
done
for n in "${NEG[@]}"; do
    read -r proto log peer src dst port <<<"$n"
    h_bird_established bird "$proto" && h_fail "$proto: Established in BIRD at the end of the window"
    herald_est "$log" "$peer" && h_fail "$proto: herald logged 'established' for $peer"
    herald_tcp "$log" "$peer" && h_fail "$proto: herald logged a TCP connection with $peer"
    # BIRD's log (debug states, events): no TCP connection, never up
    if grep -E "> $proto: (Connected|Incoming connection .* accepted|BGP session established|State changed to up)" "$BL"; then
        h_fail "$proto: BIRD's log shows a connection or the session up (see above)"
    fi
    [ -n "${TRIED[$proto]:-}" ] ||
        h_fail "$proto: never saw a SYN-SENT socket $src -> $dst:$port: the connecting side did not even try, so 'not Established' proves nothing"
    h_ok "${WHAT[$proto]}: no connection, not Established after ${NEG_WINDOW} s ($src -> $dst:$port tried; BIRD: $(proto_line "$proto" | tr -s ' '))"
done

while IFS== read -r k v; do C1[$k]=$v; done < <(md5_counters)
D_FAIL=$((C1[TCPMD5Failure] - C0[TCPMD5Failure]))
D_NF=$((C1[TCPMD5NotFound] - C0[TCPMD5NotFound]))
D_UNEXP=$((C1[TCPMD5Unexpected] - C0[TCPMD5Unexpected]))
h_say "kernel MD5 drop counters during the run: TCPMD5Failure +$D_FAIL, TCPMD5NotFound +$D_NF, TCPMD5Unexpected +$D_UNEXP"
[ "$D_FAIL" -gt 0 ] || h_fail "3/4: the kernel counted no TCPMD5Failure (segment with a wrong MD5 signature dropped)"
[ "$D_NF" -gt 0 ] || h_fail "5a: the kernel counted no TCPMD5NotFound (unsigned segment at a socket expecting a signature)"
[ "$D_UNEXP" -gt 0 ] || h_fail "5b: the kernel counted no TCPMD5Unexpected (signed segment at a socket without a key)"
h_ok "3/4/5: the kernel dropped the SYNs for MD5 reasons (wrong key, missing signature, unexpected signature)"

# --- the good sessions stayed up through the window (signed KEEPALIVEs every 2 s) ----------------
for p in p1 p1b p2; do
    h_bird_established bird "$p" || h_fail "$p: no longer Established after the window: $(proto_line "$p")"
    [ "$(proto_since "$p")" = "${SINCE[$p]}" ] || h_fail "$p: the session was reset during the window (since ${SINCE[$p]}, now $(proto_since "$p"))"
done
for pair in "$HA 127.0.15.2" "$HA 127.0.15.14" "$HP 127.0.15.4"; do
    read -r log peer <<<"$pair"
    c="$(herald_est_count "$log" "$peer")"
    [ "$c" = 1 ] || h_fail "herald logged $c 'established' lines for $peer, expected 1"
done
h_ok "1/1b/2: still Established after ${NEG_WINDOW} s with hold time 6, no reset"

# --- nobody complained about a key --------------------------------------------------------------
for log in "$HA" "$HP"; do
    if h_log_has "$log" 'TCP-MD5|connect failed'; then
        sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -E 'TCP-MD5|connect failed' >&2
        h_fail "herald logged a TCP-MD5 or connect problem (see above)"
    fi
done
if sed 's/\x1b\[[0-9;]*m//g' "$BL" | grep -Ei 'md5|password|setkey|TCP_SIG|authenticat'; then
    h_fail "BIRD logged a password/MD5 problem (see above)"
fi
h_ok "no TCP-MD5 error from herald or BIRD"
h_done
