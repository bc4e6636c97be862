#!/usr/bin/env python3
"""Sweeps end to end (contract, section 7), with sweep_noise.cpp.

  sweep_check.py same --np N... -- PROG    tables and CSVs byte-identical at every np,
                                           and right by a second computation
  sweep_check.py fails --np N -- PROG      a trial that throws ends the run naming it
  sweep_check.py progress --np N -- PROG   --progress tells each finished combination
  sweep_check.py usage -- PROG             the options' usage errors (exit 2)
  sweep_check.py report --np N... [--render SCRIPT] -- PROG
                                           --report's sweep section: a row and a point per
                                           combination, as the table on stdout says

The second computation: the trials' outcomes again in Python (the same
hash), their mean and standard deviation by Python's `statistics`, and
Student's t by integrating its density (not Boost's quantile, which the
program uses). Every run has a time limit that turns a hang into a failure.
"""
import argparse
import csv
import html.parser
import io
import math
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile

from e2e_env import environment

TIMEOUT = 60
MASK = (1 << 64) - 1
SQRT3 = 1.7320508075688772


class Failure(Exception):
    pass


def run(command, np, extra, env_extra=None):
    argv = command[:1] + extra + command[1:]
    if np > 0:
        argv = ["mpirun", "-np", str(np), "--oversubscribe", "--bind-to", "none"] + argv
    env = environment()
    env.update(env_extra or {})
    process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               env=env, start_new_session=True)
    try:
        out, err = process.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        out, err = process.communicate()
        raise Failure(f"timed out after {TIMEOUT}s (a hang): {' '.join(argv)}\n{err.decode(errors='replace')}")
    return process.returncode, out.decode(errors="replace"), err.decode(errors="replace")


# sweep_noise.cpp's trials.
def mix(x):
    x = (x + 0x9E3779B97F4A7C15) & MASK
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & MASK
    return x ^ (x >> 31)


def symmetric(key):
    return (mix(key) >> 11) * 2.0 ** -52 - 1.0


def trial(a, n, t):
    key = (int(a * 2) << 40) ^ (n << 20) ^ t
    return (a + 0.5 * SQRT3 * symmetric(key), n * (1 + 0.05 * SQRT3 * symmetric(key ^ 0x5555)))


# Student's t(0.975, dof): Newton's method on the CDF, which is 1/2 plus the
# integral of the density from 0 (Simpson's rule).
_t_cache = {}


def t975(dof):
    if dof in _t_cache:
        return _t_cache[dof]
    v = float(dof)
    scale = math.exp(math.lgamma((v + 1) / 2) - math.lgamma(v / 2)) / math.sqrt(v * math.pi)

    def density(x):
        return scale * (1 + x * x / v) ** (-(v + 1) / 2)

    def cdf(x):
        steps = 4000
        h = x / steps
        total = density(0) + density(x)
        for i in range(1, steps):
            total += (4 if i % 2 else 2) * density(i * h)
        return 0.5 + total * h / 3

    x = 2.0
    for _ in range(60):
        step = (cdf(x) - 0.975) / density(x)
        x -= step
        if abs(step) < 1e-12:
            break
    _t_cache[dof] = x
    return x


def statistics_of(a, n, trials):
    columns = list(zip(*(trial(a, n, t) for t in range(trials))))
    out = []
    for values in columns:
        mean = statistics.fmean(values)
        dev = statistics.stdev(values) if trials > 1 else math.nan
        err = t975(trials - 1) * dev / math.sqrt(trials) if trials > 1 else math.nan
        out.append((mean, dev, err))
    return out


def met(stats, relative, absolute):
    """The rule at these statistics: True, False, or None when too close to call."""
    verdict = True
    for mean, _, err in stats:
        target = max(relative * abs(mean), absolute)
        if abs(err - target) <= 1e-7 * max(target, 1e-300):
            return None
        verdict = verdict and err <= target
    return verdict


def close(got, want, what, tolerance):
    if math.isnan(want) and math.isnan(got):
        return
    if not abs(got - want) <= tolerance * max(1.0, abs(want)):
        raise Failure(f"{what}: the program says {got!r}, Python {want!r}")


