#!/usr/bin/env bash
# Parity for flow specification rules (RFC 8955 IPv4, RFC 8956 IPv6, SAFI 133; flow-vpn SAFI 134):
# "For the same config, a router must end up holding the same routes whether ExaBGP or herald
# announced them."
#
#   tests/interop/herald-parity-flow.sh     (KEEP_WORK=1 keeps the temp dir; HERALD_TEST_TIMEOUT=S)
#
# configs/herald-parity-flow/parity-flow.conf (IPv4 and IPv6 rules with every component: source,
# destination, IPv6 prefix offsets, protocol/next-header, port, destination-port, source-port,
# icmp-type, icmp-code, tcp-flags (1- and 2-octet), packet-length, dscp/traffic-class, fragment,
# flow-label; numeric operators with and, ranges, lists, true/false, 1/2/4-octet values; bitmask
# operators !, =, != and and; every action: traffic-rate in bytes and in packets, discard,
# traffic-action sample/terminal/both, redirect to VRF with a 2-octet AS, a 4-octet AS and an
# IPv4 address, traffic-marking, redirect to IP (next-hop form, IPv4 and IPv6), copy to IP,
# redirect-to-nexthop with a configured next hop and with `next-hop self`, the IETF redirect-to-IP
# communities, interface-set, accept, plus communities, large communities and route targets;
# flow-vpn rules under RDs of all three types; named, one-line and `announce` forms; IBGP and
# EBGP, IPv4 and IPv6 transport) is rendered once with free ports. Then, twice:
#   1. ExaBGP 5.0.15 runs with it (it connects: `connect PORT;`), against a fresh BIRD 2
#      (IBGP + EBGP sessions; one flow4 and one flow6 table each), a fresh GoBGP 3 (IBGP over
#      IPv4, EBGP over IPv6; ipv4/ipv6-flowspec, l3vpn-ipv4/ipv6-flowspec) and sink.py (IBGP;
#      records every UPDATE). Once BIRD has every End-of-RIB, the sink has exited after its
#      End-of-RIBs and both receivers hold the expected number of rules (or 10 s later, so that
#      a difference is shown), the tables are dumped: `birdc show route table T all` and
#      `gobgp -j global rib -a ipv4-flowspec|ipv6-flowspec|ipv4-l3vpn-flowspec|
#      ipv6-l3vpn-flowspec`, normalised by flowrib.py below (rules sorted; no time stamps,
#      protocol names, age, best or source-id; GoBGP's components rendered with every operator
#      bit, its flowspec extended communities by name), and the sink's UPDATEs one line per
#      NLRI (family, NLRI octets, MP_REACH next hop, every other attribute's flags, type and
#      octets): how herald and ExaBGP pack rules into UPDATEs may differ, what each rule carries
#      may not. Everything is stopped.
#   2. herald runs with the SAME file against fresh receivers on the same ports; same dumps.
# The BIRD, GoBGP and sink dumps must be identical (diff -u shown otherwise). Each run must also
# hold exactly the expected number of rules per BIRD table / GoBGP family / sink family and the
# blocks of configs/herald-parity-flow/expect-{gobgp,bird}.txt (every component, operator,
# action and attribute of 28 GoBGP paths and 21 BIRD routes, exactly) and the lines of expect-sink.txt (next
# hops and action octets), so two runs that both send nothing (or the same wrong thing) cannot
# pass. On a difference the dumps of both runs stay in the work dir.
#
# Receiver limitations (each receiver gets only what it takes: parity-flow.conf's neighbor blocks):
# * BIRD 2.0.12 has no flow-vpn (SAFI 134) channel: the flow-vpn rules go to GoBGP and the sink.
#   It cuts a long rule short in `show route` (`fragment ! ...}`), shows no next hop for flow
#   rules, and places an IPv6 offset pattern at whole octets, so the rules with offset 33 and 60
#   show shifted (`::11:2345:6789:8000:0/104 offset 60` for RFC 8956 3.8.2's
#   ::1:1234:5678:9800:0/104-60; fixed in later BIRD): compared, not in expect-bird.txt.
# * GoBGP 3.10 reads LENGTH/8 pattern octets of an IPv6 prefix whatever its offset (RFC 8956
#   3.1), so a rule with a non-zero offset loses its next component or does not parse: the
#   offset rules go to BIRD and the sink only. GoBGP shows every flow next hop as 0.0.0.0 / ::,
#   and the traffic-rate-packets (0x800c), redirect-to-nexthop (0x0800) and interface-set
#   (0x0702) communities as opaque values (rendered from their octets below).
# * Next hops (redirect IP, copy IP, redirect-to-nexthop, next-hop self) are therefore checked at
#   the sink only.
# * The redirect-to-VRF IPv4-address form (0x8108) is a raw extended community in the config:
#   ExaBGP 5.0.15 refuses `redirect 192.0.2.10:5`.
# * ExaBGP 5.0.15 leaks routes between templates when a neighbor inherits two of them, so the
#   config has one template and repeats the receiver-specific rules in the neighbor blocks (see
#   parity-flow.conf).
# Addresses 127.0.19.0/24 and ::1.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
h_init 120 "$@"
require_peer bird birdc gobgpd gobgp python3 ss
require_exabgp
h_build

