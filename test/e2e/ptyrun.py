#!/usr/bin/env python3
"""Run a command on a pseudo-terminal and answer its password prompt.

Waits (bounded) for PROMPT in the command's output, notes whether the
terminal echoes at that moment, types ANSWER (Python escapes: "secret\\n",
"\\x03" for Ctrl-C), reads the rest, and notes whether the terminal
echoes again once the command has exited. Prints one JSON object:
{"output", "prompted", "echo_at_prompt", "echo_after", "rc"}. Standard
library only; every wait is bounded, and the command is killed on expiry.
"""

import argparse
import json
import os
import pty
import select
import signal
import sys
import termios
import time


def echoes(fd):
    return bool(termios.tcgetattr(fd)[3] & termios.ECHO)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--prompt", default="Password: ")
    ap.add_argument("--answer", required=True)
    ap.add_argument("--timeout", type=float, default=30.0)
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    cmd = args.cmd[1:] if args.cmd[:1] == ["--"] else args.cmd
    answer = args.answer.encode().decode("unicode_escape").encode("latin-1")
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(cmd[0], cmd)
    out, echo_at_prompt, sent = b"", None, False
    deadline = time.monotonic() + args.timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # EIO: the command has exited
                break
            if not chunk:
                break
            out += chunk
        if not sent and args.prompt.encode() in out:
            # evperf turns the echo off before it prints the prompt.
            echo_at_prompt = echoes(fd)
            os.write(fd, answer)
            sent = True
    else:
        os.kill(pid, signal.SIGKILL)
    echo_after = echoes(fd)
    _, status = os.waitpid(pid, 0)
    json.dump({"output": out.decode("utf-8", "replace"), "prompted": sent,
               "echo_at_prompt": echo_at_prompt, "echo_after": echo_after,
               "rc": os.waitstatus_to_exitcode(status)}, sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
