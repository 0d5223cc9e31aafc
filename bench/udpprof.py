#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""udpprof.py DIR TITLE: one bench/udpprof.sh run's figures (see there)."""
import json
import os
import re
import subprocess
import sys
from collections import Counter

WINDOW = 2.0  # seconds perf watched
SEND = ("sendmmsg", "sendto", "sendmsg", "write")
RECV = ("recvmmsg", "recvfrom", "recvmsg", "read")
POLL = ("epoll_wait", "epoll_pwait", "select", "pselect6", "poll", "ppoll")
CATS = ("user", "syscall", "send stack", "send copy", "recv stack",
        "recv copy", "rx softirq", "sleep/wake", "other")
COPY = ("_copy_from_iter", "_copy_to_iter", "copy_user", "rep_movs",
        "memcpy", "__memcpy")


def kind(frames):
    """frames: (symbol, dso), leaf first."""
    if not frames or "kernel" not in frames[0][1]:
        return "user"
    syms = [s for s, _ in frames]

    def under(*names):
        return any(s.startswith(names) for s in syms)

    copy = frames[0][0].startswith(COPY)
    if under("net_rx_action", "process_backlog", "__netif_receive_skb"):
        return "rx softirq"
    if under("do_epoll_wait", "do_select", "core_sys_select", "do_sys_poll",
             "schedule", "__schedule"):
        return "sleep/wake"
    if under("udp_sendmsg", "__sys_sendmmsg", "__sys_sendto",
             "__sys_sendmsg", "ksys_write"):
        return "send copy" if copy else "send stack"
    if under("udp_recvmsg", "__sys_recvmmsg", "__sys_recvfrom",
             "__sys_recvmsg", "ksys_read"):
        return "recv copy" if copy else "recv stack"
    if under("entry_SYSCALL", "do_syscall_64", "syscall_exit"):
        return "syscall"
    return "other"


def split(path):
    if not os.path.exists(path):
        return ""
    out = subprocess.run(["perf", "script", "-i", path], capture_output=True,
                         text=True).stdout
    n = Counter()
    for block in out.split("\n\n"):
        frames = []
        for line in block.splitlines()[1:]:
            m = re.match(r"\s+[0-9a-f]+\s+(\S+)\s+\((.*)\)", line)
            if m:
                frames.append((re.sub(r"\+0x[0-9a-f]+$", "", m.group(1)),
                               m.group(2)))
        if block.strip():
            n[kind(frames)] += 1
    total = sum(n.values()) or 1
    return " ".join(f"{c} {100 * n[c] / total:.0f}%" for c in CATS if n[c])


def stat(path):
    c = {}
    for line in open(path):
        f = line.strip().split(",")
        if len(f) > 2 and f[0] and f[0][0].isdigit():
            c[f[2].replace("syscalls:sys_enter_", "")] = float(f[0])
    return c


def main():
    d, title = sys.argv[1], sys.argv[2]
    doc = json.load(open(d + "/c.json"))
    e, blk = doc["end"], doc["start"]["test_start"]["blksize"]
    sent = e["sum_sent"]["bytes"] / blk / e["sum_sent"]["seconds"]
    rcvd = e["sum_received"]["bytes"] / blk / e["sum_received"]["seconds"]
    print(f"{title}: sent {sent / 1e3:.0f} kpps, received {rcvd / 1e3:.0f} "
          f"kpps, loss {e['sum_received'].get('lost_percent', 0):.2f} %")
    # Datagrams while perf watched (1.5 to 3.5 s; perf slows both): the
    # sender's 1 s intervals around then, the receiver's in proportion.
    b = [iv["sum"]["bytes"] for iv in doc["intervals"]]
    sent_w = (b[1] / 2 + b[2] + b[3] / 2) / blk / WINDOW if len(b) > 3 \
        else sent
    rcvd_w = sent_w * rcvd / sent if sent else 0
    for role, calls, rate in (("c", SEND, sent_w), ("s", RECV, rcvd_w)):
        c = stat(f"{d}/{role}.stat")
        per = sum(c.get(k, 0) for k in calls) / WINDOW
        print(f"  {'sender  ' if role == 'c' else 'receiver'}: "
              f"{c.get('task-clock', 0) / 1e3 / WINDOW:.2f} CPUs, "
              f"{per / 1e3:.1f} k calls/s, "
              f"{rate / per if per else 0:.1f} datagrams/call, "
              f"{sum(c.get(k, 0) for k in POLL) / WINDOW:.0f} polls/s, "
              f"{c.get('context-switches', 0) / WINDOW:.0f} switches/s")
        print(f"            {split(f'{d}/{role}.perf')}")


if __name__ == "__main__":
    main()