CONF="$H_INTEROP/configs/herald-parity-flow"
W="$H_WORK"

PORT_BIRD_IBGP="$(h_free_port 127.0.19.1)"
PORT_BIRD_EBGP="$(h_free_port 127.0.19.3)"
PORT_GOBGP="$(h_free_port_both 127.0.19.5 ::1)"
API_GOBGP="$(h_free_port 127.0.19.5)"
[ "$API_GOBGP" != "$PORT_GOBGP" ] || API_GOBGP="$(h_free_port 127.0.19.5)"
PORT_SINK="$(h_free_port 127.0.19.7)"
PORTS=(PORT_BIRD_IBGP="$PORT_BIRD_IBGP" PORT_BIRD_EBGP="$PORT_BIRD_EBGP" PORT_GOBGP="$PORT_GOBGP"
    PORT_SINK="$PORT_SINK")
h_say "ports: ${PORTS[*]} GoBGP API $API_GOBGP"
h_render "$CONF/parity-flow.conf" "$W/parity-flow.conf" "${PORTS[@]}"
"$HERALD" check "$W/parity-flow.conf" >"$W/herald-check.log" 2>&1 ||
    h_fail "herald check parity-flow.conf: $(cat "$W/herald-check.log")"
(cd "$W" && env exabgp_log_enable=false "$EXABGP" validate "$W/parity-flow.conf") >"$W/exabgp-validate.log" 2>&1 ||
    h_fail "exabgp validate parity-flow.conf: $(cat "$W/exabgp-validate.log")"
if grep -qiE 'warn|defined again' "$W/herald-check.log"; then
    # not a failure by itself: the comparison below shows what the receivers get
    h_say "herald check warns: $(grep -iE 'warn|defined again' "$W/herald-check.log" | head -n 3 | tr '\n' ' ')"
fi

# Rules each receiver must hold (ExaBGP's reading of parity-flow.conf): BIRD per table, GoBGP
# paths per family (IBGP + EBGP session), the sink NLRI per family.
#   template flowbase: 31 IPv4 + 7 IPv6 rules; offsets (BIRD, sink): 3 IPv6; flow-vpn (GoBGP,
#   sink): 4 IPv4 + 1 IPv6; the sink's own: 1 IPv4 (next-hop self).
declare -A WANT_BIRD=([t_ibgp_f4]=31 [t_ibgp_f6]=10 [t_ebgp_f4]=31 [t_ebgp_f6]=10)
declare -A WANT_GOBGP=([ipv4-flowspec]=62 [ipv6-flowspec]=14 [ipv4-l3vpn-flowspec]=8 [ipv6-l3vpn-flowspec]=2)
declare -A WANT_SINK=([1/133]=32 [2/133]=10 [1/134]=4 [2/134]=1)
BIRD_TABLES=(t_ibgp_f4 t_ibgp_f6 t_ebgp_f4 t_ebgp_f6)
GOBGP_FAMILIES=(ipv4-flowspec ipv6-flowspec ipv4-l3vpn-flowspec ipv6-l3vpn-flowspec)

