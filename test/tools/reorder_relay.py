#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Force the --bidir accept-order race (esnet/iperf#2029) on loopback.

usage: reorder_relay.py LISTEN_PORT UPSTREAM_PORT NDATA [LIFETIME]

Listens on 127.0.0.1:LISTEN_PORT. The first connection is the control
connection: it is forwarded to 127.0.0.1:UPSTREAM_PORT at once. The next
NDATA connections are data connections: the relay accepts them all, then
opens their upstream connections in REVERSE order, one at a time, waiting
until each one's buffered first bytes (cookie and role flag) have been
acknowledged by the server before opening the next, so the server's accept
order is exactly the reverse of the client's creation order. Bytes are
forwarded unchanged both ways. The relay exits when every connection has
closed or after LIFETIME seconds (default 60).
"""
import fcntl
import socket
import struct
import sys
import threading
import time

SIOCOUTQ = 0x5411


def pipe(src, dst):
    try:
        while True:
            data = src.recv(262144)
            if not data:
                break
            dst.sendall(data)
    except OSError:
        pass
    finally:
        for s, how in ((dst, socket.SHUT_WR), (src, socket.SHUT_RD)):
            try:
                s.shutdown(how)
            except OSError:
                pass


def splice(a, b, threads):
    for src, dst in ((a, b), (b, a)):
        t = threading.Thread(target=pipe, args=(src, dst), daemon=True)
        t.start()
        threads.append(t)


def unacked(s):
    buf = fcntl.ioctl(s.fileno(), SIOCOUTQ, b"\0\0\0\0")
    return struct.unpack("i", buf)[0]


def forward_first_bytes(c, u, deadline):
    """Move what the client already sent, and wait for the server's ACK."""
    c.setblocking(False)
    try:
        first = c.recv(65536)
    except BlockingIOError:
        first = b""
    c.setblocking(True)
    if first:
        u.sendall(first)
    while unacked(u) > 0 and time.monotonic() < deadline:
        time.sleep(0.001)


def main():
    lport, uport, ndata = (int(a) for a in sys.argv[1:4])
    lifetime = float(sys.argv[4]) if len(sys.argv) > 4 else 60.0
    deadline = time.monotonic() + lifetime
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", lport))
    ls.listen(512)
    ls.settimeout(lifetime)
    threads = []
    ctl, _ = ls.accept()
    up = socket.create_connection(("127.0.0.1", uport), timeout=10)
    up.settimeout(None)
    splice(ctl, up, threads)
    conns = []
    while len(conns) < ndata and time.monotonic() < deadline:
        ls.settimeout(max(0.1, deadline - time.monotonic()))
        try:
            c, _ = ls.accept()
        except socket.timeout:
            break
        conns.append(c)
    time.sleep(0.2)  # let every client write its cookie
    for c in reversed(conns):
        u = socket.create_connection(("127.0.0.1", uport), timeout=10)
        u.settimeout(None)
        forward_first_bytes(c, u, deadline)
        splice(c, u, threads)
    print("relay: %d data connections forwarded in reverse order" %
          len(conns), flush=True)
    for t in threads:
        t.join(max(0.0, deadline - time.monotonic()))


if __name__ == "__main__":
    main()
