#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
#
# human_layout.py: the comparison behind test/e2e/t_human_layout.sh. It
# reads two captures of iperf3's human-readable output taken in the same
# mode and on the same side (client or server), REF from stock iperf3 and
# EV from the tool under test, and checks that EV is laid out like REF:
#
#   compare --mode M --side S --ref-version V --ev-version V REF EV
#
# exits 0 when the layouts agree, 1 (printing every difference with the
# iperf3 line and the evperf line) when they do not.
#
# What "laid out alike" means:
#
# 1. Every line gets a class: banner (the 59 dashes), listening,
#    connecting, reverse, accepted, connected ("[  5] local ..."), header
#    ("[ ID] ..."), separator ("- - - ..."), data (a line with an
#    "N.NN-N.NN sec" interval; sub-kind stream/[SUM], the --bidir role tag
#    and the trailing sender/receiver/(omitted) word), blank, done ("iperf
#    Done."), other. "[SUM] ... datagrams received out-of-order" notes
#    depend on what the network did and are dropped from both sides.
# 2. The output splits into sections: preamble (up to the first header),
#    interval region (up to the separator before the last header), summary
#    (the last header and the data lines after it) and trailer. Preamble,
#    summary and trailer must have the same class sequence on both sides;
#    their lines pair up by position.
# 3. The interval region is cut into blocks: one block is the data lines of
#    one time range (all streams, their [SUM], both --bidir directions),
#    with a flag for the separator before it. Block i of EV must have the
#    same template (separator flag, and per line: stream/[SUM], role tag,
#    trailing word) as block i of REF, and lines pair up by position. The
#    block counts may differ by one (the final short interval, e.g. a
#    server's "2.00-2.00 sec" line, depends on timing); the extra block must
#    repeat the template of the block before it.
# 4. Each line is tokenised into runs of non-blank characters, each with the
#    number of blanks before it; trailing blanks count as a last, empty
#    token. The 5-character prefix "[%3d]" becomes one token "[sid]" (its
#    value may differ; its width may not), "[SUM]" and "[ ID]" stay as
#    they are. Every number in a token becomes "#" and the adaptive unit
#    prefix (Bytes/KBytes/.../Tbits) becomes "?": paired lines must give
#    the same token sequence (so "944 Mbits/sec" and "9.42 Gbits/sec" are
#    the same shape). The fixed units of -f are checked by the shell script.
# 5. Spacing. Lines with the same class and token sequence are pooled, from
#    both tools, and checked per token position:
#    - a token without digits (units, "sec", "sender", the trailing blanks)
#      must have exactly the same number of blanks before it in every line
#      of the pool;
#    - a token with digits is taken for a right-aligned printf field: there
#      must be one literal gap G and one minimum width W with
#      blanks = G + max(0, W - len(token)) for every line of the pool. That
#      accepts " 796" next to "1023" (padding), "17952" next to "8765" with
#      -f m (a field overflowing its width), and "0/153 (0%)" next to
#      "3/153 (1.2%)" (no padding at all), but rejects evperf padding a
#      column to another width than iperf3 does, or moving a column.
#    Left-aligned fields (%-6.2f, the interval end) are only exact while
#    the interval times keep their width, i.e. for tests shorter than 10 s.
# 6. Known differences between iperf3 releases are rewritten to the 3.18+
#    form on a side whose version is older (ALLOWLIST below), and reported
#    as notes; evperf claims 3.21 and must print the 3.18+ layout.
import argparse
import re
import sys

NUM = re.compile(r"\d+(?:\.\d+)?(?:e[+-]?\d+)?")
UNIT = re.compile(r"(?<![A-Za-z])[KMGT]?(Bytes|bits)")
UNIT_TOKEN = re.compile(r"\?(Bytes|Bytes/sec|bits/sec)")
PREFIX = re.compile(r"^\[( {0,2}\d{1,3}|SUM| ID)\]")
ROLE = r"(?:\[[TR]X-[CS]\])?"
DATA = re.compile(r"^\[( {0,2}\d{1,3}|SUM)\](" + ROLE +
                  r") +\d+\.\d+-\d+\.\d+ +sec ")
OOO = re.compile(r"^\[SUM\]\S* +[\d.]+-[\d.]+ +sec +\d+ datagrams received "
                 r"out-of-order")

