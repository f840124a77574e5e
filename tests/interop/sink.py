#!/usr/bin/env python3
"""A tiny BGP speaker that records what a real peer sends (Python 3 stdlib only).

It either listens on ADDR:PORT for one connection (--listen) or connects to ADDR:PORT
(--connect, optionally from --bind ADDR). It answers the peer's OPEN with an OPEN that mirrors
the peer's capabilities: multiprotocol for every family the peer offered, 4-octet AS (unless
--no-asn4), route refresh, graceful restart if the peer offered it
(GoBGP sends End-of-RIB only when graceful restart is negotiated; restart time 0, no
forwarding state), and, with --add-path, ADD-PATH "receive" for every family the peer offered
to send. It sends KEEPALIVEs and announces nothing, unless --send FILE names messages to replay.

Every message received (OPEN, UPDATE, KEEPALIVE, ...) is written to --out as one line of
upper-case hex, 19-octet header included, in arrival order. It exits 0 after the peer's
End-of-RIB for every negotiated family (sending a Cease/administrative shutdown NOTIFICATION
first), or exits 2 after --timeout seconds. --info writes a JSON summary of the session
(peer OPEN fields, negotiated asn4 / add-path / families, message counts).

With --send FILE (hex lines with header, as --out writes them; `#` lines skipped) it sends
those messages once the peer's first KEEPALIVE arrived, then keeps the session up (it does not
stop at the End-of-RIBs) until the peer closes it, --timeout, or it is signalled.
Only ever binds or connects to the addresses given on the command line.
"""

import argparse
import json
import select
import signal
import socket
import struct
import sys
import time

MARKER = b"\xff" * 16
OPEN, UPDATE, NOTIFICATION, KEEPALIVE, ROUTE_REFRESH = 1, 2, 3, 4, 5
CAP_MP, CAP_RR, CAP_GR, CAP_ASN4, CAP_ADDPATH = 1, 2, 64, 65, 69
AS_TRANS = 23456
FAMILY_NAMES = {(1, 1): "ipv4/unicast", (2, 1): "ipv6/unicast", (1, 2): "ipv4/multicast",
                (2, 2): "ipv6/multicast"}


def fam_name(afi, safi):
    return FAMILY_NAMES.get((afi, safi), f"{afi}/{safi}")


def log(msg):
    stamp = time.strftime("%H:%M:%S", time.localtime()) + f".{int(time.time() * 1000) % 1000:03d}"
    sys.stderr.write(f"sink {stamp}: {msg}\n")
    sys.stderr.flush()


def message(kind, body=b""):
    return MARKER + struct.pack("!HB", 19 + len(body), kind) + body


def parse_cap_list(pval):
    """(code, value) pairs from the value of one Capabilities optional parameter (RFC 5492)."""
    caps = []
    j = 0
    while j + 2 <= len(pval):
        code, clen = pval[j], pval[j + 1]
        caps.append((code, pval[j + 2:j + 2 + clen]))
        j += 2 + clen
    return caps


def parse_open(body):
    version, my_as, hold, bgp_id, opt_len = struct.unpack("!BHH4sB", body[:10])
    caps = []
    if opt_len == 255 and len(body) >= 13 and body[10] == 255:  # RFC 9072 extended length
        ext_len = struct.unpack("!H", body[11:13])[0]
        raw, i, hdr = body[13:13 + ext_len], 0, 3
    else:
        raw, i, hdr = body[10:10 + opt_len], 0, 2
    while i + hdr <= len(raw):
        ptype = raw[i]
        plen = raw[i + 1] if hdr == 2 else struct.unpack("!H", raw[i + 1:i + 3])[0]
        pval = raw[i + hdr:i + hdr + plen]
        i += hdr + plen
        if ptype == 2:
            caps.extend(parse_cap_list(pval))
    info = {"version": version, "my_as": my_as, "hold_time": hold,
            "bgp_id": socket.inet_ntoa(bgp_id), "families": [], "asn4": None,
            "route_refresh": False, "graceful_restart": False, "add_path": {},
            "capability_codes": []}
    for code, val in caps:
        info["capability_codes"].append(code)
        if code == CAP_MP and len(val) >= 4:
            afi, _, safi = struct.unpack("!HBB", val[:4])
            info["families"].append((afi, safi))
        elif code == CAP_ASN4 and len(val) >= 4:
            info["asn4"] = struct.unpack("!I", val[:4])[0]
        elif code == CAP_RR:
            info["route_refresh"] = True
        elif code == CAP_GR:
            info["graceful_restart"] = True
        elif code == CAP_ADDPATH:
            for k in range(0, len(val) - 3, 4):
                afi, safi, mode = struct.unpack("!HBB", val[k:k + 4])
                info["add_path"][(afi, safi)] = mode
    return info