# flowrib.py gobgp FILE... | bird < birdc | sink HEXFILE | check EXPECTED DUMP LABEL | count SINKDUMP
cat >"$W/flowrib.py" <<'PY'
"""Normalise flow rules as the receivers hold them, and check them.

gobgp FILE...   `gobgp -j global rib -a <flowspec family>` files: one block per path, headed
                `KEY from NEIGHBOR` (KEY = GoBGP's text for the rule, RD included), then
                `rd: TYPE:ADMIN:ASSIGNED` (flow-vpn), one line per NLRI component in the order
                received (`destination-port: >=1024 & <=2048 | !=3`: `&` = and-bit set, `|` = not;
                an operand's length is shown as `/N` octets only when it is not the shortest
                that holds the value; a misplaced end-of-list bit or a reserved bit is shown),
                then one line per path attribute as gobgprib.py writes them, except the
                extended communities, written by name from their fields (see EXT below), and
                MP_REACH_NLRI, written as `next_hop:`.
bird            `birdc show route table T all`: `NET rest-of-route-line` (no protocol, time or
                from-address), then BIRD's attribute lines (`Type:` dropped); sorted by NET.
sink HEXFILE    sink.py's record: per UPDATE, one line per NLRI of MP_REACH_NLRI:
                `AFI/SAFI NLRI-HEX nh NEXT-HOP | FLAGS:TYPE:VALUE ...` (the other attributes,
                in the order received), MP_UNREACH_NLRI as `withdraw AFI/SAFI NLRI-HEX`,
                End-of-RIB markers as `End-of-RIB AFI/SAFI`; sorted.
check EXPECTED DUMP LABEL
                every block of EXPECTED (a header line, then indented lines) must be in DUMP
                with exactly these lines, in this order, nothing more; BIRD dumps have
                `== BIRD table T` lines and BIRD headers in EXPECTED are `T NET`. With an
                EXPECTED of sink lines (no indented lines), every line must be in DUMP.
count SINKDUMP  `AFI/SAFI N` per family (announced NLRI).
"""
import base64, json, os, struct, sys
sys.path.insert(0, os.environ["H_INTEROP"])
import gobgprib

NAMES = {1: "destination", 2: "source", 3: "protocol", 4: "port", 5: "destination-port",
         6: "source-port", 7: "icmp-type", 8: "icmp-code", 9: "tcp-flags", 10: "packet-length",
         11: "dscp", 12: "fragment", 13: "flow-label"}
NUMOP = {0: "false", 1: "=", 2: ">", 3: ">=", 4: "<", 5: "<=", 6: "!=", 7: "true"}
TCP = [(0x01, "fin"), (0x02, "syn"), (0x04, "rst"), (0x08, "push"), (0x10, "ack"), (0x20, "urg"),
       (0x40, "ece"), (0x80, "cwr"), (0x100, "ns")]
FRAG = [(0x01, "dont-fragment"), (0x02, "is-fragment"), (0x04, "first-fragment"), (0x08, "last-fragment")]


def bits(v, names):
    out = [n for b, n in names if v & b]
    rest = v & ~sum(b for b, _ in names)
    if rest:
        out.append("0x%x" % rest)
    return "+".join(out) or "0"


def shortest(v):
    return 1 if v < 0x100 else 2 if v < 0x10000 else 4 if v < 0x100000000 else 8


def terms(ctype, items):
    out = []
    for i, it in enumerate(items):
        op, v = it.get("op", 0), it.get("value", 0)
        s = "" if i == 0 else (" & " if op & 0x40 else " | ")
        if ctype in (9, 12):
            s += ("!" if op & 0x02 else "") + ("=" if op & 0x01 else "")
            s += bits(v, TCP if ctype == 9 else FRAG)
            reserved = op & 0x0C
        else:
            s += NUMOP[op & 0x07] + str(v)
            reserved = op & 0x08
        n = 1 << ((op >> 4) & 3)
        if n != shortest(v):
            s += "/%d" % n
        if bool(op & 0x80) != (i == len(items) - 1):
            s += " (end bit %s)" % ("set" if op & 0x80 else "missing")
        if reserved:
            s += " (reserved bits 0x%x)" % reserved
        out.append(s)
    return "".join(out)