def check_csv(text, settings):
    """Rows in parameter order, statistics as computed here, automatic counts minimal."""
    rows = list(csv.reader(io.StringIO(text)))
    header = ["trials", "a", "n", "value", "value_dev", "value_err", "cost", "cost_dev", "cost_err"]
    if rows[0] != header:
        raise Failure(f"CSV header {rows[0]}, not {header}")
    body = rows[1:]
    keys = [(float(r[1]), int(r[2])) for r in body]
    want_keys = sorted((a, n) for a in (1.0, 5.5, 10.0) for n in (10, 20))
    if keys != want_keys:
        raise Failure(f"rows {keys}, not one per combination in parameter order {want_keys}")
    exact, lowest, most, relative, absolute = settings
    for r in body:
        a, n, trials = float(r[1]), int(r[2]), int(r[0])
        stats = statistics_of(a, n, trials)
        for c, (mean, dev, err) in enumerate(stats):
            where = f"a={a} n={n} column {header[3 + 3 * c]}"
            close(float(r[3 + 3 * c]), mean, where + " mean", 1e-12)
            close(float(r[4 + 3 * c]), dev, where + " dev", 1e-9)
            close(float(r[5 + 3 * c]), err, where + " err", 1e-7)
        if exact:
            if trials != exact:
                raise Failure(f"a={a} n={n}: {trials} trials, not --trials {exact}")
            continue
        # The smallest count from the minimum that meets the rule, or the most.
        for m in range(max(lowest, 2), trials):
            if met(statistics_of(a, n, m), relative, absolute):
                raise Failure(f"a={a} n={n}: stopped at {trials} trials, but {m} already met the rule")
        if trials < most and met(stats, relative, absolute) is False:
            raise Failure(f"a={a} n={n}: stopped at {trials} trials without meeting the rule")
        if trials > most:
            raise Failure(f"a={a} n={n}: {trials} trials, more than the most, {most}")


CASES = [
    # options, (exact, min, max, E, A)
    ([], (0, 3, 10000, 0.1, 0.01)),
    (["--trials", "12"], (12, 0, 0, 0, 0)),
    (["--trials", "-40", "--relative-error", "0.02", "--absolute-error", "0"], (0, 3, 40, 0.02, 0.0)),
    (["--min-trials", "10", "--relative-error", "0.2"], (0, 10, 10000, 0.2, 0.01)),
]


def same(args):
    folder = tempfile.mkdtemp(prefix="sweep-check-")
    for options, settings in CASES:
        first = None
        for np in args.np:
            path = os.path.join(folder, f"np{np}.csv")
            code, out, err = run(args.command, np, options + ["--csv", path, "--no-progress"])
            if code != 0:
                raise Failure(f"exit {code} at np {np} with {options}:\n{err}")
            with open(path) as f:
                table = f.read()
            os.remove(path)
            if first is None:
                first = (np, out, table)
                check_csv(table, settings)
                lines = out.splitlines()
                if len(lines) != 7 or lines[0].split() != ["trials", "a", "n", "value", "value_dev", "value_err",
                                                          "cost", "cost_dev", "cost_err"]:
                    raise Failure(f"the table on stdout is not a header and six rows:\n{out}")
            else:
                if out != first[1]:
                    raise Failure(f"with {options}, the table at np {np} differs from np {first[0]}:\n{out}\n---\n{first[1]}")
                if table != first[2]:
                    raise Failure(f"with {options}, the CSV at np {np} differs from np {first[0]}")
        print(f"ok: {' '.join(options) or '(defaults)'}: the same table and CSV at np {args.np}, checked in Python")
    os.rmdir(folder)


def fails(args):
    for np in args.np:
        code, out, err = run(args.command, np, ["--no-progress"], {"SWEEP_THROW": "1"})
        if code != 1:
            raise Failure(f"np {np}: exit {code}, not 1, when a trial throws\n{err}")
        if "noise::trial" not in err or "trial 7 failed" not in err or "rank" not in err:
            raise Failure(f"np {np}: the error does not name the stage, its rank and the exception:\n{err}")
        if out.strip():
            raise Failure(f"np {np}: a failed sweep printed a table:\n{out}")
        print(f"ok: np {np}: {err.strip().splitlines()[-1]}")


def progress(args):
    """With --progress, each finished combination is told on stderr, with the table's trials."""
    for np in args.np:
        code, out, err = run(args.command, np, ["--progress"], {"SWEEP_TRIAL_MS": "5"})
        if code != 0:
            raise Failure(f"np {np}: exit {code}\n{err}")
        told = sorted(line for line in err.splitlines() if line.startswith("jobstream: sweep noise::trial("))
        rows = [line.split() for line in out.splitlines()[1:]]
        want = sorted(f"jobstream: sweep noise::trial(a={r[1]}, n={r[2]}) done: {r[0]} trials" for r in rows)
        if told != want:
            raise Failure(f"np {np}: stderr told\n" + "\n".join(told) + "\nnot\n" + "\n".join(want))
        print(f"ok: np {np}: {len(told)} combinations told")


def usage(args):
    cases = [
        (["--trials", "5", "--min-trials", "2"], "--min-trials is for an automatic number of trials"),
        (["--trials", "5", "--max-trials", "9"], "--max-trials is for an automatic number of trials"),
        (["--min-trials", "9", "--max-trials", "4"], "--min-trials 9 is more than the most trials, 4"),
        (["--relative-error", "0", "--absolute-error", "0"], "one of them must be above 0"),
        (["--csv", "/nonexistent-folder/t.csv"], "its folder '/nonexistent-folder' does not exist"),
    ]
    for options, message in cases:
        code, out, err = run(args.command, 0, options)
        if code != 2 or message not in err or out:
            raise Failure(f"{options}: exit {code}, stderr {err!r}; wanted exit 2 saying {message!r}")
        print(f"ok: {' '.join(options)}: {err.strip().splitlines()[0]}")
    code, out, err = run(args.command, 0, ["--help"])
    for option in ("--trials", "--min-trials", "--max-trials", "--relative-error", "--absolute-error", "--csv"):
        if option not in out:
            raise Failure(f"--help does not offer {option}:\n{out}")