def build_open(asn, router_id, hold, families, asn4, add_path_receive, graceful_restart):
    caps = b""
    for afi, safi in families:
        caps += struct.pack("!BBHBB", CAP_MP, 4, afi, 0, safi)
    caps += struct.pack("!BB", CAP_RR, 0)
    if graceful_restart:
        # RFC 4724: restart flags 0, restart time 0, every family without Forwarding State.
        val = b"\x00\x00" + b"".join(struct.pack("!HBB", afi, safi, 0) for afi, safi in families)
        caps += struct.pack("!BB", CAP_GR, len(val)) + val
    if asn4:
        caps += struct.pack("!BBI", CAP_ASN4, 4, asn)
    if add_path_receive:
        val = b"".join(struct.pack("!HBB", afi, safi, 1) for afi, safi in add_path_receive)
        caps += struct.pack("!BB", CAP_ADDPATH, len(val)) + val
    opt = struct.pack("!BB", 2, len(caps)) + caps
    my_as = asn if asn <= 0xFFFF else AS_TRANS
    body = struct.pack("!BHH4sB", 4, my_as, hold, socket.inet_aton(router_id), len(opt)) + opt
    return message(OPEN, body)


def end_of_rib_family(body):
    """Return (afi, safi) if this UPDATE body is an End-of-RIB marker (RFC 4724 §2), else None."""
    if len(body) < 4:
        return None
    wlen = struct.unpack("!H", body[:2])[0]
    if wlen != 0:
        return None
    alen = struct.unpack("!H", body[2:4])[0]
    attrs = body[4:4 + alen]
    if alen == 0 and len(body) == 4:
        return (1, 1)
    if len(body) != 4 + alen:
        return None  # NLRI present
    # exactly one attribute: MP_UNREACH_NLRI with AFI/SAFI and nothing else
    if len(attrs) < 3:
        return None
    flags, code = attrs[0], attrs[1]
    if flags & 0x10:
        if len(attrs) < 4:
            return None
        length = struct.unpack("!H", attrs[2:4])[0]
        value = attrs[4:]
    else:
        length = attrs[2]
        value = attrs[3:]
    if code != 15 or length != 3 or len(value) != 3:
        return None
    afi, safi = struct.unpack("!HB", value)
    return (afi, safi)


class Peer:
    def __init__(self, sock):
        self.sock = sock
        self.buf = b""

    def read_messages(self, timeout):
        """Return a list of (kind, raw) messages available within timeout; None on EOF."""
        r, _, _ = select.select([self.sock], [], [], max(0.0, timeout))
        if r:
            data = self.sock.recv(65536)
            if not data:
                return None
            self.buf += data
        out = []
        while len(self.buf) >= 19:
            if self.buf[:16] != MARKER:
                raise ValueError("bad marker from peer")
            length, kind = struct.unpack("!HB", self.buf[16:19])
            if length < 19 or len(self.buf) < length:
                if length < 19:
                    raise ValueError(f"bad length {length}")
                break
            out.append((kind, self.buf[:length]))
            self.buf = self.buf[length:]
        return out


