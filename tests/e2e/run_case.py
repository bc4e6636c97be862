#!/usr/bin/env python3
"""Runs one end-to-end case: a program, at some number of ranks, with a time
limit that turns a hang into a failure, and checks what it printed.

  run_case.py --np N [--timeout S] [--stdin FILE] [--expect FILE]
              [--exit CODE | --fails] [--stderr REGEX]... [--stdout REGEX]...
              [--ranks-seen] [--mean-position LINE:MIN:MAX]... -- PROG ARGS...

--np 0 runs PROG directly (one process, no mpirun); N >= 1 runs it under
`mpirun -np N --oversubscribe`. --expect compares stdout with FILE as a
multiset of lines (items are not ordered across a pipeline). --stderr
requires a match in stderr, --stdout one in stdout. --fails requires a
non-zero exit code. --ranks-seen requires the lines 'rank=R' on
stdout to name every rank 0..N-1 (work spread over all ranks); those lines
are left out of the comparison with --expect. --mean-position requires the
lines equal to LINE to sit, on average, between MIN and MAX of the way
through stdout (0 = first line, 1 = last): how interleaved two kinds of
lines are, for a single rank's output.
"""
import argparse
import os
import re
import signal
import subprocess
import sys

from e2e_env import environment, mpirun_crashed_in_teardown


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--np", type=int, required=True)
    parser.add_argument("--timeout", type=float, default=60)
    parser.add_argument("--stdin")
    parser.add_argument("--expect")
    parser.add_argument("--exit", type=int, default=0)
    parser.add_argument("--fails", action="store_true")
    parser.add_argument("--stdout", action="append", default=[])
    parser.add_argument("--stderr", action="append", default=[])
    parser.add_argument("--ranks-seen", action="store_true")
    parser.add_argument("--mean-position", action="append", default=[])
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command

    env = environment()
    if args.np > 0:
        command = ["mpirun", "-np", str(args.np), "--oversubscribe", "--bind-to", "none"] + command

    for attempt in (1, 2):
        stdin = open(args.stdin, "rb") if args.stdin else subprocess.DEVNULL
        process = subprocess.Popen(command, stdin=stdin, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, env=env, start_new_session=True)
        try:
            out, err = process.communicate(timeout=args.timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            out, err = process.communicate()
            return fail(f"timed out after {args.timeout}s (a hang)", command, out.decode(errors="replace"),
                        err.decode(errors="replace"))
        out, err = out.decode(errors="replace"), err.decode(errors="replace")
        if attempt == 1 and args.np > 0 and mpirun_crashed_in_teardown(process.returncode, err):
            print("run_case.py: mpirun itself crashed in Open MPI's teardown; running the case again:\n"
                  + err[-1500:], file=sys.stderr)
            continue
        break

    if args.fails and process.returncode == 0:
        return fail("exit code 0, expected a failure", command, out, err)
    if not args.fails and process.returncode != args.exit:
        return fail(f"exit code {process.returncode}, expected {args.exit}", command, out, err)
    for stream, patterns, text in (("stderr", args.stderr, err), ("stdout", args.stdout, out)):
        for pattern in patterns:
            if not re.search(pattern, text, re.MULTILINE):
                return fail(f"{stream} does not match {pattern!r}", command, out, err)

    lines = [line for line in out.splitlines()]
    rank_lines = [line for line in lines if line.startswith("rank=")]
    if args.ranks_seen:
        seen = {int(line[5:]) for line in rank_lines}
        wanted = set(range(max(args.np, 1)))
        if seen != wanted:
            return fail(f"work ran on ranks {sorted(seen)}, expected {sorted(wanted)}",
                        command, out, err)
        lines = [line for line in lines if not line.startswith("rank=")]
    if args.expect:
        with open(args.expect) as expected_file:
            expected = expected_file.read().splitlines()
        if sorted(lines) != sorted(expected):
            missing = sorted(set(expected) - set(lines))[:10]
            extra = sorted(set(lines) - set(expected))[:10]
            return fail(f"stdout differs from {args.expect} as a multiset of lines "
                        f"({len(lines)} lines, expected {len(expected)}; "
                        f"missing e.g. {missing}, unexpected e.g. {extra})", command, out, err)
    for spec in args.mean_position:
        text, low, high = spec.rsplit(":", 2)
        positions = [i / max(1, len(lines) - 1) for i, line in enumerate(lines) if line == text]
        if not positions:
            return fail(f"no line {text!r} for --mean-position", command, out, err)
        mean = sum(positions) / len(positions)
        if not float(low) <= mean <= float(high):
            return fail(f"lines {text!r} sit at {mean:.3f} of the output on average, "
                        f"expected {low}..{high}", command, out, err)
    return 0


def fail(reason, command, out, err):
    print(f"FAILED: {' '.join(command)}: {reason}", file=sys.stderr)
    print("--- stdout (end) ---\n" + out[-3000:], file=sys.stderr)
    print("--- stderr (end) ---\n" + err[-3000:], file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
