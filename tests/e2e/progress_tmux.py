#!/usr/bin/env python3
"""Looks at a program's --progress line the way a user does: on a terminal.

    progress_tmux.py [OPTIONS] PROGRAM [ARGS...]

Runs PROGRAM in a detached tmux session of a fixed size, on a tmux server of
its own, and captures the screen every --every seconds while it runs. It
fails (exit status 1, the screens on stderr) when:

  - no screen shows a progress line (a row matching --pattern);
  - a screen shows more than one: redraws pile up instead of rewriting;
  - a progress line is not the row the cursor is on, or does not start the
    row: a message was written into it, or it was left behind;
  - a progress line reaches the last column (it may wrap);
  - once the program is over, a progress line is left on the screen, or the
    last rows do not match --expect-end (in order), or the exit status is
    not --status.

The session is killed in every case, and a program that runs longer than
--timeout seconds fails. --show prints the screens on success too.
"""
import argparse
import os
import re
import shlex
import subprocess
import sys
import tempfile
import time
import unicodedata

# The line's items field, in its long and short forms: "1.23M items done",
# "1.23M done 6.6k/s". Any row holding it holds a progress line.
PROGRESS = r"\d[\d.]*[kMGTPE]? (items? )?done\b"
# How a whole progress line starts: the elapsed time, with or without the
# "jobstream" label, then the first separator.
LINE_START = r"^(jobstream )?\d[\d.]*[smhd][\d]*[smh]? \| "


def columns(text):
    """The display columns of `text`, wide characters counted twice."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


class Tmux:
    """A tmux server of our own, so the user's sessions are not touched."""

    def __init__(self, name):
        self.socket = name
        self.target = name

    def run(self, *args, check=True):
        return subprocess.run(["tmux", "-L", self.socket, "-f", os.devnull, *args], check=check,
                              capture_output=True, text=True).stdout

    def start(self, command, width, height):
        self.run("new-session", "-d", "-x", str(width), "-y", str(height), "-s", self.target, command)

    def capture(self, join=False):
        """The screen's rows, and the cursor's row, from one tmux command so
        they are of the same moment. join: rows a long line wrapped into are
        one (the cursor's row then means nothing)."""
        out = self.run("capture-pane", "-p", *(["-J"] if join else []), "-t", self.target, ";",
                       "display-message", "-p", "-t", self.target, "#{cursor_y} #{pane_width}")
        *rows, cursor = out.rstrip("\n").split("\n")
        cursor_y, width = (int(n) for n in cursor.split())
        if join:
            cursor_y = -1
        return Screen([row.rstrip() for row in rows], cursor_y, width)

    def kill(self):
        self.run("kill-server", check=False)


class Screen:
    def __init__(self, rows, cursor_y, width):
        self.rows, self.cursor_y, self.width = rows, cursor_y, width
        self.at = 0.0

    def progress_rows(self, pattern):
        return [y for y, row in enumerate(self.rows) if re.search(pattern, row)]

    def text(self):
        rows = list(self.rows)
        while rows and not rows[-1]:
            rows.pop()
        return "\n".join(f"{'>' if y == self.cursor_y else ' '}|{row}" for y, row in enumerate(rows))


def problems_while_running(screen, pattern):
    """What is wrong with one screen of the running program."""
    found = screen.progress_rows(pattern)
    if len(found) > 1:
        return [f"{len(found)} progress lines (rows {found}): redraws pile up"]
    problems = []
    for y in found:
        row = screen.rows[y]
        if y != screen.cursor_y:
            problems.append(f"the progress line is on row {y}, the cursor on row {screen.cursor_y}: "
                            "it was left behind")
        if not re.search(LINE_START, row):
            problems.append(f"row {y} holds a progress line after other text: {row!r}")
        if columns(row) >= screen.width:
            problems.append(f"the progress line on row {y} reaches column {screen.width}: it may wrap")
    return problems