def component(c):
    t = c.get("type")
    name = NAMES.get(t, "component-%s" % t)
    v = c.get("value")
    if t in (1, 2) and isinstance(v, dict) and "prefix" in v:
        s = v["prefix"]
        if "offset" in c:
            s += " offset %s" % c["offset"]
        return name, s
    if isinstance(v, list):
        return name, terms(t, v)
    return name, json.dumps({k: x for k, x in c.items() if k != "type"}, sort_keys=True)


def num(x):
    return str(int(x)) if isinstance(x, float) and x == int(x) else str(x)


def ext(c):
    """EXT: the flowspec communities by name (RFC 8955 7, draft-simpson redirect-to-IP 0x0800,
    draft-ietf-idr-flowspec-redirect-ip 0x010c), opaque ones from their octets."""
    t, st = c.get("type"), c.get("subtype")
    if t == 128 and st == 6:
        return "traffic-rate-bytes:%s:%s" % (c.get("as"), num(c.get("rate")))
    if t == 128 and st == 7:
        f = [n for n in ("sample", "terminal") if c.get(n)]
        return "traffic-action:%s" % ("+".join(f) or "none")
    if t in (128, 129, 130) and st == 8:
        g, _, l = str(c.get("value")).rpartition(":")
        return "redirect-%s:%s:%s" % ({128: "as2", 129: "ip", 130: "as4"}[t], gobgprib.asplain(g), l)
    if t == 128 and st == 9:
        return "traffic-marking:%s" % c.get("value")
    if t == 1 and st == 12:
        return "redirect-ietf-ip:%s" % c.get("value")
    if st is not None and isinstance(c.get("value"), str) and set(c) == {"type", "subtype", "value"}:
        try:
            raw = base64.b64decode(c["value"], validate=True)
        except Exception:
            raw = None
        if raw is not None and len(raw) == 7:
            octets = bytes([t]) + raw
            if octets[:2] == b"\x80\x0c":
                return "traffic-rate-packets:%d:%s" % (struct.unpack("!H", octets[2:4])[0],
                                                        num(struct.unpack("!f", octets[4:])[0]))
            if octets[:2] == b"\x08\x00":
                return "redirect-to-nexthop:%s" % ("copy" if octets[7] & 1 else "redirect") + (
                    "" if octets[2:7] == b"\0" * 5 and octets[7] < 2 else ":" + octets.hex())
            return "0x" + octets.hex()
    return gobgprib.ext(c)


def gobgp(files):
    paths = {}
    for f in files:
        text = open(f).read().strip()
        if not text:
            continue
        for key, plist in json.loads(text).items():
            for p in plist:
                head = "%s from %s" % (key, p.get("neighbor-ip", "?"))
                if head in paths:
                    raise SystemExit("two paths " + head)
                n = p.get("nlri") or {}
                lines = []
                if "rd" in n:
                    r = n["rd"]
                    lines.append(("rd", "%s:%s:%s" % (r.get("type"), r.get("admin"), r.get("assigned"))))
                for c in n.get("value") or []:
                    lines.append(component(c))
                for a in p.get("attrs") or []:
                    if a.get("type") == 14:
                        lines.append(("next_hop", a.get("nexthop", "")))
                    elif a.get("type") == 16:
                        lines.append(("ext_communities", " ".join(ext(c) for c in a.get("value") or [])))
                    else:
                        lines.append(gobgprib.attr_line(a))
                if p.get("stale"):
                    lines.append(("stale", "true"))
                paths[head] = lines
    for h in sorted(paths):
        print(h)
        for k, v in paths[h]:
            print("\t%s: %s" % (k, v))


def bird():
    routes, cur = [], None
    for raw in sys.stdin.read().splitlines():
        line = raw.rstrip()
        if not line or line.startswith("BIRD ") or line.startswith("Table "):
            continue
        if raw.startswith("\t"):
            k, _, v = line.strip().partition(":")
            if k != "Type":
                cur[1].append("%s: %s" % (k, " ".join(v.split())))
            continue
        i = line.find("  [")
        j = line.find("]", i)
        if i < 0 or j < 0:
            raise SystemExit("unrecognised birdc line: %r" % raw)
        cur = ("%s %s" % (line[:i].strip(), " ".join(line[j + 1:].split())), [])
        routes.append(cur)
    for head, attrs in sorted(routes):
        print(head)
        for a in attrs:
            print("\t" + a)


