#!/usr/bin/env bash
# Capture what ExaBGP 5.0.15 sends for a flow configuration, as UPDATE hex lines.
#
#   crates/herald-config/tests/data/flow/capture.sh CONFIG OUT [AFTER_EOR]
#
# CONFIG is an ExaBGP configuration with @LOCAL@, @PEER@ and @PORT@ placeholders (see
# exabgp-flow.conf next to this script). ExaBGP runs on 127.0.88.1 and connects to
# tests/interop/sink.py listening on 127.0.88.2 at a free port; the sink mirrors the
# families ExaBGP offers and writes every message it receives as one hex line. It stops
# after the End-of-RIB of every family, plus AFTER_EOR more UPDATEs (default 0: for the
# helper process's API announcements). OUT gets a few '#' comment lines (tool, version,
# date) and the received UPDATE lines (KEEPALIVEs and the OPEN dropped), in arrival order.
# Only loopback addresses are used. SINK_ASN (default 65001) is the sink's AS number.
#
#   capture.sh exabgp-flow.conf exabgp-flow.hex        # the configuration vectors
#   capture.sh exabgp-api.conf exabgp-api.hex 14       # the text API vectors
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../../../.." && pwd)"
config="$1" out="$2" after="${3:-0}"
exabgp="${HERALD_EXABGP:-${HERALD_TEST_VENV:-$HOME/.cache/herald/exabgp-venv}/bin/exabgp}"
work="$(mktemp -d)"
trap 'kill "${epid:-0}" "${spid:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.88.2",0)); print(s.getsockname()[1])')"
sed -e "s|@LOCAL@|127.0.88.1|g" -e "s|@PEER@|127.0.88.2|g" -e "s|@PORT@|$port|g" \
    -e "s|@DIR@|$here|g" "$config" >"$work/exabgp.conf"
python3 "$root/tests/interop/sink.py" --listen "127.0.88.2:$port" --asn "${SINK_ASN:-65001}" \
    --out "$work/sink.txt" --ready-file "$work/ready" --after-eor "$after" --timeout 30 \
    2>"$work/sink.log" &
spid=$!
for _ in $(seq 100); do [ -f "$work/ready" ] && break; sleep 0.1; done
(cd "$work" && exec env exabgp_daemon_user=root exabgp_daemon_drop=false \
    exabgp_daemon_daemonize=false exabgp_tcp_bind= exabgp_api_ack=false exabgp_api_cli=false \
    exabgp_log_destination=stderr "$exabgp" server "$work/exabgp.conf" >"$work/exabgp.log" 2>&1) &
epid=$!
# Fail fast when ExaBGP refuses the configuration and exits.
while kill -0 "$spid" 2>/dev/null; do
    if ! kill -0 "$epid" 2>/dev/null; then
        echo "exabgp exited:" >&2; tail -40 "$work/exabgp.log" >&2; exit 1
    fi
    sleep 0.2
done
if ! wait "$spid"; then
    echo "capture failed; sink log:" >&2; cat "$work/sink.log" >&2
    echo "exabgp log:" >&2; tail -40 "$work/exabgp.log" >&2
    exit 1
fi
# UPDATE messages only (type 2 is the 19th octet: hex characters 37-38).
{
    echo "# UPDATEs ExaBGP $("$exabgp" version 2>&1 | sed -n 's/^ExaBGP : //p') sent for $(basename "$config")"
    echo "# (crates/herald-config/tests/data/flow/capture.sh, $(date -u +%Y-%m-%d)), one per line in"
    echo "# arrival order, upper-case hex with the 19-octet header; End-of-RIB markers included."
    awk 'substr($0, 37, 2) == "02"' "$work/sink.txt"
} >"$out"
echo "captured $(grep -vc "^#" "$out") UPDATEs into $out" >&2
