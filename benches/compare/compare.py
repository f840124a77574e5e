#!/usr/bin/env python3
"""Side-by-side benchmark of BGP speakers on this machine; called by benches/compare/run.

Injection: each injector announces the same generated table (gen.py) to the same receiver, a
BIRD 2 (IBGP, loopback). Time runs from the injector's start until BIRD holds every route
(polling `show protocols all` over one kept control-socket connection); the injector's CPU seconds and peak RSS (VmHWM) and the
receiver's CPU are read from /proc. Receive side: a raw feeder (feeder.py) writes the same
pre-encoded UPDATEs into each receiver; time from the feeder's connect until the receiver holds
every route, its peak RSS and its resident bytes per route.

Environment: SIZES (IPv4 table sizes, default "10000 100000 1000000"), V6 (IPv6 table size,
default 100000, 0 for none), RUNS (default 3), INJECTORS, RECEIVERS (space-separated names,
default all), RECEIVE_N (routes for the receive side, default 1000000), OUT (output dir),
LIMIT (seconds; a case projected to run longer is skipped, default 600), HERALD_BIN, EXABGP.
A case whose first run takes over a minute is run once (its "runs" says so).

The floor: FLOOR_PAIRS (default 7, 0 for none) pairs of runs, each the raw feeder into BIRD
then herald from its configuration into BIRD, with RECEIVE_N routes. Run back to back, both
halves of a pair see the same machine (a shared virtual machine's speed drifts by tens of
percent over minutes); the report gives the median of the pairs' ratios.
"""
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
HZ = os.sysconf("SC_CLK_TCK")
RECV_IP, INJ_IP = "127.0.30.1", "127.0.30.2"
SINK_IP, FEED_IP = "127.0.31.1", "127.0.31.2"
INJECTORS = ["herald-config", "herald-api-line", "herald-api-group", "exabgp-config",
             "exabgp-api-group", "gobgp-mrt", "bird-static", "frr-static"]
RECEIVERS = ["herald", "bird", "gobgp", "frr", "exabgp"]
EXABGP_ENV = {"exabgp_daemon_user": "root", "exabgp_daemon_drop": "false", "exabgp_api_cli": "false",
              "exabgp_api_ack": "false", "exabgp_log_enable": "false"}
