#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
#
# json_parity.py: the checks behind test/e2e/t_json_*.sh. It reads -J
# documents without losing what a plain json.load() hides (duplicate keys,
# key order, the exact number tokens) and offers four commands:
#
#   layout FILE [--count N]   FILE holds N documents (default 1), each laid
#                             out exactly as cJSON's pretty printer (iperf3)
#                             lays it out, numbers printed as cJSON prints
#                             them, and no nan, inf or null anywhere.
#   paths FILE                print "path<TAB>type" for every key path.
#   compare --mode M --doc D --allowlist A REF EV
#                             every key path of REF (iperf3's document) must
#                             exist in EV (evperf's) with the same type and
#                             relative key order, and EV may add none;
#                             differences listed in A are allowed. Exit 1 on
#                             anything else.
#   stream FILE               FILE is a --json-stream log: one compact JSON
#                             object per line, {"event":..., "data":...}, in
#                             iperf3's event order.
#
# Paths name array elements with "[]" (start.connected[].socket); a path's
# type merges every instance: "int" when every number token is integral,
# else "number". Keys whose values are fractional by nature (times, rates,
# percentages) compare as "number" whatever the token looks like.
import json
import re
import sys

NUMBER_LEAVES = {
    "start", "end", "seconds", "bits_per_second", "jitter_ms",
    "lost_percent", "host_total", "host_user", "host_system",
    "remote_total", "remote_user", "remote_system", "interval",
}


class Num:
    """A number token kept verbatim."""

    def __init__(self, tok):
        self.tok = tok
        self.val = float(tok)

    def integral(self):
        return re.fullmatch(r"-?[0-9]+", self.tok) is not None


def bad_constant(name):
    raise ValueError("non-finite number %s" % name)


def cjson_number(n):
    """The text cJSON 1.7.x prints for a double (print_number)."""
    d = n.val
    if d == int(d) and -2147483648 <= d <= 2147483647:
        return "%d" % int(d)
    s = "%1.15g" % d
    if float(s) != d:
        s = "%1.17g" % d
    return s


def cjson_string(s):
    out = ['"']
    for ch in s:
        o = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch in "\b\f\n\r\t":
            out.append({"\b": "\\b", "\f": "\\f", "\n": "\\n",
                        "\r": "\\r", "\t": "\\t"}[ch])
        elif o < 32:
            out.append("\\u%04x" % o)
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def cjson_print(v, depth=0):
    """cJSON_Print(): TAB indents, "key":<TAB>value, arrays on one line."""
    if isinstance(v, JObject):
        inner = depth + 1
        parts = []
        for k, x in v:
            parts.append("\t" * inner + cjson_string(k) + ":\t" +
                         cjson_print(x, inner))
        return "{\n" + ",\n".join(parts) + ("\n" if parts else "") + \
            "\t" * (inner - 1) + "}"
    if isinstance(v, JArray):
        return "[" + ", ".join(cjson_print(x, depth + 1) for x in v) + "]"
    if isinstance(v, Num):
        return cjson_number(v)
    if isinstance(v, str):
        return cjson_string(v)
    if v is True:
        return "true"
    if v is False:
        return "false"
    if v is None:
        return "null"
    raise ValueError("unexpected value %r" % (v,))


class JArray(list):
    pass


class JObject(list):
    pass


def load_tagged(text):
    """All concatenated documents of text: objects as JObject (pairs, so
    duplicate keys and order survive), arrays as JArray, numbers as Num."""
    def hook(pairs):
        return JObject(pairs)

    dec = json.JSONDecoder(object_pairs_hook=hook, parse_float=Num,
                           parse_int=Num, parse_constant=bad_constant)
    # json builds arrays as plain lists: wrap them after the fact.

    def wrap(v):
        if isinstance(v, JObject):
            return JObject((k, wrap(x)) for k, x in v)
        if isinstance(v, list):
            return JArray(wrap(x) for x in v)
        return v

    docs, i = [], 0
    while True:
        while i < len(text) and text[i] in " \t\r\n":
            i += 1
        if i >= len(text):
            return docs
        obj, j = dec.raw_decode(text, i)
        docs.append((wrap(obj), text[i:j]))
        i = j


def find_null(v, path="$"):
    if v is None:
        return path
    if isinstance(v, JObject):
        for k, x in v:
            p = find_null(x, path + "." + k)
            if p:
                return p
    elif isinstance(v, JArray):
        for x in v:
            p = find_null(x, path + "[]")
            if p:
                return p
    return None


def cmd_layout(args):
    fname = args[0]
    count = int(args[args.index("--count") + 1]) if "--count" in args else 1
    text = open(fname, encoding="utf-8").read()
    if re.search(r"\b(nan|inf|NaN|Infinity)\b", text) and \
            not text.lstrip().startswith("{"):
        return fail("%s: non-finite number" % fname)
    try:
        docs = load_tagged(text)
    except ValueError as e:
        return fail("%s: not JSON: %s" % (fname, e))
    if len(docs) != count:
        return fail("%s: %d documents, wanted %d" % (fname, len(docs), count))
    want = "".join(cjson_print(d) + "\n" for d, _ in docs)
    if text != want:
        a, b = text.splitlines(), want.splitlines()
        for i, (x, y) in enumerate(zip(a, b)):
            if x != y:
                return fail("%s: line %d is %r, cJSON prints %r" %
                            (fname, i + 1, x, y))
        return fail("%s: %d lines, cJSON prints %d" % (fname, len(a), len(b)))
    for d, _ in docs:
        if not isinstance(d, JObject):
            return fail("%s: a document is not an object" % fname)
        p = find_null(d)
        if p:
            return fail("%s: null (nan or inf?) at %s" % (fname, p))
    return 0