def ip(b):
    import ipaddress
    if len(b) == 4:
        return str(ipaddress.IPv4Address(b))
    if len(b) in (16, 32):
        return " ".join(str(ipaddress.IPv6Address(b[i:i + 16])) for i in range(0, len(b), 16))
    return b.hex() or "-"


def flow_nlri(b):
    out, i = [], 0
    while i < len(b):
        if b[i] >= 0xF0:
            n, h = ((b[i] & 0x0F) << 8) | b[i + 1], 2
        else:
            n, h = b[i], 1
        out.append(b[i:i + h + n].hex())
        i += h + n
    return out


def sink(path):
    lines = []
    for raw in open(path):
        m = bytes.fromhex(raw.strip())
        if len(m) < 19 or m[18] != 2:
            continue
        wl = struct.unpack("!H", m[19:21])[0]
        if wl:
            lines.append("withdraw 1/1 %s" % m[21:21 + wl].hex())
        i = 21 + wl
        tl = struct.unpack("!H", m[i:i + 2])[0]
        i += 2
        attrs, end = [], i + tl
        while i < end:
            fl, t = m[i], m[i + 1]
            if fl & 0x10:
                n, h = struct.unpack("!H", m[i + 2:i + 4])[0], 4
            else:
                n, h = m[i + 2], 3
            attrs.append((fl, t, m[i + h:i + h + n]))
            i += h + n
        if m[i:]:
            lines.append("announce 1/1 %s" % m[i:].hex())
        other = " ".join("%02x:%02x:%s" % (fl, t, v.hex()) for fl, t, v in attrs if t not in (14, 15))
        if not attrs and not wl and not m[i:]:
            lines.append("End-of-RIB 1/1")
        for fl, t, v in attrs:
            if t == 14:
                afi, safi, nl = struct.unpack("!HB", v[:3]) + (v[3],)
                nh = v[4:4 + nl]
                for n in flow_nlri(v[5 + nl:]):
                    lines.append("%d/%d %s nh %s | %s" % (afi, safi, n, ip(nh), other))
            elif t == 15:
                afi, safi = struct.unpack("!HB", v[:3])
                rest = flow_nlri(v[3:])
                if not rest and len(attrs) == 1:
                    lines.append("End-of-RIB %d/%d" % (afi, safi))
                for n in rest:
                    lines.append("withdraw %d/%d %s" % (afi, safi, n))
    for l in sorted(lines):
        print(l)


def blocks(path, bird):
    out, cur, table = {}, None, ""
    for raw in open(path):
        line = raw.rstrip("\n")
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith("== BIRD table "):
            table = line.split()[-1]
            continue
        if not line[0].isspace():
            head = line.strip()
            if bird and table:
                head = table + " " + head
            cur = out.setdefault(head, [])
            continue
        cur.append(" ".join(line.split()))
    return out


def check(expected, dump, label):
    exp = blocks(expected, False)
    bad = []
    if all(not v for v in exp.values()):
        have = set(l.rstrip("\n") for l in open(dump))
        for line in exp:
            if line not in have:
                bad.append("%s: no line %s" % (label, line))
    else:
        got = blocks(dump, label.startswith("BIRD"))
        for head, lines in exp.items():
            if head not in got:
                bad.append("%s: no rule %s" % (label, head))
            elif got[head] != lines:
                bad.append("%s: %s\n      expected: %s\n      got:      %s" % (
                    label, head, " ; ".join(lines), " ; ".join(got[head])))
    for b in bad:
        print(b)
    if not bad:
        print("%s: %d %s as expected" % (label, len(exp), "lines" if all(not v for v in exp.values()) else "rules"))
    return 1 if bad else 0


def count(path):
    n = {}
    for line in open(path):
        w = line.split()
        if w and "/" in w[0]:
            n[w[0]] = n.get(w[0], 0) + 1
    for k in sorted(n):
        print(k, n[k])


cmd = sys.argv[1] if len(sys.argv) > 1 else ""
if cmd == "gobgp":
    gobgp(sys.argv[2:])
elif cmd == "bird":
    bird()
elif cmd == "sink":
    sink(sys.argv[2])
elif cmd == "check":
    sys.exit(check(*sys.argv[2:5]))
elif cmd == "count":
    count(sys.argv[2])