class SweepSection(html.parser.HTMLParser):
    """The sweep section of a --report page: its sentences, its table's rows
    (the cells' text) and its charts' points."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth = 0  # inside <section id="sweep">: the sections open
        self.text = []
        self.rows = []
        self.cell = None
        self.charts = 0
        self.points = 0
        self.tags = set()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        attrs = dict(attrs)
        if tag == "section" and (self.depth or attrs.get("id") == "sweep"):
            self.depth += 1
        if not self.depth:
            return
        if tag == "tr":
            self.rows.append([])
        elif tag == "td":
            self.cell = []
        elif tag == "svg":
            self.charts += 1
        elif tag == "circle":
            self.points += 1

    def handle_endtag(self, tag):
        if not self.depth:
            return
        if tag == "section":
            self.depth -= 1
        elif tag == "td" and self.cell is not None:
            self.rows[-1].append("".join(self.cell).strip())
            self.cell = None

    def handle_data(self, data):
        if self.depth:
            self.text.append(data)
            if self.cell is not None:
                self.cell.append(data)


def shown(cell, value, what):
    """`cell` ("1.03 ± 0.10" or "1.03051") shows `value` to its last digit."""
    number = cell.split("±")[0].strip()
    decimals = len(number.partition(".")[2]) if "e" not in number else 0
    if "e" in number or not abs(float(number) - value) <= 0.5 * 10.0 ** -decimals * (1 + 1e-9):
        raise Failure(f"{what}: the report shows {cell!r}, the table {value!r}")


def report(args):
    """--report at each np: a sweep section with a row and a point per
    combination of the table on stdout, in its order and with its numbers."""
    folder = tempfile.mkdtemp(prefix="sweep-report-")
    for np in args.np:
        path = os.path.join(folder, f"np{np}.html")
        code, out, err = run(args.command, np, ["--report", path, "--no-progress"])
        if code != 0:
            raise Failure(f"np {np}: exit {code}\n{err}")
        with open(path, encoding="utf-8") as f:
            page = f.read()
        if "<script" in page.lower():
            raise Failure(f"np {np}: the report has a script")
        section = SweepSection()
        section.feed(page)
        section.close()
        table = [line.split() for line in out.splitlines()[1:]]
        text = " ".join("".join(section.text).split())
        trials = sum(int(r[0]) for r in table)
        want = f"{len(table)} combinations finished, {trials:,} trials in all"
        if want not in text:
            raise Failure(f"np {np}: the sweep section does not say {want!r}:\n{text[:400]}")
        rows = [r for r in section.rows if r]
        if len(rows) != len(table):
            raise Failure(f"np {np}: {len(rows)} rows in the report's table, {len(table)} on stdout")
        for got, want in zip(rows, table):
            # report: a, n, trials, value, cost; stdout: trials, a, n, value, dev, err, cost, dev, err
            if got[:3] != [want[1], want[2], want[0]]:
                raise Failure(f"np {np}: report row {got}, stdout row {want}: not in the same order")
            for cell, mean, err, name in ((got[3], want[3], want[5], "value"), (got[4], want[6], want[8], "cost")):
                shown(cell, float(mean), f"np {np} a={want[1]} n={want[2]} {name} mean")
                if "±" in cell:
                    shown(cell.split("±")[1], float(err), f"np {np} a={want[1]} n={want[2]} {name} err")
        # Two outcome columns, a chart each with a point per combination.
        if section.charts != 2 or section.points != 2 * len(table):
            raise Failure(f"np {np}: {section.charts} charts and {section.points} points, "
                          f"not 2 and {2 * len(table)}")
        if not re.search(r"n=10\s*n=20", text):
            raise Failure(f"np {np}: no legend naming the series n=10 and n=20")
        if args.render:
            png = os.path.join(folder, f"np{np}.png")
            result = subprocess.run([sys.executable, args.render, path, png, "--height", "2400"],
                                    capture_output=True, text=True, timeout=180)
            if result.returncode != 0:
                raise Failure(f"np {np}: the report did not render:\n{result.stdout}{result.stderr}")
            os.remove(png)
        os.remove(path)
        print(f"ok: np {np}: {len(table)} combinations in the report's sweep section, as on stdout")
    os.rmdir(folder)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["same", "fails", "progress", "usage", "report"])
    parser.add_argument("--np", type=int, action="append", default=[])
    parser.add_argument("--render", help="report_render.py, to render the report in chromium")
    # The program's command follows `--` (argparse would take its options).
    split = sys.argv.index("--") if "--" in sys.argv else len(sys.argv)
    args = parser.parse_args(sys.argv[1:split])
    args.command = sys.argv[split + 1:]
    args.np = args.np or [0]
    try:
        {"same": same, "fails": fails, "progress": progress, "usage": usage, "report": report}[args.mode](args)
    except Failure as failure:
        print(f"FAIL: {failure}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
