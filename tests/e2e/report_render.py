#!/usr/bin/env python3
"""Renders a --report page the way a reader's browser would, and checks
that what comes out is a page and not a blank or broken one:

  report_render.py REPORT.html OUT.png [--height PIXELS] [--chromium PATH]

First the HTML: its tags balance (as Python's html.parser reads them) and it
neither loads nor runs anything (no script, nothing from the network). Then
headless Chromium takes a 1280-pixel-wide screenshot, and the PNG, decoded
here without any imaging library, must have enough non-white pixels and
enough distinct colours to hold text, tables and charts. Exits non-zero with
the reason otherwise.

The suite renders the reports of real runs with it (observe_test.py report).
"""
import argparse
import html.parser
import os
import pathlib
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

WIDTH = 1280
TIMEOUT_SECONDS = 120
MIN_INK = 0.03          # share of pixels that are not white
MIN_COLOURS = 64        # distinct colours: text anti-aliasing, stage colours
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Balance(html.parser.HTMLParser):
    """Every element opened is closed, in order; void elements and <x/>
    close themselves."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open = []
        self.problems = []

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.open.append((tag, self.getpos()))

    def handle_startendtag(self, tag, attrs):
        pass

    def handle_endtag(self, tag):
        if not self.open or self.open[-1][0] != tag:
            where = "line {}".format(self.getpos()[0])
            opened = self.open[-1][0] if self.open else "nothing"
            self.problems.append("</{}> at {} closes <{}>".format(tag, where, opened))
            return
        self.open.pop()


def check_html(text):
    """The reasons the page is not a self-contained, balanced page."""
    problems = []
    parser = Balance()
    parser.feed(text)
    parser.close()
    problems += parser.problems[:5]
    problems += ["<{}> opened at line {} never closed".format(tag, pos[0]) for tag, pos in parser.open[:5]]
    lowered = text.lower()
    for needle, why in (("<script", "a script"), ("http://", "a network address"), ("https://", "a network address"),
                        ("@import", "a stylesheet import"), ("<link", "a linked resource"), ("<img", "an image"),
                        ("<iframe", "a frame")):
        if needle in lowered:
            problems.append("the page contains {} ({!r})".format(why, needle))
    if not lowered.startswith("<!doctype html>"):
        problems.append("the page does not start with <!DOCTYPE html>")
    return problems


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def decode_png(data):
    """(width, height, channels, rows): 8-bit grey, grey+alpha, RGB or RGBA,
    not interlaced, as Chromium writes screenshots."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG file")
    at, idat, header = 8, [], None
    while at < len(data):
        length, kind = struct.unpack(">I4s", data[at:at + 8])
        body = data[at + 8:at + 8 + length]
        at += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
    if header is None:
        raise ValueError("PNG without a header")
    width, height, depth, colour, _, _, interlace = header
    channels = {0: 1, 2: 3, 4: 2, 6: 4}.get(colour)
    if depth != 8 or channels is None or interlace:
        raise ValueError("unsupported PNG: depth {}, colour type {}, interlace {}".format(depth, colour, interlace))
    raw = zlib.decompress(b"".join(idat))
    stride = width * channels
    rows, previous = [], bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        if kind == 1:
            for i in range(channels, stride):
                line[i] = (line[i] + line[i - channels]) & 0xFF
        elif kind == 2:
            line = bytearray((a + b) & 0xFF for a, b in zip(line, previous))
        elif kind == 3:
            for i in range(stride):
                left = line[i - channels] if i >= channels else 0
                line[i] = (line[i] + ((left + previous[i]) >> 1)) & 0xFF
        elif kind == 4:
            for i in range(stride):
                left = line[i - channels] if i >= channels else 0
                upper_left = previous[i - channels] if i >= channels else 0
                line[i] = (line[i] + paeth(left, previous[i], upper_left)) & 0xFF
        elif kind != 0:
            raise ValueError("bad PNG filter {} on row {}".format(kind, y))
        rows.append(bytes(line))
        previous = line
    return width, height, channels, rows


def check_picture(path):
    """The reasons the screenshot is not a page's picture."""
    with open(path, "rb") as f:
        width, height, channels, rows = decode_png(f.read())
    ink, colours = 0, set()
    colour_channels = 1 if channels <= 2 else 3
    for row in rows:
        for x in range(0, len(row), channels):
            pixel = row[x:x + colour_channels]
            colours.add(pixel)
            if min(pixel) < 240:
                ink += 1
    share = ink / float(width * height)
    problems = []
    if share < MIN_INK:
        problems.append("only {:.2%} of the pixels are not white (want {:.0%}): a blank page?".format(share, MIN_INK))
    if len(colours) < MIN_COLOURS:
        problems.append("only {} distinct colours (want {}): no text or charts?".format(len(colours), MIN_COLOURS))
    return problems, "{}x{} pixels, {:.1%} not white, {} colours".format(width, height, share, len(colours))


def render(page, out, height, chromium):
    """Screenshots `page` into `out` with a throwaway profile."""
    with tempfile.TemporaryDirectory(prefix="report_render_") as profile:
        command = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                   "--no-first-run", "--disable-extensions", "--disable-background-networking",
                   "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile,
                   "--screenshot=" + out, "--window-size={},{}".format(WIDTH, height),
                   pathlib.Path(page).resolve().as_uri()]
        try:
            done = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                  timeout=TIMEOUT_SECONDS, check=False)
        except subprocess.TimeoutExpired:
            return "chromium did not finish within {} s".format(TIMEOUT_SECONDS)
        if done.returncode != 0 or not os.path.exists(out) or os.path.getsize(out) == 0:
            tail = done.stdout.decode(errors="replace").strip().splitlines()[-5:]
            return "chromium exited with status {} and no screenshot:\n  {}".format(done.returncode, "\n  ".join(tail))
    return None


def main():
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("report")
    options.add_argument("png")
    options.add_argument("--height", type=int, default=1600, help="window height in pixels (default 1600)")
    options.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    args = options.parse_args()

    with open(args.report, encoding="utf-8") as f:
        problems = check_html(f.read())
    if problems:
        sys.exit("report_render: {}:\n  {}".format(args.report, "\n  ".join(problems)))
    if os.path.exists(args.png):
        os.remove(args.png)
    failure = render(args.report, args.png, args.height, args.chromium)
    if failure:
        sys.exit("report_render: {}: {}".format(args.report, failure))
    problems, summary = check_picture(args.png)
    if problems:
        sys.exit("report_render: {} ({}):\n  {}".format(args.png, summary, "\n  ".join(problems)))
    print("report_render: {}: {}".format(args.png, summary))


if __name__ == "__main__":
    main()
