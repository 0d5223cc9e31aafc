#!/usr/bin/env python3
"""A misbehaving iperf3 client for the bad-input end-to-end scenarios.

Connects to 127.0.0.1:PORT and speaks just enough of the iperf3 control
protocol (cookie, BE32-framed JSON, state bytes; see
shared/reference/iperf3-protocol.md sections 1-3) to break it in one chosen
way, then reports what the server did. Exit status 0 means the server reacted
as a robust server should (closed the connection, answered 0xFF, ...), 2 that
it did not, 1 an unexpected protocol turn. Every socket operation has a
timeout, so the program always ends. Standard library only.
"""

import argparse
import json
import os
import socket
import struct
import sys
import time

ALPHABET = b"abcdefghijklmnopqrstuvwxyz234567"
COOKIE_SIZE = 37
TEST_START = 1
TEST_RUNNING = 2
PARAM_EXCHANGE = 9
CREATE_STREAMS = 10
EVPERF_ROLES2_ACK = 101
EVPERF_LATENCY_ACK = 102
TEST_END = 4
EXCHANGE_RESULTS = 13
ACCESS_DENIED = 0xFF
SERVER_ERROR = 0xFE
IE_AUTHTEST = 142
PARAMS = {
    "tcp": True,
    "omit": 0,
    "time": 2,
    "num": 0,
    "blockcount": 0,
    "parallel": 1,
    "len": 131072,
    "pacing_timer": 1000,
    "client_version": "3.12",
}


class Unexpected(Exception):
    """The server did something this scenario does not allow."""


def say(msg):
    print("rawpeer: " + msg, flush=True)


def make_cookie():
    return bytes(ALPHABET[b % 32] for b in os.urandom(COOKIE_SIZE - 1)) + b"\0"


def connect(args):
    sock = socket.create_connection(("127.0.0.1", args.port),
                                    timeout=args.timeout)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def recv_exact(sock, n):
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise Unexpected("EOF after %d of %d bytes" % (len(buf), n))
        buf += chunk
    return buf


def expect_state(sock, want):
    got = recv_exact(sock, 1)[0]
    if got != want:
        raise Unexpected("expected state byte %d, got %d" % (want, got))
    say("got state %d" % got)


def wait_close(sock, secs):
    """Read until EOF or `secs` pass. Returns (closed, bytes read)."""
    deadline = time.monotonic() + secs
    data = b""
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return False, data
        sock.settimeout(min(left, 1.0))
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            continue
        except ConnectionResetError:
            return True, data
        if not chunk:
            return True, data
        data += chunk


def expect_close(sock, secs, what):
    start = time.monotonic()
    closed, data = wait_close(sock, secs)
    if data:
        say("server sent %d bytes first: %s" % (len(data), data[:16].hex()))
    if not closed:
        say("FAIL: server kept the %s open for %g s" % (what, secs))
        return 2
    say("server closed the %s after %.1f s" % (what, time.monotonic() - start))
    return 0


def send_params(args, cookie, params, what):
    """A control connection with cookie, up to params sent. Returns it."""
    ctrl = connect(args)
    ctrl.sendall(cookie)
    expect_state(ctrl, PARAM_EXCHANGE)
    body = json.dumps(params, separators=(",", ":")).encode()
    ctrl.sendall(struct.pack(">I", len(body)) + body)
    say("sent %d bytes of parameters, %s" % (len(body), what))
    return ctrl


def setup(args):
    """Cookie, parameters, CREATE_STREAMS. Returns (control socket, cookie)."""
    cookie = make_cookie()
    ctrl = send_params(args, cookie, PARAMS, "plain")
    expect_state(ctrl, CREATE_STREAMS)
    return ctrl, cookie


