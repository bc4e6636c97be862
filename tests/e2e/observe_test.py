#!/usr/bin/env python3
"""Runs a program as a user would with --stats, --trace or --report and checks
what it wrote by reading it back: the stats lines with the regular
expressions job_stream's users' scripts use, the trace with Python's JSON
parser, the report with Python's HTML parser and in a real browser.

  observe_test.py stats  --np N [--cpu-bound] [--env] -- PROG ARGS...
  observe_test.py trace  --np N [--stage NAME=ITEMS]... -- PROG ARGS...
  observe_test.py report --np N [--render SCRIPT] [--keep FILE.html] -- PROG ARGS...
  observe_test.py failure --np N --stderr REGEX -- PROG ARGS...

--np 0 runs PROG as one process; N >= 1 under mpirun -np N. Each run has a
time limit that turns a hang into a failure. --stage NAME=ITEMS: the trace's
spans of that stage (as the user wrote its name) carry ITEMS items in all.
--cpu-bound: the program keeps its workers busy computing, so the CPU time
the stats report must be most of the CPU time the process used. --env asks
with JOBSTREAM_STATS=1 instead of --stats.
"""
import argparse
import html.parser
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile

from e2e_env import environment

RANK_LINE = re.compile(r"^(\d+)_\S+ \d+% user time \(\d+% mpi\), \d+% user cpu, \d+ messages \(\d+% user\)$")
CLUSTER_LINE = re.compile(r"^C (\d+)% user time, (\d+)% user cpu, quality (\d+\.\d+) cpus, ran (\d+\.\d+)s$")


class Failure(Exception):
    pass