# A case whose first run takes longer than this (seconds) is run once.
ONE_RUN_S = 60.0
HERALD_ENV = {"exabgp_api_ack": "false", "exabgp_tcp_bind": "", "exabgp_api_cli": "false"}


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_s(pid):
    """utime + stime of a process (fields 14, 15 of /proc/PID/stat), seconds; 0 once gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / HZ
    except (OSError, IndexError, ValueError):
        return 0.0


def status_kib(pid, key):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class Procs:
    """Processes of one case, each in its own process group, all killed at the end."""

    def __init__(self, work):
        self.work = work
        self.procs = []

    def start(self, name, argv, env=None, **kw):
        e = dict(os.environ)
        e.update(env or {})
        out = open(os.path.join(self.work, f"{name}.log"), "ab")
        p = subprocess.Popen(argv, env=e, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                             start_new_session=True, **kw)
        self.procs.append(p)
        return p

    def stop(self):
        for p in reversed(self.procs):
            try:
                os.killpg(p.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        deadline = time.time() + 5
        for p in self.procs:
            try:
                p.wait(max(0.1, deadline - time.time()))
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(p.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                p.wait()
        self.procs = []


def wait_for(pred, timeout, what, interval=0.02):
    t_end = time.time() + timeout
    while time.time() < t_end:
        v = pred()
        if v:
            return v
        time.sleep(interval)
    raise TimeoutError(what)


def run_cmd(argv, timeout=10):
    try:
        return subprocess.run(argv, capture_output=True, text=True, timeout=timeout).stdout
    except (subprocess.TimeoutExpired, OSError):
        return ""


# ---------------------------------------------------------------- receivers' route counts

class BirdCtl:
    """One connection to BIRD's control socket, kept for the whole case: polling with a new
    `birdc` process 50 times a second costs the machine CPU that the injector under test
    should have (two cores here)."""

    def __init__(self, sock):
        self.sock = sock
        self.conn = None
        self.buf = b""

    def _line(self):
        while b"\n" not in self.buf:
            chunk = self.conn.recv(65536)
            if not chunk:
                raise ConnectionError("BIRD closed its control socket")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return line.decode("utf-8", "replace")

    def command(self, text):
        """The reply's text (BIRD's 4-digit codes stripped); a fresh connection on error."""
        try:
            if self.conn is None:
                self.conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.conn.settimeout(10)
                self.conn.connect(self.sock)
                self.buf = b""
                self._line()  # "0001 BIRD ... ready."
            self.conn.sendall(text.encode() + b"\n")
            out = []
            while True:
                line = self._line()
                # "DDDD-text": more follows; "DDDD text": the last line; " text": continued.
                if len(line) >= 5 and line[:4].isdigit():
                    out.append(line[5:])
                    if line[4] == " ":
                        return "\n".join(out)
                else:
                    out.append(line[1:])
        except OSError:
            if self.conn is not None:
                self.conn.close()
            self.conn = None
            return ""


_bird_ctls = {}


def bird_count(sock, proto):
    ctl = _bird_ctls.setdefault(sock, BirdCtl(sock))
    out = ctl.command(f"show protocols all {proto}")
    return sum(int(m) for m in re.findall(r"Routes:\s+(\d+) imported", out))


def herald_count(sock, peer):
    out = run_cmd([HERALD, "ctl", "-s", sock, "show", "neighbor", "summary"])
    for line in out.splitlines():
        f = line.split()
        if f and f[0] == peer and f[-1].isdigit():
            return int(f[-1])
    return 0


def gobgp_count(api_port, peer):
    out = run_cmd(["gobgp", "-u", "127.0.0.1", "-p", str(api_port), "neighbor", peer, "-j"])
    try:
        n = json.loads(out)
    except ValueError:
        return 0
    total = 0
    for afi in n.get("afi_safis", []) or []:
        total += int((afi.get("state") or {}).get("accepted", 0) or 0)
    return total


def frr_count(vty_dir, peer):
    out = run_cmd(["vtysh", "--vty_socket", vty_dir, "-c", "show bgp summary json"])
    try:
        j = json.loads(out)
    except ValueError:
        return 0
    total = 0
    for fam in j.values():
        if isinstance(fam, dict):
            total += int(((fam.get("peers") or {}).get(peer) or {}).get("pfxRcd", 0) or 0)
    return total


def file_count(path):
    try:
        with open(path) as f:
            return int(f.read().strip() or 0)
    except (OSError, ValueError):
        return 0


# ---------------------------------------------------------------- BIRD

def bird_conf(path, router_id, proto_lines, extra=""):
    with open(path, "w") as f:
        f.write(f"router id {router_id};\nprotocol device {{}}\n{extra}{proto_lines}")


def start_bird(procs, name, conf):
    sock = os.path.join(procs.work, f"{name}.ctl")
    p = procs.start(name, ["bird", "-f", "-c", conf, "-s", sock, "-P", os.path.join(procs.work, f"{name}.pid")])
    wait_for(lambda: run_cmd(["birdc", "-s", sock, "show", "status"]).find("Daemon is up") >= 0, 60,
             f"{name} did not come up (see {name}.log)")
    return p, sock


def bgp_block(name, local, local_port, peer, peer_port, passive, channels, disabled=False):
    lp = f" port {local_port}" if local_port else ""
    pp = f" port {peer_port}" if peer_port else ""
    return (f"protocol bgp {name} {{\n  local {local}{lp} as 65001;\n  neighbor {peer}{pp} as 65001;\n"
            f"  multihop;\n  passive {'on' if passive else 'off'};\n  connect delay time 0;\n"
            f"  connect retry time 1;\n  error wait time 1, 5;\n  hold time 240;\n"
            f"  {'disabled;' if disabled else ''}\n{channels}}}\n")


RECV_CHANNELS = "  ipv4 { import all; export none; };\n  ipv6 { import all; export none; };\n"


# ---------------------------------------------------------------- injectors

def herald_neighbor(peer, local, port, family, body, passive=False):
    conn = f"passive;\n    listen {port};" if passive else f"connect {port};"
    return (f"neighbor {peer} {{\n    router-id {local};\n    local-address {local};\n    local-as 65001;\n"
            f"    peer-as 65001;\n    hold-time 240;\n    {conn}\n"
            f"    family {{ {family} unicast; }}\n{body}}}\n")


def exa_conf(path, family, port, static_file=None, api_file=None):
    with open(path, "w") as f:
        if api_file:
            f.write(f'process loader {{\n    run /bin/sh -c "cat {api_file}; exec sleep 36000";\n'
                    f"    encoder text;\n}}\n")
            body = "    api {\n        processes [ loader ];\n    }\n"
            f.write(herald_neighbor(RECV_IP, INJ_IP, port, family, body))
        else:
            f.write(herald_neighbor(RECV_IP, INJ_IP, port, family, "    static {\n")[:-2])
            with open(static_file) as s:
                shutil.copyfileobj(s, f, 1 << 20)
            f.write("    }\n}\n")


def inject_case(injector, data, family, n, work):
    """One injection run: returns a result dict (time_s, injector_cpu_s, injector_rss_mib, ...)."""
    procs = Procs(work)
    recv_port = free_port()
    gobgp = injector == "gobgp-mrt"
    inj_port = free_port() if gobgp else None
    conf = os.path.join(work, "receiver.conf")
    bird_conf(conf, "10.30.0.1", bgp_block("inj", RECV_IP, recv_port, INJ_IP, inj_port, not gobgp,
                                           RECV_CHANNELS, disabled=gobgp))
    try:
        bird, sock = start_bird(procs, "receiver", conf)
        recv_cpu0 = cpu_s(bird.pid)
        extra_cpu = 0.0
        ds = lambda f: os.path.join(data, f)
        if injector.startswith("herald"):
            hconf = os.path.join(work, "herald.conf")
            api = {"herald-api-line": ds("api-line.txt"), "herald-api-group": ds("api-group.txt")}.get(injector)
            exa_conf(hconf, family, recv_port, static_file=ds("static.conf"), api_file=api)
            t0 = time.monotonic()
            inj = procs.start("injector", [HERALD, "run", hconf, "--log-level", "warn"], env=HERALD_ENV)
        elif injector.startswith("exabgp"):
            econf = os.path.join(work, "exabgp.conf")
            api = {"exabgp-api-line": ds("api-line.txt"), "exabgp-api-group": ds("api-group.txt")}.get(injector)
            exa_conf(econf, family, recv_port, static_file=ds("static.conf"), api_file=api)
            env = dict(EXABGP_ENV, exabgp_tcp_bind="")
            t0 = time.monotonic()
            inj = procs.start("injector", [EXABGP, econf], env=env)
        elif gobgp:
            api_port = free_port()
            gconf = os.path.join(work, "gobgp.toml")
            afi = "ipv4-unicast" if family == "ipv4" else "ipv6-unicast"
            with open(gconf, "w") as f:
                f.write(f'[global.config]\n  as = 65001\n  router-id = "{INJ_IP}"\n  port = {inj_port}\n'
                        f'  local-address-list = ["{INJ_IP}"]\n[[neighbors]]\n  [neighbors.config]\n'
                        f'    neighbor-address = "{RECV_IP}"\n    peer-as = 65001\n'
                        f'  [neighbors.transport.config]\n    passive-mode = true\n'
                        f'    local-address = "{INJ_IP}"\n  [neighbors.timers.config]\n    hold-time = 240\n'
                        f'  [[neighbors.afi-safis]]\n    [neighbors.afi-safis.config]\n      afi-safi-name = "{afi}"\n')
            t0 = time.monotonic()
            inj = procs.start("injector", ["gobgpd", "-f", gconf, "--api-hosts", f"127.0.0.1:{api_port}",
                                           "--pprof-disable", "-l", "warn"])
            wait_for(lambda: "Router-ID" in run_cmd(["gobgp", "-u", "127.0.0.1", "-p", str(api_port), "global"]),
                     60, "gobgpd API")
            run_cmd(["birdc", "-s", sock, "enable", "inj"])
            c0 = os.times()
            subprocess.run(["gobgp", "-u", "127.0.0.1", "-p", str(api_port), "mrt", "inject", "global",
                            ds("gobgp.mrt")], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=LIMIT)
            c1 = os.times()
            extra_cpu = (c1.children_user - c0.children_user) + (c1.children_system - c0.children_system)
        elif injector == "bird-static":
            bconf = os.path.join(work, "injector-bird.conf")
            ch = ("  ipv4 { import none; export all; };\n" if family == "ipv4" else
                  "  ipv6 { import none; export all; next hop address 2001:db8::1; };\n")
            with open(bconf, "w") as f:
                f.write(f"router id {INJ_IP};\nprotocol device {{}}\nprotocol static generated {{\n  {family};\n")
                with open(ds("bird.conf")) as s:
                    shutil.copyfileobj(s, f, 1 << 20)
                f.write("}\n")
                f.write(bgp_block("recv", INJ_IP, None, RECV_IP, recv_port, False, ch))
            t0 = time.monotonic()
            inj = procs.start("injector", ["bird", "-f", "-c", bconf, "-s", os.path.join(work, "injector.ctl"),
                                           "-P", os.path.join(work, "injector.pid")])
        elif injector == "frr-static":
            fconf = os.path.join(work, "frr.conf")
            vty = os.path.join(work, "frr-inj")
            os.makedirs(vty, exist_ok=True)
            with open(ds("frr.conf")) as s:
                maps, nets = s.read().split("!NETWORKS\n", 1)
            other = "ipv6" if family == "ipv4" else "ipv4"
            with open(fconf, "w") as f:
                f.write(f"frr defaults traditional\nhostname injector\nlog file {work}/frr.log debugging\n" + maps)
                f.write(f"router bgp 65001\n bgp router-id {INJ_IP}\n no bgp ebgp-requires-policy\n"
                        f" no bgp network import-check\n no bgp default ipv4-unicast\n"
                        f" neighbor {RECV_IP} remote-as 65001\n neighbor {RECV_IP} port {recv_port}\n"
                        f" neighbor {RECV_IP} update-source {INJ_IP}\n neighbor {RECV_IP} timers connect 1\n"
                        f" address-family {family} unicast\n  neighbor {RECV_IP} activate\n")
                f.write(nets)
                f.write(f" exit-address-family\n address-family {other} unicast\n"
                        f"  no neighbor {RECV_IP} activate\n exit-address-family\n")
            t0 = time.monotonic()
            inj = procs.start("injector", ["/usr/lib/frr/bgpd", "-f", fconf, "-i", os.path.join(vty, "bgpd.pid"),
                                           "--vty_socket", vty, "-z", os.path.join(vty, "zserv.api"),
                                           "-A", "127.0.0.1", "-P", "0", "-p", "0", "-l", INJ_IP, "-Z", "-n", "-S"])
        else:
            raise ValueError(injector)
        # BIRD 2.0.x as a sender can hold the end of a table feed until its main loop next wakes
        # (a 3 s idle poll): a birdc command wakes it, as an operator's would.
        poke = ((lambda: run_cmd(["birdc", "-s", os.path.join(work, "injector.ctl"), "show", "status"]))
                if injector == "bird-static" else (lambda: None))
        count = wait_for(lambda: poke() or ((c := bird_count(sock, "inj")) >= n and c), LIMIT,
                         f"{injector}: BIRD did not get all {n} routes within {LIMIT} s")
        t1 = time.monotonic()
        res = {"time_s": t1 - t0, "routes": count,
               "injector_cpu_s": cpu_s(inj.pid) + extra_cpu,
               "injector_rss_mib": status_kib(inj.pid, "VmHWM") / 1024,
               "receiver_cpu_s": cpu_s(bird.pid) - recv_cpu0}
        return res
    finally:
        procs.stop()


# ---------------------------------------------------------------- receive side

def receive_case(receiver, data, n, work):
    procs = Procs(work)
    port = free_port()
    try:
        if receiver == "herald":
            conf = os.path.join(work, "herald-recv.conf")
            sock = os.path.join(work, "herald.sock")
            with open(conf, "w") as f:
                f.write(herald_neighbor(FEED_IP, SINK_IP, port, "ipv4", "", passive=True)
                        .replace("family { ipv4 unicast; }", "family { ipv4 unicast; ipv6 unicast; }"))
            p = procs.start("receiver", [HERALD, "run", conf, "--control", sock, "--log-level", "warn"])
            wait_for(lambda: os.path.exists(sock), 30, "herald control socket")
            count = lambda: herald_count(sock, FEED_IP)
        elif receiver == "bird":
            conf = os.path.join(work, "bird-recv.conf")
            bird_conf(conf, SINK_IP, bgp_block("feed", SINK_IP, port, FEED_IP, None, True, RECV_CHANNELS))
            p, sock = start_bird(procs, "receiver", conf)
            count = lambda: bird_count(sock, "feed")
        elif receiver == "gobgp":
            api_port = free_port()
            gconf = os.path.join(work, "gobgp-recv.toml")
            afis = "".join(f'  [[neighbors.afi-safis]]\n    [neighbors.afi-safis.config]\n      afi-safi-name = "{a}"\n'
                           for a in ("ipv4-unicast", "ipv6-unicast"))
            with open(gconf, "w") as f:
                f.write(f'[global.config]\n  as = 65001\n  router-id = "{SINK_IP}"\n  port = {port}\n'
                        f'  local-address-list = ["{SINK_IP}"]\n[[neighbors]]\n  [neighbors.config]\n'
                        f'    neighbor-address = "{FEED_IP}"\n    peer-as = 65001\n'
                        f'  [neighbors.transport.config]\n    passive-mode = true\n'
                        f'  [neighbors.timers.config]\n    hold-time = 240\n{afis}')
            p = procs.start("receiver", ["gobgpd", "-f", gconf, "--api-hosts", f"127.0.0.1:{api_port}",
                                         "--pprof-disable", "-l", "warn"])
            wait_for(lambda: "Router-ID" in run_cmd(["gobgp", "-u", "127.0.0.1", "-p", str(api_port), "global"]),
                     60, "gobgpd API")
            count = lambda: gobgp_count(api_port, FEED_IP)
        elif receiver == "frr":
            vty = os.path.join(work, "frr-recv")
            os.makedirs(vty, exist_ok=True)
            conf = os.path.join(work, "frr-recv.conf")
            with open(conf, "w") as f:
                f.write(f"frr defaults traditional\nhostname receiver\nrouter bgp 65001\n bgp router-id {SINK_IP}\n"
                        f" no bgp ebgp-requires-policy\n neighbor {FEED_IP} remote-as 65001\n"
                        f" neighbor {FEED_IP} passive\n neighbor {FEED_IP} timers 80 240\n"
                        f" address-family ipv6 unicast\n  neighbor {FEED_IP} activate\n exit-address-family\n")
            p = procs.start("receiver", ["/usr/lib/frr/bgpd", "-f", conf, "-i", os.path.join(vty, "bgpd.pid"),
                                         "--vty_socket", vty, "-z", os.path.join(vty, "zserv.api"),
                                         "-A", "127.0.0.1", "-P", "0", "-p", str(port), "-l", SINK_IP,
                                         "-Z", "-n", "-S"])
            wait_for(lambda: "peers" in run_cmd(["vtysh", "--vty_socket", vty, "-c", "show bgp summary json"]),
                     60, "FRR bgpd")
            count = lambda: frr_count(vty, FEED_IP)
        elif receiver == "exabgp":
            conf = os.path.join(work, "exabgp-recv.conf")
            counter = os.path.join(work, "count")
            with open(conf, "w") as f:
                f.write(f'process counter {{\n    run {sys.executable} {os.path.join(HERE, "count-json.py")} {counter};\n'
                        f"    encoder json;\n}}\n")
                body = ("    api {\n        processes [ counter ];\n        receive {\n            parsed;\n"
                        "            update;\n        }\n    }\n")
                f.write(herald_neighbor(FEED_IP, SINK_IP, port, "ipv4", body, passive=True)
                        .replace("family { ipv4 unicast; }", "family { ipv4 unicast; ipv6 unicast; }")
                        .replace(f"    listen {port};\n", ""))
            env = dict(EXABGP_ENV, exabgp_tcp_bind=SINK_IP, exabgp_tcp_port=str(port))
            p = procs.start("receiver", [EXABGP, conf], env=env)
            wait_for(lambda: listening(SINK_IP, port), 60, "ExaBGP listener")
            count = lambda: file_count(counter)
        else:
            raise ValueError(receiver)
        wait_for(lambda: listening(SINK_IP, port), 60, f"{receiver} listener")
        rss0 = status_kib(p.pid, "VmRSS")
        cpu0 = cpu_s(p.pid)
        t0 = time.monotonic()
        feeder = procs.start("feeder", [sys.executable, os.path.join(HERE, "feeder.py"), SINK_IP, str(port),
                                        FEED_IP, *[os.path.join(d, "feed.bin") for d in data]])
        got = wait_for(lambda: (c := count()) >= n and c, LIMIT,
                       f"{receiver}: did not hold all {n} routes within {LIMIT} s", interval=0.05)
        t1 = time.monotonic()
        time.sleep(0.5)  # let allocations settle before reading resident memory
        rss1 = status_kib(p.pid, "VmRSS")
        return {"time_s": t1 - t0, "routes": got, "receiver_cpu_s": cpu_s(p.pid) - cpu0,
                "receiver_rss_mib": status_kib(p.pid, "VmHWM") / 1024,
                "bytes_per_route": max(0, rss1 - rss0) * 1024 / n, "feeder_cpu_s": cpu_s(feeder.pid)}
    finally:
        procs.stop()


def listening(ip, port):
    """True once a socket listens on ip:port (read from /proc/net/tcp; no connection made)."""
    return port_in_listen(ip, port)


def port_in_listen(ip, port):
    """A listening socket on `port`, bound to `ip` or to any address (IPv4 or IPv6)."""
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as f:
                for line in f.readlines()[1:]:
                    local, state = line.split()[1], line.split()[3]
                    if state == "0A" and local.endswith(":%04X" % port):
                        return True
        except OSError:
            pass
    return False


# ---------------------------------------------------------------- driver

def summarize(samples):
    keys = [k for k in samples[0] if isinstance(samples[0][k], (int, float)) and k != "routes"]
    out = {}
    for k in keys:
        vals = [s[k] for s in samples]
        out[k] = {"median": statistics.median(vals), "min": min(vals), "max": max(vals)}
    out["runs"] = len(samples)
    return out


def dataset(family, n):
    d = os.path.join(CACHE, f"{family}-{n}")
    if not os.path.exists(os.path.join(d, "meta.json")):
        log(f"generating {family} {n} routes in {d}")
        subprocess.run([sys.executable, os.path.join(HERE, "gen.py"), family, str(n), d], check=True)
    with open(os.path.join(d, "meta.json")) as f:
        return d, json.load(f)


def main():
    global HERALD, EXABGP, CACHE, LIMIT
    HERALD = os.environ.get("HERALD_BIN", os.path.join(ROOT, "target/release/herald"))
    EXABGP = os.environ.get("EXABGP", os.path.expanduser("~/.cache/herald/exabgp-venv/bin/exabgp"))
    CACHE = os.environ.get("DATA", os.path.expanduser("~/.cache/herald/compare-data"))
    LIMIT = float(os.environ.get("LIMIT", "600"))
    out_dir = os.environ.get("OUT", os.path.join(ROOT, "docs/benchmarks"))
    runs = int(os.environ.get("RUNS", "3"))
    sizes = [int(x) for x in os.environ.get("SIZES", "10000 100000 1000000").split()]
    v6 = int(os.environ.get("V6", "100000"))
    injectors = os.environ.get("INJECTORS", " ".join(INJECTORS)).split()
    receivers = os.environ.get("RECEIVERS", " ".join(RECEIVERS)).split()
    recv_n = int(os.environ.get("RECEIVE_N", "1000000"))
    os.makedirs(out_dir, exist_ok=True)
    results = {"date": time.strftime("%Y-%m-%d"), "machine": machine(), "runs": runs, "limit_s": LIMIT,
               "versions": versions(), "inject": [], "receive": []}
    tables = [("ipv4", n) for n in sizes] + ([("ipv6", v6)] if v6 else [])
    for inj in injectors:
        done = {}
        for family, n in tables:
            d, meta = dataset(family, n)
            case = {"injector": inj, "family": family, "routes": n, "attribute_sets": meta["attribute_sets"]}
            # Projected from the largest smaller table of the family, else of any family (an IPv6
            # table from the IPv4 ones: a rough guide, enough to skip what would run for hours).
            smaller = [(m, t, f) for (f, m), t in done.items() if f == family and m < n]
            smaller = smaller or [(m, t, f) for (f, m), t in done.items() if m < n]
            if smaller:
                m, t, f = max(smaller)
                projected = t * n / m
                if projected > LIMIT:
                    words = f"{m} routes" if f == family else f"{m} {f} routes"
                    case.update(skipped=f"projected {projected:.0f} s from {words} (limit {LIMIT:.0f} s)",
                                rate_from=m, routes_per_s=m / t)
                    log(f"{inj} {family} {n}: skipped, {case['skipped']}")
                    results["inject"].append(case)
                    continue
            samples = run_case(case, runs, f"{inj} {family} {n}", f"{inj}-{family}-{n}",
                               lambda work: inject_case(inj, d, family, n, work),
                               lambda s: f"CPU {s['injector_cpu_s']:.2f} s, RSS {s['injector_rss_mib']:.0f} MiB")
            if samples:
                case.update(summarize(samples))
                case["routes_per_s"] = n / case["time_s"]["median"]
                done[(family, n)] = case["time_s"]["median"]
            results["inject"].append(case)
            save(results, out_dir)
    if receivers:
        d4, _ = dataset("ipv4", recv_n)
        for rcv in receivers:
            case = {"receiver": rcv, "routes": recv_n}
            samples = run_case(case, runs, f"receive {rcv}", f"receive-{rcv}",
                               lambda work: receive_case(rcv, [d4], recv_n, work),
                               lambda s: f"RSS {s['receiver_rss_mib']:.0f} MiB, {s['bytes_per_route']:.0f} B/route")
            if samples:
                case.update(summarize(samples))
                case["routes_per_s"] = recv_n / case["time_s"]["median"]
            results["receive"].append(case)
            save(results, out_dir)
    pairs = int(os.environ.get("FLOOR_PAIRS", "7"))
    if pairs and "bird" in receivers and "herald-config" in injectors:
        results["floor"] = floor_pairs(pairs, recv_n)
    save(results, out_dir)
    subprocess.run([os.environ.get("REPORT_PYTHON", sys.executable), os.path.join(HERE, "report.py"), out_dir],
                   check=True)


def floor_pairs(pairs, n):
    """The raw feeder into BIRD, then herald from its configuration into BIRD, `pairs` times
    back to back: each pair's ratio, and the median."""
    d, _ = dataset("ipv4", n)
    out = {"routes": n, "pairs": []}
    for r in range(pairs):
        with tempfile.TemporaryDirectory(prefix="herald-cmp-") as work:
            try:
                fw, hw = os.path.join(work, "feeder"), os.path.join(work, "herald")
                os.makedirs(fw)
                os.makedirs(hw)
                f = receive_case("bird", [d], n, fw)
                h = inject_case("herald-config", d, "ipv4", n, hw)
            except Exception as e:  # reported; the pairs measured so far stand
                keep = os.path.join(CACHE, "failed", f"floor-{r}")
                keep_logs(work, keep)
                log(f"floor pair {r + 1}: FAILED: {e} (logs in {keep})")
                out["error"] = str(e)
                break
        pair = {"feeder_s": f["time_s"], "herald_s": h["time_s"], "ratio": h["time_s"] / f["time_s"]}
        out["pairs"].append(pair)
        log(f"floor pair {r + 1}: feeder {pair['feeder_s']:.2f} s, herald {pair['herald_s']:.2f} s, "
            f"{pair['ratio']:.2f}x")
    if out["pairs"]:
        for k in ("feeder_s", "herald_s", "ratio"):
            vals = [p[k] for p in out["pairs"]]
            out[k] = {"median": statistics.median(vals), "min": min(vals), "max": max(vals)}
    return out