def start_test(args):
    """A full setup with one real data connection, up to TEST_RUNNING."""
    ctrl, cookie = setup(args)
    data = connect(args)
    data.sendall(cookie)
    expect_state(ctrl, TEST_START)
    expect_state(ctrl, TEST_RUNNING)
    block = os.urandom(PARAMS["len"])
    for _ in range(args.blocks):
        data.sendall(block)
    say("sent %d bytes of data" % (args.blocks * len(block)))
    return ctrl, data


def mode_biglen(args):
    ctrl = connect(args)
    ctrl.sendall(make_cookie())
    expect_state(ctrl, PARAM_EXCHANGE)
    ctrl.sendall(b"\xff\xff\xff\xff")
    say("sent JSON length 0xFFFFFFFF")
    return expect_close(ctrl, args.wait, "control connection")


def mode_badjson(args):
    ctrl = connect(args)
    ctrl.sendall(make_cookie())
    expect_state(ctrl, PARAM_EXCHANGE)
    ctrl.sendall(struct.pack(">I", 10) + b"{notjson!!")
    say("sent a malformed parameter JSON")
    return expect_close(ctrl, args.wait, "control connection")


def mode_silent(args):
    ctrl = connect(args)
    say("connected; sending nothing for up to %g s" % args.wait)
    return expect_close(ctrl, args.wait, "silent connection")


def mode_badcookie(args):
    ctrl, cookie = setup(args)
    wrong = make_cookie()
    while wrong == cookie:
        wrong = make_cookie()
    data = connect(args)
    data.sendall(wrong)
    say("opened a data connection with a wrong cookie")
    reply = recv_exact(data, 1)[0]
    if reply != ACCESS_DENIED:
        raise Unexpected("wrong cookie answered with %d, not 255" % reply)
    say("got 255 (ACCESS_DENIED) on the data connection")
    rc = expect_close(data, args.wait, "rejected data connection")
    data.close()
    ctrl.close()
    say("closed the control connection")
    return rc


def mode_abort(args):
    ctrl, data = start_test(args)
    data.close()
    ctrl.close()
    say("closed everything mid-test")
    return 0


def mode_badstate(args):
    ctrl, data = start_test(args)
    ctrl.sendall(bytes([args.state]))
    say("sent unknown state byte %d mid-test" % args.state)
    rc = expect_close(ctrl, args.wait, "control connection")
    data.close()
    ctrl.close()
    return rc


def hold(args, socks, what):
    """Say "held: WHAT", then keep socks open for --wait seconds or until
    the server closes the first one. Returns 0 if it was still open."""
    say("held: " + what)
    closed, _ = wait_close(socks[0], args.wait)
    say("server closed the connection" if closed else "released")
    for s in socks:
        s.close()
    return 0


def mode_hold_params(args):
    ctrl = connect(args)
    ctrl.sendall(make_cookie())
    expect_state(ctrl, PARAM_EXCHANGE)
    return hold(args, [ctrl], "cookie sent, no parameters")


