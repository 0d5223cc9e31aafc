#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
#
# plot_check.py: the file checks behind test/e2e/t_plot.sh (standard library
# only). Two commands; each prints what is wrong and exits 1, or exits 0:
#
#   png FILE            FILE is a whole PNG: the 8-byte signature, an IHDR
#                       chunk first with a width and height of at least 100
#                       pixels, every chunk's CRC right, IEND last.
#   svg FILE MANIFEST   FILE parses as XML with an <svg> root, and every
#                       series label and the title that evperf-plot's
#                       --manifest MANIFEST lists appear as <text> in it
#                       (evperf-plot keeps SVG text as text), so the
#                       manifest describes the picture, not just intent.
import json
import struct
import sys
import xml.etree.ElementTree as ET
import zlib


def check_png(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        return "no PNG signature"
    pos, first, last = 8, None, None
    while pos < len(data):
        if pos + 12 > len(data):
            return f"truncated chunk at byte {pos}"
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if len(body) != n or pos + 12 + n > len(data):
            return f"truncated {kind!r} chunk"
        crc, = struct.unpack(">I", data[pos + 8 + n:pos + 12 + n])
        if zlib.crc32(kind + body) != crc:
            return f"bad CRC in the {kind!r} chunk"
        if first is None:
            first = (kind, body)
        last = kind
        pos += 12 + n
    if first is None or first[0] != b"IHDR":
        return "the first chunk is not IHDR"
    w, h = struct.unpack(">II", first[1][:8])
    if w < 100 or h < 100:
        return f"{w}x{h} pixels"
    if last != b"IEND":
        return "the last chunk is not IEND"
    return None


def check_svg(path, manifest):
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as e:
        return f"not XML: {e}"
    if root.tag not in ("svg", "{http://www.w3.org/2000/svg}svg"):
        return f"the root element is {root.tag}, not svg"
    texts = set()
    for el in root.iter():
        if el.tag.rsplit("}", 1)[-1] == "text":
            texts.add("".join(el.itertext()).strip())
    with open(manifest) as f:
        m = json.load(f)
    want = [m["title"]]
    for panel in m["panels"]:
        want += m["series"][panel]
    missing = [w for w in want if w not in texts]
    if missing:
        return "not in the SVG's text: " + ", ".join(map(repr, missing))
    return None


def main(argv):
    if len(argv) == 2 and argv[0] == "png":
        err = check_png(argv[1])
    elif len(argv) == 3 and argv[0] == "svg":
        err = check_svg(argv[1], argv[2])
    else:
        print("usage: plot_check.py png FILE | svg FILE MANIFEST",
              file=sys.stderr)
        return 2
    if err:
        print(f"{argv[1]}: {err}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