# Documented differences between iperf3 releases (iperf3-protocol.md
# §0.1, §8.3): (name, first release with the new form, pattern, rewrite,
# reason). A side older than that release has its matching lines rewritten
# to the new form before the comparison.
ALLOWLIST = [
    ("tcp-stream-sender-spaces", (3, 18),
     re.compile(r"^(\[ {0,2}\d{1,3}\]" + ROLE + r" .*/sec +\d+) {13}sender$"),
     r"\1            sender",
     "per-stream TCP sender summary: 13 blanks before 'sender' in "
     "3.12-3.17 (%3u), 12 in 3.18+ (%3ld); evperf follows 3.18+"),
]


def classify(line):
    if line == "":
        return "blank"
    if line == "iperf Done.":
        return "done"
    if re.fullmatch(r"-{10,}", line):
        return "banner"
    if line.startswith("Server listening on "):
        return "listening"
    if line.startswith("Connecting to host "):
        return "connecting"
    if line.startswith("Reverse mode, "):
        return "reverse"
    if line.startswith("Accepted connection from "):
        return "accepted"
    if re.match(r"^\[( {0,2}\d{1,3})\] local .* connected to ", line):
        return "connected"
    if line.startswith("[ ID]"):
        return "header"
    if re.fullmatch(r"(- )+-", line):
        return "separator"
    if OOO.match(line):
        return "ooo"
    if DATA.match(line):
        return "data"
    return "other"


class Line:
    def __init__(self, tool, no, text):
        self.tool = tool
        self.no = no
        self.text = text
        self.cls = classify(text)
        self.toks = tokens(text)
        self.sig = tuple(t for _, t, _ in self.toks)
        m = DATA.match(text)
        if m:
            kind = "SUM" if m.group(1) == "SUM" else "stream"
            last = text.split()[-1]
            tail = last if last in ("sender", "receiver", "(omitted)") else ""
            self.template = (kind, m.group(2), tail)
            self.period = text[5:].split()[0 if not m.group(2) else 1]
        else:
            self.template = (self.cls,)
            self.period = None

    def text_tokens(self):
        """Raw tokens, aligned with self.toks."""
        rest = self.text
        out = []
        if PREFIX.match(rest):
            out.append(rest[:5])
            rest = rest[5:]
        return out + rest.split() + [""]

    def key(self):
        return (self.cls, self.sig)


def tokens(text):
    """[(blanks before, token class, raw length)], plus trailing blanks."""
    out = []
    rest = text
    m = PREFIX.match(text)
    if m:
        inner = m.group(1)
        name = "[sid]" if inner.strip().isdigit() else "[" + inner + "]"
        out.append((0, name, 5))
        rest = text[5:]
    pos = 0
    for m in re.finditer(r"( *)(\S+)", rest):
        raw = m.group(2)
        cls = UNIT.sub(r"?\1", NUM.sub("#", raw))
        out.append((len(m.group(1)), cls, len(raw)))
        pos = m.end()
    trail = len(rest) - pos
    out.append((trail, "<eol>", 0))
    return out


def version(s):
    m = re.search(r"(\d+)\.(\d+)", s or "")
    return (int(m.group(1)), int(m.group(2))) if m else (99, 0)


