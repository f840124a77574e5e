#!/usr/bin/env bash
# BGP-LS (RFC 9552) received by herald over a live session, printed as ExaBGP 5.0.15 prints it.
#
#   tests/interop/herald-bgpls.sh          (KEEP_WORK=1 keeps the temp dir; HERALD_TEST_TIMEOUT=S)
#
# No peer on this machine originates BGP-LS, so sink.py (127.0.23.1, AS 65001) plays the
# router: it listens, mirrors herald's OPEN and, once the session is up, replays the UPDATEs of
# crates/herald-wire/tests/vectors/bgpls.txt (tests/interop/bgpls-vectors.py). herald
# (127.0.23.2) has `family { bgp-ls bgp-ls; bgp-ls bgp-ls-vpn; }` and an API process with
# `receive { parsed; update; }` writing every JSON line to a file (exabgp-recorder.py).
#   1. ExaBGP 5.0.15 still decodes the vectors as the committed oracle says
#      (bgpls-vectors.py --check runs `exabgp decode` on each);
#   2. herald's OPEN offers multiprotocol bgp-ls/bgp-ls and bgp-ls/bgp-ls-vpn (sink's summary);
#   3. herald's process gets one `update` event per UPDATE, and each one's message, peer
#      address and AS numbers are what `exabgp decode` printed for the same octets
#      (bgpls.exabgp.jsonl), compared as JSON values; ExaBGP files BGP-LS-VPN routes under
#      "bgp-ls bgp-ls", herald under "bgp-ls bgp-ls-vpn" (herald_api::json docs);
#   4. herald logged no malformed UPDATE and sent no NOTIFICATION.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
h_init 90 "$@"
require_peer python3 ss
require_exabgp
h_build

W="$H_WORK"
VECTORS="$H_ROOT/crates/herald-wire/tests/vectors"
RECORD="$W/received.jsonl"
: >"$RECORD"
h_log_file "$RECORD"

python3 "$H_INTEROP/bgpls-vectors.py" --check --exabgp "$EXABGP" >"$W/vectors.log" 2>&1 ||
    h_fail "bgpls-vectors.py --check: $(cat "$W/vectors.log")"
h_ok "$(cat "$W/vectors.log")"
grep -v '^#' "$VECTORS/bgpls.txt" >"$W/send.txt"
N="$(grep -c . "$W/send.txt")"
[ "$N" = "$(grep -c . "$VECTORS/bgpls.exabgp.jsonl")" ] ||
    h_fail "bgpls.txt has $N messages but bgpls.exabgp.jsonl $(grep -c . "$VECTORS/bgpls.exabgp.jsonl") lines"

PORT="$(h_free_port 127.0.23.1)"
h_say "sink listens on 127.0.23.1:$PORT"
cat >"$W/herald.conf" <<EOF
process recorder {
    run $(command -v python3) $H_INTEROP/exabgp-recorder.py $RECORD;
    encoder json;
}
neighbor 127.0.23.1 {
    router-id 192.0.2.23;
    local-address 127.0.23.2;
    local-as 65001;
    peer-as 65001;
    connect $PORT;
    family {
        bgp-ls bgp-ls;
        bgp-ls bgp-ls-vpn;
    }
    capability {
        asn4 enable;
    }
    api {
        processes [ recorder ];
        receive { parsed; update; }
    }
}
EOF
"$HERALD" check "$W/herald.conf" >"$W/herald.check.log" 2>&1 ||
    h_fail "herald check herald.conf: $(cat "$W/herald.check.log")"

h_start sink "$W/sink.log" python3 "$H_INTEROP/sink.py" --listen "127.0.23.1:$PORT" --asn 65001 \
    --out "$W/sink.out" --info "$W/sink.info" --send "$W/send.txt" --timeout 80 \
    --ready-file "$W/sink.ready"
h_wait 10 "sink listening" test -s "$W/sink.ready"
h_herald_start herald "$W/herald.conf" --control "$W/ctl.sock"
HL="$W/herald.log"
h_wait 30 "herald: established with the sink" h_log_has "$HL" 'established peer=127\.0\.23\.1 '
h_wait 30 "sink: sent the $N vector UPDATEs" h_log_has "$W/sink.log" "sent $N messages"
all_updates() { [ "$(grep -c '"type": "update"' "$RECORD" || true)" -ge "$N" ]; }
h_wait 30 "herald's process: $N update events" all_updates

# 2. the families herald offered, from the sink's record of herald's OPEN
h_stop sink
python3 - "$W/sink.info" <<'PY' || h_fail "herald's OPEN does not offer both BGP-LS families: $(cat "$W/sink.info")"
import json, sys
fams = json.load(open(sys.argv[1]))["peer_families"]
sys.exit(0 if "16388/71" in fams and "16388/72" in fams else 1)
PY
h_ok "herald's OPEN offers multiprotocol 16388/71 (bgp-ls) and 16388/72 (bgp-ls-vpn)"

# 3. each update event against ExaBGP's decode of the same octets
python3 - "$RECORD" "$VECTORS/bgpls.exabgp.jsonl" <<'PY' || h_fail "herald's BGP-LS JSON differs from ExaBGP's (above)"
import json, sys
got = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
got = [g for g in got if g.get("type") == "update"]
want = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
if len(got) != len(want):
    sys.exit(f"{len(got)} update events, {len(want)} expected")

def vpn_family(update):
    # ExaBGP 5.0.15 files BGP-LS-VPN routes (those with an "rd") under "bgp-ls bgp-ls".
    for part in ("announce", "withdraw"):
        m = update.get(part, {})
        v = m.get("bgp-ls bgp-ls")
        routes = [r for l in v.values() for r in l] if isinstance(v, dict) else (v or [])
        if routes and all("rd" in r for r in routes):
            m["bgp-ls bgp-ls-vpn"] = m.pop("bgp-ls bgp-ls")

bad = 0
for i, (g, w) in enumerate(zip(got, want), 1):
    vpn_family(w["neighbor"]["message"].get("update", {}))
    for key in ("address", "asn", "message"):
        if g["neighbor"].get(key) != w["neighbor"].get(key):
            bad += 1
            print(f"UPDATE {i}: {key} differs\n herald: {json.dumps(g['neighbor'].get(key), sort_keys=True)}\n exabgp: {json.dumps(w['neighbor'].get(key), sort_keys=True)}", file=sys.stderr)
sys.exit(1 if bad else 0)
PY
h_ok "herald's process printed all $N UPDATEs (nodes, links, prefixes, SRv6, EPE, VPN, unknown type, End-of-RIBs, withdrawals) as ExaBGP decodes them"

# 4. nothing malformed, no NOTIFICATION
if h_log_has "$HL" 'malformed|NOTIFICATION|treat-as-withdraw|discard'; then
    h_fail "herald logged a problem: $(grep -E 'malformed|NOTIFICATION|treat-as-withdraw|discard' "$HL")"
fi
if grep -q '"malformed"' "$RECORD"; then
    h_fail "an update event lists malformed attributes: $(grep '"malformed"' "$RECORD" | head -3)"
fi
h_done
