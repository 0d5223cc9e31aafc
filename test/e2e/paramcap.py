#!/usr/bin/env python3
"""Capture the parameters an iperf3 client sends, then refuse it.

Listens on 127.0.0.1:PORT for one control connection, reads the cookie,
sends PARAM_EXCHANGE (state 9), reads the BE32-length-prefixed parameter
JSON, prints it on one line, answers ACCESS_DENIED and exits. Every socket
operation has a timeout. Standard library only.
"""

import json
import socket
import struct
import sys


def recv_exact(sock, n):
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise EOFError("peer closed")
        buf += chunk
    return buf


def main():
    port = int(sys.argv[1])
    lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind(("127.0.0.1", port))
    lsock.listen(1)
    lsock.settimeout(15)
    conn, _ = lsock.accept()
    conn.settimeout(10)
    recv_exact(conn, 37)
    conn.sendall(bytes([9]))
    (n,) = struct.unpack(">I", recv_exact(conn, 4))
    params = json.loads(recv_exact(conn, n))
    print(json.dumps(params, sort_keys=True), flush=True)
    conn.sendall(bytes([0xFF]))
    conn.close()
    lsock.close()


if __name__ == "__main__":
    main()