class Compare:
    def __init__(self, mode, side):
        self.tag = f"{mode} {side}"
        self.errors = 0
        self.pools = {}

    def bad(self, msg, r=None, e=None):
        self.errors += 1
        print(f"MISMATCH [{self.tag}] {msg}")
        if r is not None:
            print(f"    iperf3 line {r.no}: '{r.text}'")
        if e is not None:
            print(f"    evperf line {e.no}: '{e.text}'")

    def pool(self, ln):
        self.pools.setdefault(ln.key(), []).append(ln)

    def pair(self, r, e, what):
        if r.sig != e.sig:
            self.bad(f"{what}: different fields", r, e)
            return
        self.pool(r)
        self.pool(e)

    def pair_seq(self, rs, es, what):
        rc = [x.template for x in rs]
        ec = [x.template for x in es]
        if rc != ec:
            i = next(i for i in range(max(len(rs), len(es)))
                     if rc[i:i + 1] != ec[i:i + 1])
            self.bad(f"{what}: line sequence differs from line {i + 1} on:"
                     f" iperf3 {[c[0] if len(c) == 1 else c for c in rc]},"
                     f" evperf {[c[0] if len(c) == 1 else c for c in ec]}",
                     rs[i] if i < len(rs) else None,
                     es[i] if i < len(es) else None)
            return
        for r, e in zip(rs, es):
            self.pair(r, e, what)

    def check_pools(self):
        for key, lines in self.pools.items():
            ntok = len(key[1])
            for i in range(ntok):
                samples = [(ln.toks[i][0], ln.toks[i][2], ln) for ln in lines]
                if i + 1 < ntok and key[1][i] == "#" and \
                        UNIT_TOKEN.fullmatch(key[1][i + 1]):
                    self.check_unit_numbers(key, i, lines)
                    ok = aligned4
                elif "#" in key[1][i]:
                    ok = aligned
                else:
                    ok = same_gap
                if ok(samples):
                    continue
                self.report_pool(key, i, samples, ok)

    def check_unit_numbers(self, key, i, lines):
        """A number before a unit is printed as unit_snprintf does."""
        for ln in lines:
            text = ln.text_tokens()[i]
            if text != unit_number(float(text)):
                ref = next((x for x in lines if x.tool == "iperf3"), None)
                self.bad(f"{key[0]} line, field {i + 1}: '{text}' is not "
                         f"how iperf3 prints {float(text)} before a unit "
                         f"('{unit_number(float(text))}')",
                         ref if ln.tool == "evperf" else ln,
                         ln if ln.tool == "evperf" else None)
                return

    def report_pool(self, key, i, samples, ok):
        ref = [s for s in samples if s[2].tool == "iperf3"]
        ev = [s for s in samples if s[2].tool == "evperf"]
        what = (f"{key[0]} line, field {i + 1} ('{key[1][i]}'): blanks before "
                f"it / width do not match iperf3's column")
        if ref and not ok(ref):
            self.bad(what + " (iperf3 disagrees with itself: model error)",
                     ref[0][2], None)
            return
        for s in ev:
            if not ok(ref + [s]):
                partner = next((r for r in ref if not ok([r, s])), ref[0])
                self.bad(what + f" (iperf3 {partner[0]} blanks,"
                         f" evperf {s[0]})", partner[2], s[2])
                return
        acc = list(ref)
        for s in ev:
            acc.append(s)
            if not ok(acc):
                self.bad(what + " (evperf lines disagree with each other)",
                         ref[0][2] if ref else None, s[2])
                return


def unit_number(v):
    """unit_snprintf's number: %4.2f below 9.995, %4.1f below 99.95, else
    %4.0f (without the padding, which the spacing check covers)."""
    if v < 9.995:
        return "%.2f" % v
    if v < 99.95:
        return "%.1f" % v
    return "%.0f" % v


def aligned4(samples):
    """Numbers before a unit: unit_snprintf's fields are 4 wide."""
    gmax = max(g for g, _, _ in samples)
    return any(all(g == G + max(0, 4 - n) for g, n, _ in samples)
               for G in range(0, gmax + 1))


def same_gap(samples):
    return len({g for g, _, _ in samples}) == 1


def aligned(samples):
    """One (G, W) with blanks = G + max(0, W - len) for every sample."""
    gmax = max(g for g, _, _ in samples)
    emax = max(g + n for g, n, _ in samples)
    for G in range(0, gmax + 1):
        for W in range(0, emax + 1):
            if all(g == G + max(0, W - n) for g, n, _ in samples):
                return True
    return False


def load(path, tool, ver, notes):
    with open(path, encoding="utf-8", errors="replace") as f:
        raw = f.read().split("\n")
    if raw and raw[-1] == "":
        raw.pop()
    lines = []
    for no, text in enumerate(raw, 1):
        text = text.rstrip("\r")
        for name, since, pat, repl, why in ALLOWLIST:
            if version(ver) < since and pat.match(text):
                text = pat.sub(repl, text)
                notes.setdefault((tool, name, why), []).append(no)
        ln = Line(tool, no, text)
        if ln.cls == "ooo":
            notes.setdefault((tool, "ooo", "out-of-order note dropped"),
                             []).append(no)
            continue
        lines.append(ln)
    return lines


def sections(lines):
    heads = [i for i, ln in enumerate(lines) if ln.cls == "header"]
    if not heads:
        return None
    first, last = heads[0], heads[-1]
    if first == last or lines[last - 1].cls != "separator":
        return None
    end = last + 1
    while end < len(lines) and lines[end].cls == "data":
        end += 1
    return (lines[:first + 1], lines[first + 1:last - 1], lines[last:end],
            lines[end:])


