#!/usr/bin/env python3
"""Recording stand-in for BaGPipe-BGP's REST API (test helper, not a PE).

Listens on --host:--port (default 127.0.0.1:8082), appends one JSON line per
request (method, path, headers, body) to --log (default stderr) and answers:

  GET  /ping                      -> an integer (fixed per start)
  GET  /                          -> {}
  POST /attach_localport,
  POST /detach_localport          -> --status (default 200) with --reply (default "{}")
  GET  /looking-glass[/...]       -> a small fake tree shaped like BaGPipe's
                                     (absolute hrefs built from the Host header),
                                     404 for unknown paths
  anything else                   -> 404

Stops by itself after --max-seconds (default 600). Used by CLIENTS.md to capture
exactly what bagpipe-rest-attach and bagpipe-looking-glass send and expect.
"""
import argparse
import json
import random
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote, unquote

PING = random.randint(1, 2**31)


def lg_tree(base, path):
    """Return the fake looking-glass object at `path` (list of segments) or None."""
    instances = {
        "test1": {
            "instance_type": "EVI",
            "external_instance_id": "test1",
            "description": "",
            "route_targets": {"import": ["64512:10"], "export": ["64512:10"]},
            "gateway_ip": "192.168.77.254",
            "instance_dataplane_id": 10,
            "ports": {"ns-test1": {"macs": ["52:54:00:00:00:01"]}},
        }
    }
    peers = {"10.0.0.254": {"protocol": {"state": "Established"}, "rtc": {"active": False}}}

    def href(*segs):
        return {"href": "/".join([base] + [quote(s) for s in segs])}

    if not path:
        return {
            "summary": {"BGP_established_peers": 1, "vpn_instances_count": 1,
                        "warnings_and_errors": 0, "version": "fake"},
            "config": href("config"), "bgp": href("bgp"),
            "vpns": href("vpns"), "logs": href("logs"),
        }
    head, rest = path[0], path[1:]
    if head == "summary" and not rest:
        return {"BGP_established_peers": 1, "vpn_instances_count": 1,
                "warnings_and_errors": 0, "version": "fake"}
    if head == "logs" and not rest:
        return [{"level": "WARNING", "time": "t", "name": "n", "message": "multi\nline"}]
    if head == "config" and not rest:
        return {"API": {"host": "127.0.0.1", "port": 8082}}
    if head == "bgp":
        if not rest:
            return {"peers": href("bgp", "peers"), "routes": href("bgp", "routes")}
        if rest == ["peers"]:
            return [dict(id=p, state=v["protocol"]["state"], **href("bgp", "peers", p))
                    for p, v in peers.items()]
        if len(rest) == 2 and rest[0] == "peers":
            return peers.get(rest[1])
        if rest == ["routes"]:
            return {}
    if head == "vpns":
        if not rest:
            return {"instances": href("vpns", "instances")}
        if rest == ["instances"]:
            return [dict(id=i, name=i, **href("vpns", "instances", i)) for i in instances]
        if len(rest) >= 2 and rest[0] == "instances" and rest[1] in instances:
            obj = instances[rest[1]]
            for seg in rest[2:]:
                if not isinstance(obj, dict) or seg not in obj:
                    return None
                obj = obj[seg]
            return obj
    return None


class Handler(BaseHTTPRequestHandler):
    server_version = "bagpipe-recorder/0"

    def _record(self, body):
        rec = {"t": time.time(), "method": self.command, "path": self.path,
               "headers": dict(self.headers.items()),
               "body": body.decode("utf-8", "replace")}
        try:
            rec["json"] = json.loads(body) if body else None
        except ValueError:
            pass
        line = json.dumps(rec, sort_keys=True)
        out = self.server.log
        out.write(line + "\n")
        out.flush()

    def _send(self, code, payload, ctype="application/json"):
        data = payload if isinstance(payload, bytes) else payload.encode()
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        self._record(b"")
        path = self.path.split("?", 1)[0]
        if path == "/ping":
            return self._send(200, str(PING))
        if path == "/":
            return self._send(200, "{}")
        if path == "/looking-glass" or path.startswith("/looking-glass/"):
            segs = [unquote(s) for s in path[len("/looking-glass"):].split("/") if s]
            base = "http://%s/looking-glass" % self.headers.get("Host", "127.0.0.1:8082")
            obj = lg_tree(base, segs)
            if obj is None:
                return self._send(404, "NoSuchLookingGlassObject(%r)" % "/".join(segs), "text/plain")
            return self._send(200, json.dumps(obj))
        return self._send(404, "not found", "text/plain")

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        self._record(body)
        if self.path in ("/attach_localport", "/detach_localport"):
            return self._send(self.server.status, self.server.reply, self.server.ctype)
        return self._send(404, "not found", "text/plain")

    def do_PUT(self):
        self._record(b"")
        self._send(405, "method not allowed", "text/plain")

    do_DELETE = do_PUT

    def log_message(self, fmt, *args):  # quiet: the JSON log is the record
        pass


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8082)
    ap.add_argument("--log", help="append JSON lines here (default stderr)")
    ap.add_argument("--status", type=int, default=200, help="status for attach/detach")
    ap.add_argument("--reply", default="{}", help="body for attach/detach")
    ap.add_argument("--content-type", default="application/json")
    ap.add_argument("--max-seconds", type=float, default=600)
    a = ap.parse_args()
    srv = ThreadingHTTPServer((a.host, a.port), Handler)
    srv.log = open(a.log, "a") if a.log else sys.stderr
    srv.status, srv.reply, srv.ctype = a.status, a.reply, a.content_type
    srv.timeout = 0.5
    deadline = time.time() + a.max_seconds
    while time.time() < deadline:
        srv.handle_request()


if __name__ == "__main__":
    main()
