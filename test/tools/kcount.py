#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The kernel's count of a receiver's payload, to hold reported numbers
against (issue 14; bench/truth.sh, test/e2e/t_kernel_truth.sh).

  kcount.py sample DEV OUT [--period-us N] [--max-s S]
      Appends "t rx_bytes rx_packets" lines to OUT, t in seconds of
      CLOCK_MONOTONIC (the clock evperf's "-d" line "clock: streams start
      at T s (monotonic)" uses), reading DEV's statistics in this network
      namespace every N us (default 250) until SIGTERM, SIGINT or S
      seconds (default 120). Each read is stamped with the middle of the
      time it took; a read that took over 100 us is dropped. OUT.ready
      appears once sampling runs.

  kcount.py trace DEV OUT [--max-s S] [--buffer-kb K] [--instance NAME]
      The same count with the kernel's own time of every frame: an ftrace
      instance NAME (default kcount-PID; removed at the end) records the
      tracepoint net:netif_receive_skb for DEV (in any namespace: run it
      where DEV's name is unique) with CLOCK_MONOTONIC stamps (1 us) into
      K KiB per CPU (default 65536) until SIGTERM, SIGINT or S seconds
      (default 120); then OUT gets one line per frame (its length plus
      the 14 bytes of Ethernet header the tracepoint no longer sees, so
      that HDR is the same), headed by "# steps": the count is a step at
      each frame, never interpolated. It fails if the buffer overran.
      A sampler reading counters 250 us apart cannot place a boundary
      that falls between two reads, and the data arrives in bursts (a GSO
      frame of up to 64 KiB through tbf is one step of the counter, 5 ms
      of a 100 Mbit/s link): its interpolation splits a whole burst that
      the receiver counted on one side. The tracepoint fires in the
      receive path just before IP takes the frame, closer to the socket
      than the veth's counter. (perf record on the same tracepoint lost
      whole bursts of frames here without saying so; ftrace's count
      equals the veth's.) OUT.ready appears once tracing runs.

  kcount.py compare SAMPLES DOC HDR START [--skip-first]
      DOC is the receiver's -J document, HDR the bytes of headers each
      received frame carries (Ethernet 14 + IPv4 20 + TCP 32 with
      timestamps = 66; UDP: 14 + 20 + 8 = 42), START the monotonic time
      the receiver's interval bounds count from, or "auto": the last
      sample before the first data frame (a trace: that frame's time; for
      a peer that does not say). SAMPLES is sample's or trace's OUT.
      Prints one JSON object: per interval the receiver's bytes, the
      kernel's payload over the same window and the error in percent
      (sample_gap_ms: the longest time between the samples, or a trace's
      frames, around its bounds);
      the worst interval; the boundaries' distance from whole multiples
      of the interval; the end total against the kernel's payload over
      the receiver's window.

Every frame DEV receives in the window must be the test's data: the
control connection is quiet while a test runs, and the receiver's ACKs
leave by the other direction. The payload of n frames of b bytes is
b - n * HDR, also for a GRO or GSO frame (one header, many segments).
"""
import argparse
import bisect
import json
import os
import re
import signal
import subprocess
import sys
import time


def sample(args):
    base = f"/sys/class/net/{args.dev}/statistics/"
    fb = open(base + "rx_bytes", "rb", buffering=0)
    fp = open(base + "rx_packets", "rb", buffering=0)
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    period = args.period_us / 1e6
    end = time.monotonic() + args.max_s
    lines = []
    ready = args.out + ".ready"
    while not stop:
        t0 = time.monotonic()
        if t0 > end:
            break
        fb.seek(0)
        fp.seek(0)
        b = int(fb.read())
        p = int(fp.read())
        t1 = time.monotonic()
        if t1 - t0 <= 100e-6:
            lines.append(f"{(t0 + t1) / 2:.7f} {b} {p}\n")
            if ready is not None and len(lines) > 1:
                open(ready, "w").close()
                ready = None
        rest = period - (time.monotonic() - t0)
        if rest > 0:
            time.sleep(rest)
    with open(args.out, "w") as f:
        f.writelines(lines)


def trace(args):
    tr = "/sys/kernel/tracing"
    if not os.path.isdir(tr + "/instances"):
        tr = "/sys/kernel/debug/tracing"
    inst = f"{tr}/instances/{args.instance}"
    ev = inst + "/events/net/netif_receive_skb/"

    def put(path, val):
        with open(path, "w") as f:
            f.write(val)

    os.mkdir(inst)
    try:
        put(inst + "/buffer_size_kb", str(args.buffer_kb))
        put(inst + "/trace_clock", "mono")
        put(ev + "filter", f'name == "{args.dev}"')
        stop = []
        signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
        signal.signal(signal.SIGINT, lambda *_: stop.append(1))
        end = time.monotonic() + args.max_s
        put(ev + "enable", "1")
        open(args.out + ".ready", "w").close()
        while not stop and time.monotonic() < end:
            time.sleep(0.05)
        put(ev + "enable", "0")
        lost = 0
        for cpu in os.listdir(inst + "/per_cpu"):
            with open(f"{inst}/per_cpu/{cpu}/stats") as f:
                for line in f:
                    if line.startswith("overrun:"):
                        lost += int(line.split()[1])
        b = p = 0
        lines = ["# steps\n"]
        with open(inst + "/trace") as f:
            for line in f:
                m = re.search(r" ([0-9]+\.[0-9]+): netif_receive_skb: .* "
                              r"len=([0-9]+)", line)
                if m:
                    b += int(m.group(2)) + 14
                    p += 1
                    lines.append(f"{m.group(1)} {b} {p}\n")
    finally:
        os.rmdir(inst)
    with open(args.out, "w") as f:
        f.writelines(lines)
    if lost:
        sys.exit(f"kcount: the trace lost {lost} frames (--buffer-kb)")


def load(path):
    ts, pay, steps = [], [], False
    with open(path) as f:
        for line in f:
            if line.startswith("#"):
                steps = steps or line.split()[1:2] == ["steps"]
                continue
            t, b, p = line.split()
            ts.append(float(t))
            pay.append((int(b), int(p)))
    if steps:  # the count before the first frame
        ts.insert(0, ts[0] - 1e-9 if ts else 0.0)
        pay.insert(0, (0, 0))
    return ts, pay, steps


class Kernel:
    """Payload received by time t: linear between samples, or (a trace)
    a step at each frame."""

    def __init__(self, ts, raw, hdr, steps=False):
        self.ts = ts
        self.steps = steps
        b0, p0 = raw[0]
        self.v = [(b - b0) - (p - p0) * hdr for b, p in raw]

    def at(self, t):
        ts, v = self.ts, self.v
        i = bisect.bisect_right(ts, t)
        if i == 0:
            return float(v[0])
        if i >= len(ts) or self.steps:
            return float(v[i - 1])
        t0, t1 = ts[i - 1], ts[i]
        return v[i - 1] + (v[i] - v[i - 1]) * (t - t0) / (t1 - t0)

    def before(self, t):
        """The count at the last sample at or before t: the receiver's
        window opens before its first data frame, so no data is spread
        back across the sample gap around its start."""
        i = bisect.bisect_right(self.ts, t)
        return float(self.v[max(i - 1, 0)])

    def gap(self, t):
        """Seconds between the samples around t."""
        i = bisect.bisect_right(self.ts, t)
        if i == 0 or i >= len(self.ts):
            return float("inf")
        return self.ts[i] - self.ts[i - 1]

    def first_rise(self):
        for i in range(1, len(self.v)):
            if self.v[i] > self.v[0] + 1000:
                return self.ts[i] - 1e-9 if self.steps else self.ts[i - 1]
        return self.ts[0]


def compare(args):
    ts, raw, steps = load(args.samples)
    k = Kernel(ts, raw, args.hdr, steps)
    with open(args.doc) as f:
        doc = json.load(f)
    start = k.first_rise() if args.start == "auto" else float(args.start)
    ivl = doc["start"]["test_start"].get("interval", 1) or 1
    if not isinstance(ivl, (int, float)) or ivl <= 0:
        ivl = 1
    out = {"intervals": [], "worst_pct": 0.0, "worst_bound_ms": 0.0}
    ivs = [iv["sum"] for iv in doc["intervals"] if not iv["sum"]["omitted"]]
    for n, s in enumerate(ivs):
        a, b = start + s["start"], start + s["end"]
        kb = k.at(b) - (k.before(a) if n == 0 else k.at(a))
        err = 100.0 * (s["bytes"] - kb) / kb if kb > 0 else 0.0
        row = {"start": s["start"], "end": s["end"], "bytes": s["bytes"],
               "kernel": round(kb), "err_pct": round(err, 4),
               "sample_gap_ms": round(1e3 * max(k.gap(a), k.gap(b)), 3)}
        out["intervals"].append(row)
        if n > 0 or not args.skip_first:
            out["worst_pct"] = max(out["worst_pct"], abs(err))
        if n + 1 < len(ivs):
            off = s["end"] - round(s["end"] / ivl) * ivl
            out["worst_bound_ms"] = max(out["worst_bound_ms"],
                                        abs(off) * 1e3)
    end = doc["end"].get("sum_received") or doc["end"].get("sum")
    a, b = start + end["start"], start + end["end"]
    kb = k.at(b) - k.before(a)
    kbps = kb * 8 / (end["end"] - end["start"])
    out["end"] = {"bytes": end["bytes"], "kernel": round(kb),
                  "bits_per_second": end["bits_per_second"],
                  "kernel_bps": kbps,
                  "err_pct": round(100.0 * (end["bits_per_second"] - kbps)
                                   / kbps, 4) if kbps > 0 else 0.0}
    out["kernel_total"] = round(k.v[-1])
    json.dump(out, sys.stdout)
    print()


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("sample")
    s.add_argument("dev")
    s.add_argument("out")
    s.add_argument("--period-us", type=float, default=250)
    s.add_argument("--max-s", type=float, default=120)
    t = sub.add_parser("trace")
    t.add_argument("dev")
    t.add_argument("out")
    t.add_argument("--max-s", type=float, default=120)
    t.add_argument("--buffer-kb", type=int, default=65536)
    t.add_argument("--instance", default=f"kcount-{os.getpid()}")
    c = sub.add_parser("compare")
    c.add_argument("samples")
    c.add_argument("doc")
    c.add_argument("hdr", type=int)
    c.add_argument("start")
    c.add_argument("--skip-first", action="store_true")
    args = ap.parse_args()
    if args.cmd == "sample":
        sample(args)
    elif args.cmd == "trace":
        trace(args)
    else:
        compare(args)


if __name__ == "__main__":
    main()