def same_start(a, b, slack=0.0):
    """Periods that begin together belong to one block. iperf3 3.12 can
    end each stream's last short interval at its own time ("2.00-2.00"
    then "2.00-2.01" on a --bidir server); that is still one block. With
    SLACK, starts that many seconds apart also count as together: iperf3
    3.16+ (a thread per stream) times each stream's interval on its own,
    so the lines of one report can start a rounding unit apart ("1.00-2.00"
    then "1.01-2.00" on a 3.21 --bidir server)."""
    if a is None or b is None:
        return False
    if a == b or a.split("-")[0] == b.split("-")[0]:
        return True
    try:
        return abs(float(a.split("-")[0]) - float(b.split("-")[0])) <= slack
    except ValueError:
        return False


def blocks(region, slack=0.0):
    out = []
    sep = False
    for ln in region:
        if ln.cls == "separator":
            sep = True
            continue
        if ln.cls != "data":
            out.append((sep, [ln], "stray"))
            sep = False
            continue
        if out and not sep and same_start(out[-1][2], ln.period, slack):
            out[-1][1].append(ln)
        else:
            out.append((sep, [ln], ln.period))
        sep = False
    return [(s, lns) for s, lns, _ in out]


def tmpl(block):
    return (block[0], tuple(ln.template for ln in block[1]))


def compare(args):
    notes = {}
    rlines = load(args.ref, "iperf3", args.ref_version, notes)
    elines = load(args.ev, "evperf", args.ev_version, notes)
    c = Compare(args.mode, args.side)
    rs, es = sections(rlines), sections(elines)
    if rs is None or es is None:
        c.bad("output has no interval header, or no separator + header "
              "before the summary (iperf3 ok: %s, evperf ok: %s)"
              % (rs is not None, es is not None))
        return c, notes
    names = ("preamble", "intervals", "summary", "trailer")
    for name, r, e in zip(names, rs, es):
        if name != "intervals":
            c.pair_seq(r, e, name)
            continue
        # One rounding unit (0.01 s, plus float error) for threaded iperf3.
        rslack = 0.0101 if version(args.ref_version) >= (3, 16) else 0.0
        rb, eb = blocks(r, rslack), blocks(e)
        if not rb or not eb:
            c.bad(f"no interval lines (iperf3 {len(rb)} blocks, "
                  f"evperf {len(eb)})")
            continue
        if abs(len(rb) - len(eb)) > 1:
            c.bad(f"interval blocks: iperf3 {len(rb)}, evperf {len(eb)} "
                  f"(at most one apart)", rb[-1][1][0], eb[-1][1][0])
        for i, (x, y) in enumerate(zip(rb, eb)):
            if tmpl(x) != tmpl(y):
                c.bad(f"interval block {i + 1} differs: iperf3 {tmpl(x)} vs "
                      f"evperf {tmpl(y)}", x[1][0], y[1][0])
                continue
            for lr, le in zip(x[1], y[1]):
                c.pair(lr, le, f"interval block {i + 1}")
        for bl in (rb, eb):
            n = min(len(rb), len(eb))
            for i in range(n, len(bl)):
                prev = tmpl(bl[i - 1])
                cur = tmpl(bl[i])
                # The separator flag may differ only after the first block.
                if cur[1] != prev[1] or (cur[0] != prev[0] and i > 1):
                    ln = bl[i][1][0]
                    c.bad(f"extra interval block {i + 1} does not repeat "
                          f"the block before it",
                          ln if ln.tool == "iperf3" else None,
                          ln if ln.tool == "evperf" else None)
                for ln in bl[i][1]:
                    if ln.key() in c.pools:
                        c.pool(ln)
    c.check_pools()
    return c, notes


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("compare")
    p.add_argument("--mode", required=True)
    p.add_argument("--side", required=True)
    p.add_argument("--ref-version", default="")
    p.add_argument("--ev-version", default="")
    p.add_argument("ref")
    p.add_argument("ev")
    args = ap.parse_args()
    c, notes = compare(args)
    for (tool, name, why), nos in sorted(notes.items()):
        print(f"note [{c.tag}] allowlisted {name} on {tool} lines "
              f"{','.join(map(str, nos))}: {why}")
    if c.errors:
        print(f"[{c.tag}] {c.errors} layout difference(s)")
        return 1
    print(f"[{c.tag}] layout matches iperf3's")
    return 0


if __name__ == "__main__":
    sys.exit(main())
