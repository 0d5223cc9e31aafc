#!/usr/bin/env python3
"""Connections that hold on to a server without ever earning a test.

holder.py PORT N SECONDS: N silent connections to 127.0.0.1:PORT, one
that sends half a cookie and stops, and a slowloris that sends one
cookie byte a second, all held for SECONDS. Prints "up" once all are
connected, then once a second "closed K" with the number of silent ones
the server has closed so far. Standard library only; every wait is
bounded by SECONDS.
"""

import select
import socket
import sys
import time


def main():
    port, n, secs = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
    conns = {}
    for _ in range(n):
        s = socket.create_connection(("127.0.0.1", port))
        conns[s.fileno()] = s
    half = socket.create_connection(("127.0.0.1", port))
    half.sendall(b"abcdefghijklmnop")
    slow = socket.create_connection(("127.0.0.1", port))
    print("up", flush=True)
    poll = select.poll()
    for fd in conns:
        poll.register(fd, select.POLLIN)
    closed = 0
    end = time.time() + secs
    while time.time() < end:
        try:
            slow.send(b"x")
        except OSError:
            pass
        for fd, _ in poll.poll(1000):
            try:
                gone = conns[fd].recv(1) == b""
            except OSError:
                gone = True
            if gone:
                poll.unregister(fd)
                closed += 1
        print("closed %d" % closed, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
