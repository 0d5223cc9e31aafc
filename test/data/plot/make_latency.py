#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Write the hand-made latency documents of this directory.

No evperf writes issue 15's latency keys yet, so these documents are real
evperf -J / --json-stream output (the base files named below, recorded on
loopback) with made-up "latency" objects added at the interval and end
levels, in the form issue 15 describes. The numbers are deterministic, so
running this again (python3 make_latency.py, in this directory) rewrites
the same files.

  latency_probe.json          probe mode (TCP probes at 10/s beside a
                              -P 2 bulk test), idle baseline, the 4th
                              interval has no probe (count 0: a gap)
  latency_probe_stream.jsonl  probe mode, --json-stream lines
  latency_rr.json             request/response mode (-P 4), no idle
  latency_crr.json            connect-rate mode (-P 4), with idle
"""

import json

KEYS = ("min_ms", "mean_ms", "median_ms", "p90_ms", "p99_ms", "max_ms")


def stats(median, spread, start, end, count):
    """A latency object whose percentiles are ordered."""
    seconds = end - start
    if count == 0:
        d = dict.fromkeys(KEYS, 0)
    else:
        d = {
            "min_ms": median * 0.45,
            "mean_ms": median * (1.0 + 0.25 * spread),
            "median_ms": median,
            "p90_ms": median * (1.0 + 0.8 * spread),
            "p99_ms": median * (1.0 + 2.5 * spread),
            "max_ms": median * (1.0 + 4.0 * spread),
        }
    out = {"start": start, "end": end, "seconds": seconds, "count": count,
           "lost": 0}
    out.update({k: round(v, 3) for k, v in d.items()})
    return out


def shape(i, n):
    """Median (ms) and spread of interval i of n: the queue fills, then
    wobbles."""
    ramp = min(1.0, (i + 1) / 3.0)
    return 0.06 + 2.4 * ramp + 0.3 * ((i * 7) % 5) / 4.0, \
        0.6 + 0.5 * ((i * 3) % 4) / 3.0


def probe(intervals, gap=None):
    total = 0
    for i, iv in enumerate(intervals):
        s = iv["sum"]
        count = 0 if i == gap else max(1, round(10 * s["seconds"]))
        med, spread = shape(i, len(intervals))
        iv["latency"] = stats(med, spread, s["start"], s["end"], count)
        total += count
    end = intervals[-1]["sum"]["end"] if intervals else 0
    loaded = stats(2.5, 1.0, 0, end, total)
    idle = stats(0.052, 0.4, 0, 0.5, 5)
    return {"mode": "probe", "protocol": "tcp", "rate": 10,
            "loaded": loaded, "idle": idle}


def rr(intervals, mode, idle):
    total = 0
    for i, iv in enumerate(intervals):
        s = iv["sum"]
        med = 0.110 + 0.02 * ((i * 5) % 3)
        # -P 4 connections back to back: about 4 / RTT transactions per s.
        tps = round(4 / (med * 1.15 / 1000.0))
        n = round(tps * s["seconds"])
        lat = stats(med, 0.9, s["start"], s["end"], n)
        lat["transactions"] = n
        lat["transactions_per_second"] = n / s["seconds"]
        if mode == "crr":
            lat["connections"] = n
            lat["connections_per_second"] = n / s["seconds"]
        iv["latency"] = lat
        total += n
    end = intervals[-1]["sum"]["end"]
    loaded = stats(0.12, 0.9, 0, end, total)
    loaded["transactions"] = total
    loaded["transactions_per_second"] = total / end
    if mode == "crr":
        loaded["connections"] = total
        loaded["connections_per_second"] = total / end
    out = {"mode": mode, "protocol": "tcp", "rate": 0, "loaded": loaded}
    if idle:
        out["idle"] = stats(0.045, 0.4, 0, 0.5, 50)
    return out


def write_doc(path, doc):
    with open(path, "w") as f:
        json.dump(doc, f, indent="\t")
        f.write("\n")


def main():
    with open("evperf_tcp_p2_i05.json") as f:
        doc = json.load(f)
    doc["end"]["latency"] = probe(doc["intervals"], gap=3)
    write_doc("latency_probe.json", doc)

    lines = []
    with open("evperf_tcp_p2_stream.jsonl") as f:
        events = [json.loads(line) for line in f if line.strip()]
    intervals = [e["data"] for e in events if e["event"] == "interval"]
    end_latency = probe(intervals)
    for e in events:
        if e["event"] == "end":
            e["data"]["latency"] = end_latency
        lines.append(json.dumps(e, separators=(",", ":")))
    with open("latency_probe_stream.jsonl", "w") as f:
        f.write("\n".join(lines) + "\n")

    for mode, idle in (("rr", False), ("crr", True)):
        with open("evperf_tcp_p4_b20m.json") as f:
            doc = json.load(f)
        doc["end"]["latency"] = rr(doc["intervals"], mode, idle)
        write_doc(f"latency_{mode}.json", doc)


if __name__ == "__main__":
    main()