else:
    raise SystemExit(__doc__)
PY
export H_INTEROP

gobgp_() { timeout 5 gobgp -u 127.0.19.5 -p "$API_GOBGP" "$@"; }

bird_eors() { # BIRDLOG: both sessions sent an End-of-RIB for flow4 and flow6
    local t
    for t in p_ibgp p_ebgp; do
        [ "$(h_log_count "$1" "$t: Got END-OF-RIB")" -ge 2 ] || return 1
    done
}

sink_count() { # SINKDUMP AFI/SAFI
    python3 "$W/flowrib.py" count "$1" | awk -v f="$2" '$1 == f { n = $2 } END { print n + 0 }'
}

receivers_complete() { # BIRDNAME
    local t
    for t in "${!WANT_BIRD[@]}"; do
        [ "$(h_bird_count "$1" "$t")" = "${WANT_BIRD[$t]}" ] || return 1
    done
    for t in "${!WANT_GOBGP[@]}"; do
        [ "$(h_gobgp_paths "$t")" = "${WANT_GOBGP[$t]}" ] || return 1
    done
}

dump() { # BIRDNAME OUTPREFIX
    local t
    for t in "${BIRD_TABLES[@]}"; do
        printf '== BIRD table %s\n' "$t"
        h_birdc "$1" show route table "$t" all | python3 "$W/flowrib.py" bird
    done >"$2.bird.txt"
    for t in "${GOBGP_FAMILIES[@]}"; do
        gobgp_ -j global rib -a "$t" >"$2.gobgp-$t.json"
    done
    python3 "$W/flowrib.py" gobgp "$2".gobgp-*.json >"$2.gobgp.txt"
    python3 "$W/flowrib.py" sink "$2.sink.hex" >"$2.sink.txt"
}

FAILS=()

