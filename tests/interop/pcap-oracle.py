#!/usr/bin/env python3
"""ExaBGP's decoding of every BGP message of the sample captures: the oracle of
crates/herald/tests/pcap_json.rs.

    tests/interop/pcap-oracle.py [--check] [--no-build] [CAPTURE.cap ...]

For each capture in crates/herald/tests/data/pcap/ (or those named), the messages are read with
herald's own capture reader (crates/herald/examples/pcap_messages.rs: the same messages, in the
same order, as `herald decode --pcap` prints, each with herald's decoding context: 4-octet AS,
ADD-PATH families of its direction). Every OPEN, UPDATE and NOTIFICATION is then given to

    exabgp decode -c <config> <hex>

(ExaBGP 5.0.15; exabgp_log_enable=false) with a one-neighbor config rendering that context:
`asn4 enable|disable`, `add-path send/receive` when the direction carries path identifiers
(ExaBGP's decode applies it to every family; the script refuses a context where that would be
wrong), `aigp enable` (so that a received AIGP is parsed, not dropped), `family { all; }`, and
the addresses, ASNs and router-id herald printed for the message (placeholders 65533 /
10.0.0.2 where herald has no OPEN to learn them from; ExaBGP only echoes these in the envelope).
Without -c, ExaBGP would assume 4-octet AS and no ADD-PATH.

KEEPALIVE and ROUTE-REFRESH are not decoded by `exabgp decode` ("unknown type 4/5"): their
oracle line is {"exabgp-decode": "not-supported", "type": "keepalive"|"refresh"}.

Output: crates/herald/tests/data/pcap/oracle/<capture>.jsonl, one line per message of
`herald decode --pcap <capture>` in the same order, ExaBGP's JSON line as printed except for the
volatile envelope fields: "time": 0.0, "host" : "oracle", "pid" : 0, "ppid" : 0, "counter": 0.
A message ExaBGP fails on is recorded as {"exabgp-decode-error": "<its output>"}.
The oracle README.md is rewritten with the tool, version, command and date.

--check    regenerate into a temporary directory and compare with the committed oracle
           (exit 1 on a difference); nothing in the repository changes.
--no-build use the existing target/debug/herald and target/debug/examples/pcap_messages.

Environment: HERALD_EXABGP (default /opt/exabgp-venv/bin/exabgp, else
${HERALD_TEST_VENV:-~/.cache/herald/exabgp-venv}/bin/exabgp), JOBS (parallel exabgp runs, 2).
"""

import concurrent.futures
import datetime
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PCAPS = ROOT / "crates/herald/tests/data/pcap"
ORACLE = PCAPS / "oracle"
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target")) / "debug"
HERALD = TARGET / "herald"
DUMP = TARGET / "examples/pcap_messages"


def find_exabgp():
    if os.environ.get("HERALD_EXABGP"):
        return os.environ["HERALD_EXABGP"]
    for p in ("/opt/exabgp-venv/bin/exabgp",
              os.path.join(os.environ.get("HERALD_TEST_VENV",
                                          os.path.expanduser("~/.cache/herald/exabgp-venv")),
                           "bin/exabgp")):
        if os.access(p, os.X_OK):
            return p
    sys.exit("pcap-oracle: no exabgp found (set HERALD_EXABGP)")


EXABGP = find_exabgp()
ENV = dict(os.environ, exabgp_log_enable="false")

CONFIG = """\
# exabgp decode -c context rendered by tests/interop/pcap-oracle.py
neighbor {peer} {{
    router-id {router_id};
    local-address {local};
    local-as {local_as};
    peer-as {peer_as};
    family {{
        all;
    }}
    capability {{
        asn4 {asn4};
        aigp enable;
{add_path}    }}
}}
"""

ENVELOPE = [
    (re.compile(r'"time": [0-9.eE+-]+'), '"time": 0.0'),
    (re.compile(r'"host" : "[^"]*"'), '"host" : "oracle"'),
    (re.compile(r'"pid" : [0-9]+'), '"pid" : 0'),
    (re.compile(r'"ppid" : [0-9]+'), '"ppid" : 0'),
    (re.compile(r'"counter": [0-9]+'), '"counter": 0'),
]

KINDS = {1: "open", 2: "update", 3: "notification", 4: "keepalive", 5: "refresh"}


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw).stdout


def messages(cap):
    """(context, herald JSON) per message of the capture, in herald's order."""
    dumped = [l.split("\t") for l in run([str(DUMP), str(cap)]).splitlines()]
    herald = run([str(HERALD), "decode", "--pcap", str(cap)]).splitlines()
    if len(dumped) != len(herald):
        sys.exit(f"pcap-oracle: {cap.name}: {len(dumped)} messages read but herald decode "
                 f"printed {len(herald)} lines")
    out = []
    for (idx, src, dst, asn4, add_path, negotiated, hexa), line in zip(dumped, herald):
        out.append(({"index": int(idx), "src": src, "dst": dst, "asn4": asn4 == "yes",
                     "add_path": [] if add_path == "none" else add_path.split(","),
                     "negotiated": negotiated == "yes", "hex": hexa}, json.loads(line)))
    return out


