#!/usr/bin/env python3
"""Print the parameter JSON an iperf3 client sends, then refuse the test.

Listens on 127.0.0.1:PORT for one control connection, reads the 37-byte
cookie, sends PARAM_EXCHANGE (state 9), reads the 4-byte big-endian length
and the JSON that follows, prints the JSON on one line and answers
ACCESS_DENIED (-1), so the client exits at once. Every step has a timeout.
Standard library only.
"""

import socket
import struct
import sys


def recv_exact(sock, n):
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            sys.exit("paramcap: EOF after %d of %d bytes" % (len(buf), n))
        buf += chunk
    return buf


def main():
    lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind(("127.0.0.1", int(sys.argv[1])))
    lsock.listen(1)
    lsock.settimeout(20)
    conn, _ = lsock.accept()
    conn.settimeout(20)
    recv_exact(conn, 37)
    conn.sendall(bytes([9]))
    (length,) = struct.unpack(">I", recv_exact(conn, 4))
    print(recv_exact(conn, length).decode(), flush=True)
    conn.sendall(bytes([0xFF]))
    conn.close()


if __name__ == "__main__":
    main()
