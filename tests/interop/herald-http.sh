#!/usr/bin/env bash
# The HTTP API, the looking glass and /metrics against real components.
#
#   tests/interop/herald-http.sh          (KEEP_WORK=1 keeps the temp dir; HERALD_TEST_TIMEOUT=S)
#
# BIRD (127.0.24.1, AS 65024) sends herald (127.0.24.2, AS 65025) 1,003 IPv4 routes and one
# IPv6 route. Then:
# - the REST API holds exactly what BIRD exported (every prefix, next hop and AS path), answers
#   a longest-match lookup with the path's attributes, and an announcement over HTTP (with the
#   bearer token) reaches BIRD; `herald ctl --http` runs a command;
# - the event stream (SSE) reports the session going down and up when BIRD drops it;
# - Prometheus scrapes /metrics: its own query API returns herald's prefix count and up == 1;
# - headless Chromium (driven by playwright-core) opens the looking glass with a prefix search
#   in its address: the page shows the neighbor established with its counts and the path with
#   its AS path, origin and communities (screenshot: target/interop/looking-glass.png); when
#   BIRD then drops the session, the page shows it live through its event stream.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
h_init 150 "$@"
require_peer bird birdc prometheus chromium curl node python3
h_build

CONF="$H_INTEROP/configs/herald-http"
W="$H_WORK"
PORT="$(h_free_port 127.0.24.1)"
HTTP="$(h_free_port 127.0.0.1)"
PROM="$(h_free_port 127.0.0.1)"
BASE="http://127.0.0.1:$HTTP"
ROUTES="$(python3 -c '
for i in range(1000):
    print("  route 10.241.%d.%d/32 blackhole;" % (i // 250, i % 250))')"
h_render "$CONF/bird.conf" "$W/bird.conf" PORT="$PORT" ROUTES="$ROUTES"
h_render "$CONF/herald.conf" "$W/herald.conf" PORT="$PORT"
h_render "$CONF/prometheus.yml" "$W/prometheus.yml" HTTP="$HTTP"
echo "t0ken-$$" >"$W/token"
export herald_http_listen="127.0.0.1:$HTTP" herald_http_token_file="$W/token"

h_bird_start bird "$W/bird.conf"
h_herald_start herald "$W/herald.conf" --control "$W/herald.sock"
h_wait 15 "session established" h_bird_established bird herald
h_wait 10 "HTTP API up" curl -fsS -o /dev/null "$BASE/v1/neighbors"
received_is() {
    [ "$(curl -fsS "$BASE/v1/neighbors/127.0.24.1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["routes"]["received"])')" = "$1" ]
}
h_wait 20 "herald holds BIRD's 1,004 routes" received_is 1004

# 1. The Adj-RIB-In over HTTP is exactly what BIRD exported.
curl -fsS "$BASE/v1/neighbors/127.0.24.1/adj-rib-in" >"$W/rib.ndjson"
h_birdc bird show route export herald table t4 >"$W/bird-export.txt"
python3 - "$W/rib.ndjson" "$W/bird-export.txt" <<'PY' || h_fail "the Adj-RIB-In over HTTP differs from BIRD's export"
import json, re, sys
def as_path(a):  # ExaBGP 5's layout: {"0": {"element": "as-sequence", "value": [...]}, ...}
    return [asn for seg in a.get("as-path", {}).values() for asn in seg["value"]]
rib = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
v4 = {r["nlri"] for r in rib if r["family"] == "ipv4 unicast"}
bird = set(re.findall(r"^(\d+\.\d+\.\d+\.\d+/\d+)", open(sys.argv[2]).read(), re.M))
assert len(bird) == 1003, len(bird)
if v4 != bird:
    sys.exit("only in herald: %s\nonly at BIRD: %s" % (sorted(v4 - bird)[:5], sorted(bird - v4)[:5]))
for r in rib:
    a = r["attribute"]
    assert r["next-hop"] in ("127.0.24.1", "2001:db8::24"), r
    path = as_path(a)
    want = [65024, 64999] if r["nlri"] == "10.240.2.0/24" else [65024]
    assert path == want, (r["nlri"], path)
v6 = [r["nlri"] for r in rib if r["family"] == "ipv6 unicast"]
assert v6 == ["2001:db8:240::/48"], v6
print(len(rib))
PY
h_ok "GET /v1/neighbors/…/adj-rib-in: the 1,003 IPv4 routes BIRD exported and its IPv6 route, next hops and AS paths"

curl -fsS "$BASE/v1/adj-rib-in?prefix=10.240.1.77&match=longest" >"$W/lookup.ndjson"
python3 - "$W/lookup.ndjson" <<'PY' || h_fail "longest match lookup"
import json, sys
r = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
assert len(r) == 1 and r[0]["nlri"] == "10.240.1.0/24", r
a = r[0]["attribute"]
assert [65024, 7] in a["community"], a
assert a["as-path"] == {"0": {"element": "as-sequence", "value": [65024]}}, a
assert [65024, 1, 2] in a["large-community"], a
PY
[ "$(curl -fsS "$BASE/v1/adj-rib-in?prefix=10.241.0.0/16&match=more-specific" | grep -c .)" = 1000 ] ||
    h_fail "more-specifics of 10.241.0.0/16"
h_ok "longest match 10.240.1.77 → 10.240.1.0/24 with its communities; 1,000 more-specifics of 10.241.0.0/16"

# 2. Writes: refused without the token, taken with it, and BIRD gets the route.
code="$(curl -s -o /dev/null -w '%{http_code}' -X POST --data 'route 198.51.100.0/24 next-hop 127.0.24.2' "$BASE/v1/announce")"
[ "$code" = 401 ] || h_fail "announce without the token answered $code"
curl -fsS -X POST -H "Authorization: Bearer $(cat "$W/token")" \
    --data 'route 198.51.100.0/24 next-hop 127.0.24.2 med 5 community [ 65025:9 ]' "$BASE/v1/announce" >"$W/announce.json" ||
    h_fail "announce: $(cat "$W/announce.json")"
h_wait 10 "the announced route at BIRD" sh -c "timeout 5 birdc -s '$W/bird.ctl' show route 198.51.100.0/24 table t4 all | grep -q '(65025,9)'"
"$HERALD" ctl --http "$BASE" --token-file "$W/token" show adj-rib out >"$W/ctl.txt" || h_fail "herald ctl --http failed"
grep -q "198.51.100.0/24" "$W/ctl.txt" || h_fail "herald ctl --http: $(cat "$W/ctl.txt")"
h_ok "POST /v1/announce: 401 without the token; with it the route reaches BIRD with its community; herald ctl --http works"

# 3. Server-sent events follow the session down and back up.
h_start sse "$W/sse.log" curl -sN "$BASE/v1/events"
h_wait 5 "the event stream open" h_log_has "$W/sse.log" "^: ready"
h_birdc bird disable herald >/dev/null
h_wait 15 "the down event" h_log_has "$W/sse.log" '"from":"established"'
h_birdc bird enable herald >/dev/null
h_wait 20 "the up event" h_log_has "$W/sse.log" '"to":"established"'
h_stop sse TERM
h_ok "GET /v1/events: the session's fall and return as state events"
h_wait 20 "the routes back" received_is 1004

# 4. Prometheus scrapes herald.
h_start prometheus "$W/prometheus.log" prometheus --config.file="$W/prometheus.yml" \
    --storage.tsdb.path="$W/prom" --web.listen-address="127.0.0.1:$PROM"
promq() {
    curl -fsS "http://127.0.0.1:$PROM/api/v1/query" --data-urlencode "query=$1" |
        python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else "")'
}
prom_has() { [ "$(promq "$1" 2>/dev/null)" = "$2" ]; }
h_wait 60 "Prometheus scrapes herald (up == 1)" prom_has 'up{job="herald"}' 1
h_wait 30 "herald's IPv4 prefix count in Prometheus" prom_has 'herald_neighbor_prefixes_received{family="ipv4 unicast"}' 1003
h_wait 10 "the established session in Prometheus" prom_has 'herald_neighbor_established_total' 2
h_ok "Prometheus scrapes /metrics: up 1, 1,003 IPv4 prefixes received, 2 sessions established"
h_stop prometheus TERM

# 5. The looking glass in a real browser (Chromium driven by playwright-core).
PLAYWRIGHT_DIR="${PLAYWRIGHT_DIR:-$HOME/.cache/herald/playwright}"
[ -f "$PLAYWRIGHT_DIR/node_modules/playwright-core/package.json" ] ||
    h_fail "playwright-core missing in $PLAYWRIGHT_DIR (scripts/install-test-deps.sh installs it)"
export PLAYWRIGHT_DIR
cat >"$W/expect.json" <<'EOF'
{"neighbor": "127.0.24.1", "as": 65024, "received": 1004, "sent": 1,
 "paths": [{"prefix": "10.240.1.0/24", "nexthop": "127.0.24.1", "aspath": "65024", "origin": "igp",
            "communities": ["65024:7", "65024:1:2"]}]}
EOF
mkdir -p "$H_ROOT/target/interop"
SHOT="$H_ROOT/target/interop/looking-glass.png"
rm -f "$SHOT"
h_start browser "$W/browser.log" node "$H_INTEROP/lg-check.js" "$BASE/?prefix=10.240.1.77&match=longest" "$SHOT" "$W/expect.json"
h_wait 60 "the page checked" h_log_has "$W/browser.log" "^(READY|FAIL)"
h_log_has "$W/browser.log" "^READY" || h_fail "the looking glass: $(cat "$W/browser.log")"
[ -s "$SHOT" ] || h_fail "no screenshot"
h_ok "the looking glass in Chromium: the neighbor established with 1,004 routes received and 1 sent, the path of 10.240.1.77 with its AS path, origin and communities (screenshot target/interop/looking-glass.png)"
h_birdc bird disable herald >/dev/null
h_wait 60 "the page shows the session drop live" h_log_has "$W/browser.log" "^(LIVE|FAIL)"
h_log_has "$W/browser.log" "^LIVE" || h_fail "the looking glass live update: $(cat "$W/browser.log")"
h_ok "the looking glass shows the session's drop as it happens (its event list and the neighbor's state)"
h_done