class Stop(Exception):
    """SIGTERM: end the session and write the summary."""


def on_term(_signum, _frame):
    raise Stop()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--listen", metavar="ADDR:PORT", help="accept one connection on ADDR:PORT")
    g.add_argument("--connect", metavar="ADDR:PORT", help="connect to ADDR:PORT")
    ap.add_argument("--bind", metavar="ADDR", help="source address for --connect")
    ap.add_argument("--asn", type=int, required=True, help="our AS number")
    ap.add_argument("--router-id", default="192.0.2.250")
    ap.add_argument("--hold", type=int, default=90)
    ap.add_argument("--no-asn4", action="store_true", help="do not offer 4-octet AS")
    ap.add_argument("--no-graceful-restart", action="store_true",
                    help="do not mirror the peer's graceful restart capability")
    ap.add_argument("--add-path", action="store_true",
                    help="offer ADD-PATH receive for families the peer can send")
    ap.add_argument("--out", required=True, help="file for one hex line per received message")
    ap.add_argument("--info", help="file for a JSON summary of the session")
    ap.add_argument("--timeout", type=float, default=30.0)
    ap.add_argument("--verbose", action="store_true", help="log every message received")
    ap.add_argument("--ready-file", help="create this file once listening (--listen)")
    ap.add_argument("--eor-file", help="create this file once End-of-RIB was seen for every family")
    ap.add_argument("--after-eor", type=int, default=0, metavar="N",
                    help="after the End-of-RIBs, keep recording until N more UPDATEs arrived")
    ap.add_argument("--send", metavar="FILE",
                    help="messages (hex lines) to send once the session is established")
    args = ap.parse_args()
    to_send = []
    if args.send:
        with open(args.send, encoding="ascii") as f:
            to_send = [bytes.fromhex(l.strip()) for l in f if l.strip() and not l.startswith("#")]

    deadline = time.monotonic() + args.timeout
    signal.signal(signal.SIGTERM, on_term)
    if args.listen:
        addr, port = args.listen.rsplit(":", 1)
        ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        ls.bind((addr, int(port)))
        ls.listen(1)
        log(f"listening on {addr}:{port}")
        if args.ready_file:
            with open(args.ready_file, "w", encoding="ascii") as f:
                f.write(f"{addr}:{port}\n")
        r, _, _ = select.select([ls], [], [], args.timeout)
        if not r:
            log("timeout waiting for a connection")
            return 2
        sock, remote = ls.accept()
        ls.close()
    else:
        addr, port = args.connect.rsplit(":", 1)
        while True:
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            if args.bind:
                sock.bind((args.bind, 0))
            try:
                sock.connect((addr, int(port)))
                break
            except OSError as exc:
                sock.close()
                if time.monotonic() > deadline:
                    log(f"could not connect to {addr}:{port}: {exc}")
                    return 2
                time.sleep(0.1)
        remote = (addr, int(port))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    log(f"session with {remote[0]}:{remote[1]}")
    peer = Peer(sock)

    out = open(args.out, "w", encoding="ascii")
    counts = {}
    peer_open = None
    expected_eor = set()
    seen_eor = []
    all_eor = False
    after_eor = 0
    add_path_receive = []
    sent_open_hex = None
    keepalive_every = max(1.0, args.hold / 3.0)
    next_keepalive = None
    rc = 2
    reason = "timeout"
    established = False
    try:
        while True:
            now = time.monotonic()
            if now >= deadline:
                break
            wait = deadline - now
            if next_keepalive is not None:
                if now >= next_keepalive:
                    sock.sendall(message(KEEPALIVE))
                    next_keepalive = now + keepalive_every
                wait = min(wait, max(0.0, next_keepalive - now))
            msgs = peer.read_messages(wait)
            if msgs is None:
                reason = "peer closed the connection"
                break
            for kind, raw in msgs:
                if args.verbose:
                    log(f"received type {kind}, {len(raw)} octets")
                out.write(raw.hex().upper() + "\n")
                out.flush()
                counts[kind] = counts.get(kind, 0) + 1
                body = raw[19:]
                if kind == OPEN and peer_open is None:
                    peer_open = parse_open(body)
                    families = peer_open["families"] or [(1, 1)]
                    expected_eor = set(families)
                    if args.add_path:
                        add_path_receive = [f for f in families
                                            if peer_open["add_path"].get(f, 0) & 2]
                    asn4 = (not args.no_asn4) and peer_open["asn4"] is not None
                    peer_open["negotiated"] = {
                        "asn4": asn4,
                        "add_path_receive": [fam_name(*f) for f in add_path_receive],
                        "families": [fam_name(*f) for f in families],
                    }
                    our_open = build_open(args.asn, args.router_id, args.hold,
                                          peer_open["families"], not args.no_asn4,
                                          add_path_receive,
                                          peer_open["graceful_restart"]
                                          and not args.no_graceful_restart)
                    sent_open_hex = our_open.hex().upper()
                    sock.sendall(our_open)
                    sock.sendall(message(KEEPALIVE))
                    next_keepalive = time.monotonic() + keepalive_every
                elif kind == UPDATE:
                    fam = end_of_rib_family(body)
                    if all_eor:
                        after_eor += 1
                    elif fam is not None:
                        seen_eor.append(fam_name(*fam))
                        expected_eor.discard(fam)
                elif kind == NOTIFICATION:
                    reason = f"NOTIFICATION {body[:2].hex()} data {body[2:].hex()}"
                    log(reason)
                elif kind == KEEPALIVE and peer_open is not None and not established:
                    established = True
                    if to_send:
                        sock.sendall(b"".join(to_send))
                        log(f"sent {len(to_send)} messages from {args.send}")
            if peer_open is not None and not expected_eor and not all_eor:
                all_eor = True
                if args.eor_file:
                    with open(args.eor_file, "w", encoding="ascii") as f:
                        f.write(" ".join(seen_eor) + "\n")
            if all_eor and after_eor >= args.after_eor and not args.send:
                reason = "End-of-RIB for every family"
                if args.after_eor:
                    reason += f", then {after_eor} UPDATEs"
                rc = 0
                # Cease / Administrative Shutdown (RFC 4486), then close.
                try:
                    sock.sendall(message(NOTIFICATION, bytes([6, 2])))
                except OSError:
                    pass
                break
            if reason.startswith("NOTIFICATION"):
                break
    except Stop:
        reason = "stopped by SIGTERM"
        rc = 0 if args.send and established else 2
    finally:
        out.close()
        sock.close()
    names = {OPEN: "open", UPDATE: "update", NOTIFICATION: "notification",
             KEEPALIVE: "keepalive", ROUTE_REFRESH: "route-refresh"}
    summary = {
        "result": reason,
        "peer_open": None if peer_open is None else {
            k: v for k, v in peer_open.items() if k not in ("families", "add_path")},
        "peer_families": [] if peer_open is None else [fam_name(*f) for f in peer_open["families"]],
        "peer_add_path": {} if peer_open is None else {
            fam_name(*f): {1: "receive", 2: "send", 3: "send/receive"}.get(m, str(m))
            for f, m in peer_open["add_path"].items()},
        "end_of_rib": seen_eor,
        "updates_after_end_of_rib": after_eor,
        "sent_open": sent_open_hex,
        "missing_end_of_rib": sorted(fam_name(*f) for f in expected_eor),
        "received": {names.get(k, str(k)): v for k, v in sorted(counts.items())},
    }
    if args.info:
        with open(args.info, "w", encoding="utf-8") as f:
            json.dump(summary, f, indent=1, sort_keys=True)
            f.write("\n")
    log(f"{reason}; received {summary['received']}")
    return rc


if __name__ == "__main__":
    sys.exit(main())