def run(args, extra, env_extra=None, expect_success=True):
    command = args.command[:1] + extra + args.command[1:]
    if args.np > 0:
        command = ["mpirun", "-np", str(args.np), "--oversubscribe", "--bind-to", "none"] + command
    env = environment()
    env.pop("JOBSTREAM_STATS", None)
    env.update(env_extra or {})
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, env=env, start_new_session=True)
    try:
        out, err = process.communicate(timeout=args.timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        out, err = process.communicate()
        raise Failure(f"timed out after {args.timeout}s (a hang): {' '.join(command)}\n"
                      f"stderr:\n{err.decode(errors='replace')}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    out, err = out.decode(errors="replace"), err.decode(errors="replace")
    if expect_success and process.returncode != 0:
        raise Failure(f"exit {process.returncode}: {' '.join(command)}\nstderr:\n{err}")
    return process.returncode, out, err, cpu


def ranks_of(args):
    return max(args.np, 1)


def check_stats_lines(err, ranks, complete=True):
    """The rank lines in rank order, then the C line; returns the C line's numbers."""
    rank_lines = [line for line in err.splitlines() if RANK_LINE.match(line)]
    cluster = [CLUSTER_LINE.match(line) for line in err.splitlines() if CLUSTER_LINE.match(line)]
    seen = [int(RANK_LINE.match(line).group(1)) for line in rank_lines]
    if complete and seen != list(range(ranks)):
        raise Failure(f"stats lines for ranks {seen}, wanted 0..{ranks - 1}:\n{err}")
    if not complete and (not seen or seen[0] != 0 or seen != sorted(seen)):
        raise Failure(f"stats lines for ranks {seen}, wanted rank 0 first, in order:\n{err}")
    if len(cluster) != 1:
        raise Failure(f"{len(cluster)} C lines, wanted one:\n{err}")
    lines = err.splitlines()
    if lines.index(cluster[0].group(0)) < max(lines.index(line) for line in rank_lines):
        raise Failure(f"the C line is not after the rank lines:\n{err}")
    user_time, user_cpu, quality, ran = cluster[0].groups()
    return int(user_time), int(user_cpu), float(quality), float(ran)


def stats(args):
    extra, env = (["--threads", str(args.threads)] if args.threads else []), {}
    if args.env:
        env["JOBSTREAM_STATS"] = "1"
    else:
        extra.append("--stats")
    _, out, err, cpu = run(args, extra, env)
    user_time, user_cpu, quality, ran = check_stats_lines(err, ranks_of(args))
    if ran <= 0:
        raise Failure(f"ran {ran}s:\n{err}")
    # Measured, not estimated: the CPU seconds the stats count as user work
    # (quality x ran) were spent by this run's processes.
    user_seconds = quality * ran
    if user_seconds > cpu * 1.05 + 0.05:
        raise Failure(f"the stats count {user_seconds:.3f} s of user CPU, the processes used {cpu:.3f} s:\n{err}")
    if args.cpu_bound:
        if user_seconds < 0.5 * cpu:
            raise Failure(f"a CPU-bound run, yet the stats count {user_seconds:.3f} s of the {cpu:.3f} s of CPU "
                          f"its processes used:\n{err}")
        if user_cpu > user_time + 1:
            raise Failure(f"user cpu {user_cpu}% above user time {user_time}%:\n{err}")
    # Without asking: nothing.
    _, _, quiet, _ = run(args, [])
    if any(RANK_LINE.match(line) or CLUSTER_LINE.match(line) for line in quiet.splitlines()):
        raise Failure(f"stats printed without --stats:\n{quiet}")
    print(f"ok: quality {quality:.2f} cpus, ran {ran:.3f}s, user CPU {user_seconds:.3f}s of {cpu:.3f}s")


def load_trace(path):
    with open(path, encoding="utf-8") as f:
        trace = json.load(f)
    if not isinstance(trace, dict) or not isinstance(trace.get("traceEvents"), list):
        raise Failure(f"{path} is not a trace-event object with traceEvents")
    return trace


def check_trace(trace, ranks, stages, complete=True):
    events = trace["traceEvents"]
    names = {}
    threads = {}
    for event in events:
        for key in ("ph", "pid"):
            if key not in event:
                raise Failure(f"an event without '{key}': {event}")
        if event["ph"] == "M" and event.get("name") == "process_name":
            names[event["pid"]] = event["args"]["name"]
        if event["ph"] == "M" and event.get("name") == "thread_name":
            threads.setdefault(event["pid"], set()).add(event["args"]["name"])
        if event["ph"] == "X":
            if event["dur"] < 0 or event["ts"] < 0:
                raise Failure(f"a span with a negative time: {event}")
    # Processes are named after their rank; pids are the viewer's business.
    pid_of = {}
    for pid, name in names.items():
        match = re.match(r"^rank (\d+)(?: \(\S+\))?", name)
        if match:
            pid_of[int(match.group(1))] = pid
    for rank in range(ranks):
        if rank not in pid_of:
            raise Failure(f"no process named 'rank {rank} (host)': {sorted(names.values())}")
        named = threads.get(pid_of[rank], set())
        if complete and "communication" not in named:
            raise Failure(f"rank {rank} has no communication thread: {named}")
        if complete and not any(name.startswith("worker") for name in named):
            raise Failure(f"rank {rank} has no worker thread: {named}")
    for stage, items in stages.items():
        spans = [e for e in events if e["ph"] == "X" and e.get("name") == stage]
        total = sum(e.get("args", {}).get("items", 0) for e in spans)
        if total != items:
            raise Failure(f"spans of stage '{stage}' carry {total} items, wanted {items}")
    ends = [e["ts"] + e["dur"] for e in events if e["ph"] == "X"]
    if not ends:
        raise Failure("the trace has no span")
    return events


def trace(args):
    stages = {}
    for spec in args.stage:
        name, _, items = spec.rpartition("=")
        stages[name] = int(items)
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "run.trace.json")
        extra = ["--trace", path] + (["--threads", str(args.threads)] if args.threads else [])
        run(args, extra)
        if os.listdir(folder) != ["run.trace.json"]:
            raise Failure(f"the folder holds {os.listdir(folder)}, wanted only the trace")
        subprocess.run([sys.executable, "-m", "json.tool", path], check=True, stdout=subprocess.DEVNULL)
        events = check_trace(load_trace(path), ranks_of(args), stages)
        print(f"ok: {len(events)} events, {os.path.getsize(path)} bytes")


class Tags(html.parser.HTMLParser):
    VOID = {"meta", "br", "hr", "img", "input", "link", "col", "wbr", "area", "base", "source"}

    def __init__(self):
        super().__init__()
        self.open = []
        self.problems = []
        self.text = []
        self.tags = set()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        for name, value in attrs:
            if name in ("src", "href") and value and re.match(r"^[a-z]+://", value):
                self.problems.append(f"<{tag} {name}={value}> reaches out of the file")
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.tags.add(tag)

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        if not self.open or self.open[-1] != tag:
            self.problems.append(f"</{tag}> closes <{self.open[-1] if self.open else None}>")
            return
        self.open.pop()

    def handle_data(self, data):
        self.text.append(data)


def check_report(path, stages, error=None):
    with open(path, encoding="utf-8") as f:
        page = f.read()
    tags = Tags()
    tags.feed(page)
    tags.close()
    if tags.problems or tags.open:
        raise Failure(f"{path}: unbalanced HTML: {tags.problems[:5]} still open: {tags.open}")
    if "script" in tags.tags:
        raise Failure(f"{path} has a script")
    if "svg" not in tags.tags:
        raise Failure(f"{path} has no SVG picture")
    text = " ".join(tags.text)
    for stage in stages:
        if stage not in text:
            raise Failure(f"{path} does not name stage '{stage}'")
    if error and error not in text:
        raise Failure(f"{path} does not show the error '{error}'")
    return page


def report(args):
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "run.html")
        extra = ["--report", path] + (["--threads", str(args.threads)] if args.threads else [])
        run(args, extra)
        check_report(path, [spec.rpartition("=")[0] for spec in args.stage])
        if args.keep:
            shutil.copy(path, args.keep)
        if args.render:
            png = os.path.join(folder, "run.png")
            result = subprocess.run([sys.executable, args.render, path, png], capture_output=True, text=True,
                                    timeout=args.timeout + 120)
            if result.returncode != 0:
                raise Failure(f"the report did not render:\n{result.stdout}{result.stderr}")
        print(f"ok: {os.path.getsize(path)} bytes")