def walk(v, path, out, order):
    """Collect path -> set of types, and parent -> set of (a, b) orders."""
    if isinstance(v, JObject):
        keys = [k for k, _ in v]
        pairs = order.setdefault(path, set())
        for i, a in enumerate(keys):
            for b in keys[i + 1:]:
                if a != b:
                    pairs.add((a, b))
        for k, x in v:
            p = k if path == "" else path + "." + k
            out.setdefault(p, set()).add(vtype(k, x))
            walk(x, p, out, order)
    elif isinstance(v, JArray):
        for x in v:
            walk(x, path + "[]", out, order)


def vtype(key, x):
    if isinstance(x, JObject):
        return "object"
    if isinstance(x, JArray):
        return "array"
    if isinstance(x, bool):
        return "bool"
    if isinstance(x, Num):
        if key in NUMBER_LEAVES:
            return "number"
        return "int" if x.integral() else "number"
    if isinstance(x, str):
        return "string"
    return "null"


def merge_types(ts):
    if ts == {"int", "number"}:
        return "number"
    return "|".join(sorted(ts))


def doc_paths(fname):
    docs = load_tagged(open(fname, encoding="utf-8").read())
    if len(docs) != 1:
        raise SystemExit("%s: %d documents, wanted 1" % (fname, len(docs)))
    types, order = {}, {}
    walk(docs[0][0], "", types, order)
    return {p: merge_types(t) for p, t in types.items()}, order


def cmd_paths(args):
    types, _ = doc_paths(args[0])
    for p in sorted(types):
        print("%s\t%s" % (p, types[p]))
    return 0


def glob_re(g):
    return re.compile("^" + re.escape(g).replace("\\*", ".*") + "$")


def load_allowlist(fname):
    rules = []
    for n, line in enumerate(open(fname, encoding="utf-8"), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        f = line.split(None, 4)
        if len(f) < 5 or f[0] not in ("missing", "extra", "type", "order"):
            raise SystemExit("%s:%d: want KIND DOC MODES PATH REASON" %
                             (fname, n))
        rules.append({"kind": f[0], "doc": glob_re(f[1]),
                      "mode": glob_re(f[2]), "path": glob_re(f[3]),
                      "text": line, "line": n})
    return rules


def allowed(rules, kind, doc, mode, path):
    for r in rules:
        if r["kind"] == kind and r["doc"].match(doc) and \
                r["mode"].match(mode) and r["path"].match(path):
            return r
    return None


def cmd_compare(args):
    opt = {}
    rest = []
    i = 0
    while i < len(args):
        if args[i] in ("--mode", "--doc", "--allowlist", "--used"):
            opt[args[i][2:]] = args[i + 1]
            i += 2
        else:
            rest.append(args[i])
            i += 1
    mode, doc = opt["mode"], opt["doc"]
    rules = load_allowlist(opt["allowlist"])
    rt, ro = doc_paths(rest[0])
    et, eo = doc_paths(rest[1])
    diffs = []
    for p in sorted(set(rt) - set(et)):
        diffs.append(("missing", p, "iperf3 has it (%s)" % rt[p]))
    for p in sorted(set(et) - set(rt)):
        diffs.append(("extra", p, "evperf adds it (%s)" % et[p]))
    for p in sorted(set(rt) & set(et)):
        if rt[p] != et[p]:
            diffs.append(("type", p, "iperf3 %s, evperf %s" % (rt[p], et[p])))
    for parent in sorted(set(ro) & set(eo)):
        for a, b in sorted(eo[parent]):
            if (b, a) in ro[parent] and (a, b) not in ro[parent]:
                p = (parent + "." if parent else "") + a + ">" + b
                diffs.append(("order", p, "evperf puts %s before %s" % (a, b)))
    bad = 0
    used = open(opt["used"], "a") if "used" in opt else None
    for kind, p, why in diffs:
        r = allowed(rules, kind, doc, mode, p)
        if r is None:
            print("%s %s %s %s: %s" % (kind, doc, mode, p, why))
            bad += 1
        elif used is not None:
            used.write("%d\n" % r["line"])
    return 1 if bad else 0


def cmd_stream(args):
    fname = args[0]
    lines = open(fname, encoding="utf-8").read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    events = []
    for n, line in enumerate(lines, 1):
        try:
            d = load_tagged(line)
        except ValueError as e:
            return fail("%s:%d: not JSON: %s" % (fname, n, e))
        if len(d) != 1 or not isinstance(d[0][0], JObject):
            return fail("%s:%d: not one object" % (fname, n))
        o = d[0][0]
        if [k for k, _ in o] != ["event", "data"]:
            return fail("%s:%d: keys %r" % (fname, n, [k for k, _ in o]))
        if "\t" in line or line != line.strip():
            return fail("%s:%d: not compact" % (fname, n))
        p = find_null(o)
        if p:
            return fail("%s:%d: null at %s" % (fname, n, p))
        events.append(o[0][1])
    seq = " ".join(events)
    if not re.fullmatch(r"(start( interval)*)? ?(error )?"
                        r"(server_output_json |server_output_text )?end",
                        seq):
        return fail("%s: event order %r" % (fname, seq))
    print(seq)
    return 0


def fail(msg):
    print(msg)
    return 1


def main():
    cmds = {"layout": cmd_layout, "paths": cmd_paths,
            "compare": cmd_compare, "stream": cmd_stream}
    if len(sys.argv) < 3 or sys.argv[1] not in cmds:
        raise SystemExit("usage: json_parity.py layout|paths|compare|stream")
    return cmds[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
