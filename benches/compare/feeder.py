#!/usr/bin/env python3
"""Raw BGP feeder: connect, OPEN, then write pre-encoded UPDATE files as fast as the peer reads.

usage: feeder.py PEER_IP PORT LOCAL_IP FEED.bin [FEED.bin ...]

IBGP as AS 65001, BGP identifier LOCAL_IP, hold time 240 s; capabilities: multiprotocol IPv4 and
IPv6 unicast, route refresh, 4-octet AS. Once the peer's OPEN and KEEPALIVE are in, every file is
written with one sendall (each ends with its End-of-RIB), then the session is kept up with a
KEEPALIVE every 30 s until the process is killed. Exits 1 on a NOTIFICATION or a closed session.
"""
import socket
import struct
import sys
import threading
import time


def message(kind, body=b""):
    return b"\xff" * 16 + struct.pack("!HB", 19 + len(body), kind) + body


def open_message(ident):
    caps = b"".join([
        b"\x01\x04\x00\x01\x00\x01",  # multiprotocol IPv4 unicast
        b"\x01\x04\x00\x02\x00\x01",  # multiprotocol IPv6 unicast
        b"\x02\x00",  # route refresh
        b"\x41\x04" + struct.pack("!I", 65001),  # 4-octet AS
    ])
    params = b"\x02" + bytes([len(caps)]) + caps
    return message(1, struct.pack("!BHH", 4, 65001, 240) + socket.inet_aton(ident) + bytes([len(params)]) + params)


def read_messages(sock, on_message):
    buf = b""
    while True:
        data = sock.recv(65536)
        if not data:
            sys.stderr.write("feeder: session closed by the peer\n")
            sys.exit(1)
        buf += data
        while len(buf) >= 19:
            length = struct.unpack("!H", buf[16:18])[0]
            if len(buf) < length:
                break
            on_message(buf[18], buf[19:length])
            buf = buf[length:]


def main():
    peer, port, ident, files = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4:]
    feeds = []
    for f in files:
        with open(f, "rb") as fh:
            feeds.append(fh.read())
    sock = socket.create_connection((peer, port), source_address=(ident, 0))
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 << 20)
    sock.sendall(open_message(ident))
    established = threading.Event()
    send_lock = threading.Lock()

    def on_message(kind, body):
        if kind == 1:
            with send_lock:
                sock.sendall(message(4))
        elif kind == 4:
            established.set()
        elif kind == 3:
            sys.stderr.write(f"feeder: NOTIFICATION {body[:2].hex()} {body[2:].hex()}\n")
            sys.exit(1)

    reader = threading.Thread(target=read_messages, args=(sock, on_message), daemon=True)
    reader.start()
    if not established.wait(60):
        sys.exit("feeder: no session within 60 s")
    with send_lock:
        for blob in feeds:
            sock.sendall(blob)
    while reader.is_alive():
        reader.join(30)
        with send_lock:
            sock.sendall(message(4))


if __name__ == "__main__":
    main()