def failure(args):
    with tempfile.TemporaryDirectory() as folder:
        trace_path = os.path.join(folder, "run.trace.json")
        report_path = os.path.join(folder, "run.html")
        extra = ["--stats", "--trace", trace_path, "--report", report_path]
        if args.threads:
            extra += ["--threads", str(args.threads)]
        code, _, err, _ = run(args, extra, expect_success=False)
        if code == 0:
            raise Failure(f"the run succeeded; it should fail:\n{err}")
        match = re.search(args.stderr, err, re.MULTILINE)
        if not match:
            raise Failure(f"the error /{args.stderr}/ did not reach stderr:\n{err}")
        check_stats_lines(err, ranks_of(args), complete=False)
        trace = load_trace(trace_path)
        error = trace.get("otherData", {}).get("error", "")
        if not re.search(args.stderr, error):
            raise Failure(f"the trace's error is '{error}', wanted /{args.stderr}/")
        check_trace(trace, 1, {}, complete=False)
        check_report(report_path, [], error=None)
        with open(report_path, encoding="utf-8") as f:
            if not re.search(args.stderr.replace("'", "(?:'|&#39;|&#x27;|&apos;)"), f.read()):
                raise Failure("the report does not show the error")
        print("ok: the error reached stderr, the trace and the report")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["stats", "trace", "report", "failure"])
    parser.add_argument("--np", type=int, required=True)
    parser.add_argument("--threads", type=int)
    parser.add_argument("--timeout", type=float, default=120)
    parser.add_argument("--cpu-bound", action="store_true")
    parser.add_argument("--env", action="store_true")
    parser.add_argument("--stage", action="append", default=[])
    parser.add_argument("--render")
    parser.add_argument("--keep")
    parser.add_argument("--stderr", default=".")
    argv = sys.argv[1:]
    split = argv.index("--") if "--" in argv else len(argv)
    args = parser.parse_args(argv[:split])
    args.command = argv[split + 1:]
    if not args.command:
        parser.error("no program after --")
    try:
        {"stats": stats, "trace": trace, "report": report, "failure": failure}[args.mode](args)
    except Failure as e:
        print(f"FAIL: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