run_sender() { # exabgp|herald
    local s="$1" d="$W/$1" t n bad=0
    mkdir -p "$d"
    h_render "$CONF/bird.conf" "$d/bird.conf" "${PORTS[@]}"
    h_render "$CONF/gobgp.toml" "$d/gobgp.toml" "${PORTS[@]}"
    h_bird_start "$s-bird" "$d/bird.conf"
    h_start "$s-gobgpd" "$W/$s-gobgpd.log" gobgpd -f "$d/gobgp.toml" \
        --api-hosts "127.0.19.5:$API_GOBGP" --pprof-disable --log-plain
    h_start "$s-sink" "$W/$s-sink.log" python3 "$H_INTEROP/sink.py" \
        --listen "127.0.19.7:$PORT_SINK" --asn 65000 --out "$W/$s.sink.hex" \
        --ready-file "$d/sink.ready" --timeout 30
    h_wait 15 "gobgpd ($s run) gRPC API" gobgp_ global
    h_no_wildcard_listen "$s-gobgpd"
    h_wait 10 "sink.py ($s run) listening" test -e "$d/sink.ready"
    case "$s" in
    exabgp)
        h_start exabgp "$W/exabgp.log" env exabgp_tcp_bind= exabgp_api_ack=false \
            exabgp_api_cli=false exabgp_daemon_user=root exabgp_daemon_drop=false \
            exabgp_log_enable=false "$EXABGP" "$W/parity-flow.conf"
        ;;
    herald) h_herald_start herald "$W/parity-flow.conf" ;;
    esac
    h_wait 20 "$s: BIRD p_ibgp Established" h_bird_established "$s-bird" p_ibgp
    h_wait 20 "$s: BIRD p_ebgp Established" h_bird_established "$s-bird" p_ebgp
    h_wait 20 "$s: GoBGP 127.0.19.6 established" h_gobgp_established 127.0.19.6
    h_wait 20 "$s: GoBGP ::1 established" h_gobgp_established ::1
    h_wait 20 "$s: BIRD End-of-RIB for flow4 and flow6 on both sessions" bird_eors "$W/$s-bird.log"
    # the sink exits 0 after the End-of-RIB of every family it negotiated
    h_exit_status "$s-sink"
    if [ "$H_RC" = running ]; then
        h_wait 20 "$s: sink.py got every End-of-RIB" bash -c "! kill -0 ${H_PIDS[$s-sink]} 2>/dev/null"
        h_exit_status "$s-sink"
    fi
    [ "$H_RC" = 0 ] || FAILS+=("$s: sink.py exited $H_RC (2 = no End-of-RIB for every family; see $s-sink.log)")
    # everything the sender had was sent before its End-of-RIBs; GoBGP may lag BIRD a little
    if ! h_wait_quiet 10 receivers_complete "$s-bird"; then
        bad=1
    fi
    dump "$s-bird" "$W/$s"
    for t in "${BIRD_TABLES[@]}"; do
        n="$(h_bird_count "$s-bird" "$t")"
        if [ "$n" != "${WANT_BIRD[$t]}" ]; then
            FAILS+=("$s: BIRD table $t has ${n:-no} rules, want ${WANT_BIRD[$t]}")
        fi
    done
    for t in "${GOBGP_FAMILIES[@]}"; do
        n="$(h_gobgp_paths "$t")"
        if [ "$n" != "${WANT_GOBGP[$t]}" ]; then
            FAILS+=("$s: GoBGP $t has $n paths, want ${WANT_GOBGP[$t]}")
        fi
    done
    for t in "${!WANT_SINK[@]}"; do
        n="$(sink_count "$W/$s.sink.txt" "$t")"
        if [ "$n" != "${WANT_SINK[$t]}" ]; then
            FAILS+=("$s: the sink got $n $t rules, want ${WANT_SINK[$t]}")
        fi
    done
    if grep -q '^withdraw\|^announce 1/1' "$W/$s.sink.txt"; then
        FAILS+=("$s: the sink got withdrawals or IPv4 unicast NLRI: $(grep '^withdraw\|^announce 1/1' "$W/$s.sink.txt" | head -n 3 | tr '\n' ' ')")
    fi
    : >"$W/$s.expect.txt"
    python3 "$W/flowrib.py" check "$CONF/expect-gobgp.txt" "$W/$s.gobgp.txt" "GoBGP ($s)" >>"$W/$s.expect.txt" || bad=1
    python3 "$W/flowrib.py" check "$CONF/expect-bird.txt" "$W/$s.bird.txt" "BIRD ($s)" >>"$W/$s.expect.txt" || bad=1
    python3 "$W/flowrib.py" check "$CONF/expect-sink.txt" "$W/$s.sink.txt" "sink ($s)" >>"$W/$s.expect.txt" || bad=1
    while IFS= read -r n; do
        case "$n" in
        *" as expected") h_ok "$n" ;;
        " "*) FAILS[${#FAILS[@]} - 1]+=$'\n'"$n" ;;
        *) FAILS+=("$n") ;;
        esac
    done <"$W/$s.expect.txt"
    if [ "$bad" = 0 ]; then
        h_ok "$s: BIRD, GoBGP and the sink hold every rule ($(grep -c '^flow' "$W/$s.bird.txt") in BIRD, $(grep -c ' from ' "$W/$s.gobgp.txt") paths in GoBGP, $(grep -c '^[12]/13' "$W/$s.sink.txt") NLRI at the sink)"
    else
        h_say "$s: the receivers do not hold what they should (listed at the end)"
    fi
    h_stop "$s" TERM
    h_stop "$s-bird" TERM
    h_stop "$s-gobgpd" TERM
}

run_sender exabgp
run_sender herald

rc=0
for r in bird gobgp sink; do
    if ! diff -u --label "ExaBGP 5.0.15 -> $r" --label "herald -> $r" \
        "$W/exabgp.$r.txt" "$W/herald.$r.txt" >"$W/$r.diff"; then
        printf '\n%s holds different rules (- ExaBGP, + herald):\n' "$r" >&2
        cat "$W/$r.diff" >&2
        rc=1
    else
        h_ok "$r: identical rules from ExaBGP and herald ($(wc -l <"$W/exabgp.$r.txt") lines)"
    fi
done
if [ "${#FAILS[@]}" -gt 0 ]; then
    printf '\n' >&2
    for n in "${FAILS[@]}"; do
        h_say "FAIL: $n"
    done
    rc=1
fi
[ "$rc" = 0 ] || h_fail "flow parity: see the differences above (dumps: $W/{exabgp,herald}.{bird,gobgp,sink}.txt, raw UPDATEs: $W/{exabgp,herald}.sink.hex)"
h_done