def run_case(case, runs, name, tag, one, describe):
    """Run `one(work_dir)` up to `runs` times and return its samples. A failure is noted in
    `case` (its logs kept under CACHE/failed/TAG-RUN) and ends the case; a first run of over
    ONE_RUN_S seconds is not repeated (`case["runs"]` says so)."""
    samples = []
    for r in range(runs):
        with tempfile.TemporaryDirectory(prefix="herald-cmp-") as work:
            try:
                s = one(work)
            except Exception as e:  # a failed case is reported, the run goes on
                keep = os.path.join(CACHE, "failed", f"{tag}-{r}")
                keep_logs(work, keep)
                log(f"{name} run {r + 1}: FAILED: {e} (logs in {keep})")
                case["error"] = str(e)
                break
        samples.append(s)
        log(f"{name} run {r + 1}: {s['time_s']:.2f} s, {describe(s)}")
        if s["time_s"] > ONE_RUN_S:
            case["runs"] = 1  # a case of minutes is not repeated
            break
    return samples


def keep_logs(work, keep):
    """Copy a failed case's logs (not its large configurations or sockets) to `keep`."""
    shutil.rmtree(keep, ignore_errors=True)
    os.makedirs(keep, exist_ok=True)
    for dirpath, _, files in os.walk(work):
        for f in files:
            if f.endswith(".log"):
                shutil.copy(os.path.join(dirpath, f), os.path.join(keep, f))


def save(results, out_dir):
    with open(os.path.join(out_dir, "compare.json"), "w") as f:
        json.dump(results, f, indent=1)


def machine():
    cpu = ""
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), "")
    except OSError:
        pass
    mem = status_mem()
    return {"cpus": os.cpu_count(), "cpu": cpu, "memory_gib": mem, "kernel": platform.release()}


def status_mem():
    try:
        with open("/proc/meminfo") as f:
            return round(int(f.readline().split()[1]) / 1024 / 1024)
    except (OSError, ValueError, IndexError):
        return 0


def versions():
    v = {}
    v["herald"] = run_cmd([HERALD, "--version"]).strip()
    v["exabgp"] = next((l for l in run_cmd([EXABGP, "version"]).splitlines() if "ExaBGP" in l), "").strip()
    v["gobgp"] = run_cmd(["gobgpd", "--version"]).strip()
    v["bird"] = (subprocess.run(["bird", "--version"], capture_output=True, text=True).stderr or "").strip()
    v["frr"] = next((l for l in run_cmd(["/usr/lib/frr/bgpd", "--version"]).splitlines() if "version" in l), "").strip()
    return v


if __name__ == "__main__":
    main()