def config_text(ctx, herald):
    n = herald["neighbor"]
    fams = set()
    body = bytes.fromhex(ctx["hex"])
    if ctx["add_path"]:
        # ExaBGP's decode turns ADD-PATH on for every family: only right when the message's
        # families all carry path identifiers in this direction.
        if body[18] == 2 and "update" in herald["neighbor"].get("message", {}):
            u = herald["neighbor"]["message"]["update"]
            fams = set(u.get("announce", {})) | set(u.get("withdraw", {}))
        elif body[18] == 2:
            fams = {"{afi} {safi}".format(**herald["neighbor"]["message"]["eor"])}
        missing = fams - set(ctx["add_path"])
        if missing:
            sys.exit(f"pcap-oracle: message {ctx['index']}: ADD-PATH only for "
                     f"{ctx['add_path']} but it carries {sorted(missing)}")
    return CONFIG.format(
        peer=n["address"]["peer"],
        local=n["address"]["local"],
        local_as=n["asn"]["local"] or 65533,
        peer_as=n["asn"]["peer"] or 65533,
        router_id=n["router-id"] if n["router-id"] != "0.0.0.0" else "10.0.0.2",
        asn4="enable" if ctx["asn4"] else "disable",
        add_path="        add-path send/receive;\n" if ctx["add_path"] else "",
    )


def oracle_line(work, cap, ctx, herald):
    kind = bytes.fromhex(ctx["hex"])[18]
    if kind not in (1, 2, 3):
        return json.dumps({"exabgp-decode": "not-supported", "type": KINDS.get(kind, kind)})
    conf = work / f"{cap.stem}-{ctx['index']}.conf"
    conf.write_text(config_text(ctx, herald))
    p = subprocess.run([EXABGP, "decode", "-c", str(conf), ctx["hex"]], env=ENV,
                       capture_output=True, text=True)
    lines = [l for l in p.stdout.splitlines() if l.startswith("{")]
    if p.returncode != 0 or len(lines) != 1:
        print(f"pcap-oracle: warning: exabgp decode failed on {cap.name} message "
              f"{ctx['index']}; recording the error", file=sys.stderr)
        return json.dumps({"exabgp-decode-error": (p.stdout + p.stderr).strip()})
    line = lines[0]
    for pat, rep in ENVELOPE:
        line = pat.sub(rep, line, count=1)
    return line


def generate(caps, dest):
    dest.mkdir(parents=True, exist_ok=True)
    jobs = int(os.environ.get("JOBS", "2"))
    with tempfile.TemporaryDirectory(prefix="herald-pcap-oracle.") as tmp, \
            concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        work = Path(tmp)
        for cap in caps:
            msgs = messages(cap)
            lines = list(pool.map(lambda m: oracle_line(work, cap, *m), msgs))
            (dest / f"{cap.name}.jsonl").write_text("".join(l + "\n" for l in lines))
            decoded = sum(1 for l in lines if not l.startswith('{"exabgp-decode'))
            print(f"pcap-oracle: {cap.name}: {len(lines)} messages, {decoded} decoded by ExaBGP",
                  file=sys.stderr)


def readme(caps):
    version = re.search(r"ExaBGP : (\S+)", run([EXABGP, "version"], env=ENV)).group(1)
    date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d")
    return f"""# ExaBGP oracle for the sample captures

`<capture>.jsonl`: for each message `herald decode --pcap ../<capture>` prints, in the same
order, the line ExaBGP {version} (`{EXABGP}`) printed for it with
`exabgp_log_enable=false exabgp decode -c <config> <hex>`, where `<config>` renders herald's
decoding context of that message (4-octet AS, ADD-PATH of its direction; `aigp enable`;
`family {{ all; }}`). Envelope fields normalised: `"time": 0.0, "host" : "oracle", "pid" : 0,
"ppid" : 0, "counter": 0`; the neighbor addresses/ASNs/router-id come from herald's output
(ExaBGP only echoes its config there). KEEPALIVE and ROUTE-REFRESH, which `exabgp decode`
does not decode, are `{{"exabgp-decode": "not-supported", "type": …}}` lines.

Produced {date} by `tests/interop/pcap-oracle.py` (see its docstring; `--check` verifies the
files here are up to date) from {len(caps)} captures. Checked by
`cargo test -p herald --test pcap_json`.
"""


def main(argv):
    check = "--check" in argv
    build = "--no-build" not in argv
    names = [a for a in argv if not a.startswith("--")]
    caps = [PCAPS / n for n in names] if names else sorted(PCAPS.glob("*.cap"))
    if build:
        subprocess.run(["cargo", "build", "-q", "-p", "herald", "--bin", "herald",
                        "--example", "pcap_messages"], cwd=ROOT, check=True)
    if not check:
        generate(caps, ORACLE)
        if not names:
            (ORACLE / "README.md").write_text(readme(caps))
        return 0
    with tempfile.TemporaryDirectory(prefix="herald-pcap-oracle-check.") as tmp:
        generate(caps, Path(tmp))
        bad = [c.name for c in caps
               if not (ORACLE / f"{c.name}.jsonl").exists()
               or (Path(tmp) / f"{c.name}.jsonl").read_text()
               != (ORACLE / f"{c.name}.jsonl").read_text()]
    for b in bad:
        print(f"pcap-oracle: {b}: committed oracle differs from a fresh run", file=sys.stderr)
    print(f"pcap-oracle: {len(caps) - len(bad)} up to date, {len(bad)} differ", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