def problems_at_end(screen, pattern, expect_end):
    problems = [f"a progress line is left on row {y}: {screen.rows[y]!r}"
                for y in screen.progress_rows(pattern)]
    last = [row for row in screen.rows if row.strip()][-len(expect_end):] if expect_end else []
    if expect_end and (len(last) != len(expect_end) or
                       not all(re.search(want, row) for want, row in zip(expect_end, last))):
        problems.append("the last rows are not what --expect-end says:\n" +
                        "\n".join(f"  want {want!r}" for want in expect_end) + "\n" +
                        "\n".join(f"  got  {row!r}" for row in last))
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pattern", default=PROGRESS, help="a regex found in every progress line")
    parser.add_argument("--width", type=int, default=120)
    parser.add_argument("--height", type=int, default=30)
    parser.add_argument("--every", type=float, default=0.1, help="seconds between captures")
    parser.add_argument("--timeout", type=float, default=60)
    parser.add_argument("--status", type=int, default=0, help="the exit status expected")
    parser.add_argument("--expect-end", action="append", default=[], metavar="REGEX",
                        help="the last non-blank rows once the program is over, one regex each, in order")
    parser.add_argument("--show", action="store_true", help="print the screens on success too")
    parser.add_argument("program", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    if not args.program:
        parser.error("no PROGRAM")

    with tempfile.TemporaryDirectory(prefix="progress_tmux.") as scratch:
        status_file = os.path.join(scratch, "status")
        # The pane stays open after the program ends, showing what it left on
        # the screen; the status file says it ended, and how.
        script = f'"$@"; echo $? > {shlex.quote(status_file)}; exec sleep 3600'
        command = shlex.join(["sh", "-c", script, "sh", *args.program])
        tmux = Tmux(f"progress-tmux-{os.getpid()}")
        screens, problems = [], []
        start = time.monotonic()
        try:
            tmux.start(command, args.width, args.height)
            seen = False
            while not os.path.exists(status_file):
                if time.monotonic() - start > args.timeout:
                    break
                screen = tmux.capture()
                screen.at = time.monotonic() - start
                if os.path.exists(status_file):
                    break  # over: this screen is judged as the last
                if not screens or screen.rows != screens[-1].rows or screen.cursor_y != screens[-1].cursor_y:
                    screens.append(screen)
                    seen = seen or bool(screen.progress_rows(args.pattern))
                    problems += [f"screen {len(screens)}: {p}"
                                 for p in problems_while_running(screen, args.pattern)]
                time.sleep(args.every)
            if not os.path.exists(status_file):
                problems.append(f"{args.program[0]} did not end within {args.timeout:g} s")
                screens.append(tmux.capture())
                screens[-1].at = time.monotonic() - start
            else:
                final = tmux.capture(join=True)
                final.at = time.monotonic() - start
                screens.append(final)
                if not seen:
                    problems.append(f"no screen showed a progress line (a row matching {args.pattern!r})")
                problems += [f"at the end: {p}" for p in problems_at_end(final, args.pattern, args.expect_end)]
                time.sleep(0.1)  # `echo` may be between creating the file and writing it
                with open(status_file) as f:
                    status = int(f.read().strip() or -1)
                if status != args.status:
                    problems.append(f"exit status {status}, not {args.status}")
        except subprocess.CalledProcessError as e:
            problems.append(f"tmux failed ({' '.join(e.cmd[4:6])}): {e.stderr.strip()}")
        finally:
            tmux.kill()

    if problems or args.show:
        for n, screen in enumerate(screens, 1):
            print(f"--- screen {n} at {screen.at:.2f} s ('>' marks the cursor's row) ---", file=sys.stderr)
            print(screen.text(), file=sys.stderr)
    for problem in problems:
        print(f"progress_tmux: {problem}", file=sys.stderr)
    if not problems:
        print(f"progress_tmux: ok, {len(screens)} screens", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