def mode_hold_datacookie(args):
    ctrl, cookie = setup(args)
    data = connect(args)
    data.sendall(cookie[:COOKIE_SIZE // 2])
    return hold(args, [ctrl, data], "half a cookie on a data connection")


def results_stage(args):
    ctrl, data = start_test(args)
    ctrl.sendall(bytes([TEST_END]))
    expect_state(ctrl, EXCHANGE_RESULTS)
    return ctrl, data


def mode_hold_results(args):
    ctrl, data = results_stage(args)
    return hold(args, [ctrl, data], "at EXCHANGE_RESULTS, no results")


def mode_hold_halfresults(args):
    ctrl, data = results_stage(args)
    body = b'{"cpu_util_total":0,"streams":[{"id":1,"bytes":'
    ctrl.sendall(struct.pack(">I", 2 * len(body)) + body)
    return hold(args, [ctrl, data], "half of the results sent")


def mode_authtoken(args):
    """Parameters with the "authtoken" read from --token-file (bytes as
    they are; none without the option). --expect accepted: the server must
    answer CREATE_STREAMS; else SERVER_ERROR with the error code --code
    (default 142, IEAUTHTEST) and an errno, then close the connection."""
    params = dict(PARAMS)
    if args.token_file:
        with open(args.token_file, "rb") as f:
            params["authtoken"] = f.read().decode("latin-1")
    return params_answer(args, params, "token of %d characters" %
                         len(params.get("authtoken", "")))


def mode_extraparams(args):
    """Parameters with the keys of the JSON object --extra added (evperf's
    own, say); answered as for authtoken (--expect, --code)."""
    params = dict(PARAMS)
    params.update(json.loads(args.extra))
    return params_answer(args, params, "extra keys %s" % args.extra)


def mode_probekind(args):
    """Ask for UDP latency probes (--latency-udp in a TCP test), then open
    the probe connection over TCP: cookie and the probe's role flag FF FF.
    The server must close that connection (a stranger's: wrong kind)."""
    params = dict(PARAMS)
    params.update({"evperf_roles": 2, "evperf_latency": 10,
                   "evperf_latency_udp": 1})
    cookie = make_cookie()
    ctrl = send_params(args, cookie, params, "UDP probes asked")
    expect_state(ctrl, EVPERF_ROLES2_ACK)
    expect_state(ctrl, EVPERF_LATENCY_ACK)
    expect_state(ctrl, CREATE_STREAMS)
    probe = connect(args)
    probe.sendall(cookie + b"\xff\xff")
    say("sent a TCP probe connection where UDP probes were asked")
    rc = expect_close(probe, args.wait, "TCP probe connection")
    ctrl.close()
    return rc


def params_answer(args, params, what):
    """Send params; expect CREATE_STREAMS (--expect accepted) or
    SERVER_ERROR --code and then the connection closed."""
    ctrl = send_params(args, make_cookie(), params, what)
    if args.expect == "accepted":
        expect_state(ctrl, CREATE_STREAMS)
        ctrl.close()
        return 0
    expect_state(ctrl, SERVER_ERROR)
    code, err = struct.unpack(">ii", recv_exact(ctrl, 8))
    say("SERVER_ERROR code %d errno %d" % (code, err))
    if code != args.code:
        say("FAIL: expected error code %d" % args.code)
        return 2
    return expect_close(ctrl, args.wait, "control connection")


MODES = {
    "hold-params": mode_hold_params,
    "hold-datacookie": mode_hold_datacookie,
    "hold-results": mode_hold_results,
    "hold-halfresults": mode_hold_halfresults,
    "biglen": mode_biglen,
    "badjson": mode_badjson,
    "silent": mode_silent,
    "badcookie": mode_badcookie,
    "abort": mode_abort,
    "badstate": mode_badstate,
    "authtoken": mode_authtoken,
    "extraparams": mode_extraparams,
    "probekind": mode_probekind,
}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("mode", choices=sorted(MODES))
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--timeout", type=float, default=10.0,
                    help="per socket operation, seconds")
    ap.add_argument("--wait", type=float, default=15.0,
                    help="how long to wait for the server to close (or, "
                    "hold-*, to hold on), seconds")
    ap.add_argument("--blocks", type=int, default=32,
                    help="128 KiB blocks to send mid-test")
    ap.add_argument("--state", type=int, default=0x63,
                    help="state byte for badstate")
    ap.add_argument("--token-file", help="authtoken: the token to send")
    ap.add_argument("--expect", choices=("accepted", "refused"),
                    default="refused", help="authtoken: the answer wanted")
    ap.add_argument("--code", type=int, default=IE_AUTHTEST,
                    help="authtoken, extraparams: the SERVER_ERROR code "
                    "wanted")
    ap.add_argument("--extra", default="{}",
                    help="extraparams: a JSON object of keys to add")
    args = ap.parse_args()
    try:
        return MODES[args.mode](args)
    except (Unexpected, OSError) as exc:
        say("ERROR: %s" % exc)
        return 1


if __name__ == "__main__":
    sys.exit(main())
