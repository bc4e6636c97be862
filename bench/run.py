#!/usr/bin/env python3
"""Runs jobstream's benchmarks beside their hand-written MPI baselines.

For every workload, system (baseline, jobstream) and variant (rank count and
program options) it runs the program under mpirun: warm-up runs first, then
the median of --runs kept runs. It measures each run's whole-process wall
itself and reads the program's own inner time, and any workload-specific
figures, from the line the program prints:

    RESULT workload=w1 system=baseline ranks=2 items=10000000 inner_seconds=0.0163
           sum=100000010000000 expected=100000010000000 ok=1

Contention guard: the machine is shared, so the driver waits for it to be
quiet before it starts and before each configuration, and discards (and redoes)
a run during which other processes used more than --max-foreign of the machine.

    python3 bench/run.py --build build [--runs 5] [--only REGEX] [--markdown FILE]

Exit status: 0 when every run succeeded with the right sum, 1 otherwise.
Standard library only.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import os
import re
import resource
import shlex
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable, Optional

BASELINE = "baseline"


@dataclasses.dataclass(frozen=True)
class Program:
    system: str  # "baseline" or "jobstream": the ratio divides jobstream by baseline
    target: str  # CMake target name of the executable


@dataclasses.dataclass(frozen=True)
class Variant:
    ranks: int
    options: tuple[str, ...] = ()  # program options after ITEMS, e.g. ("--threads", "2")

    @property
    def id(self) -> str:
        return f"np{self.ranks}" + "".join(f"_{o.lstrip('-')}" for o in self.options)


@dataclasses.dataclass(frozen=True)
class Column:
    """A workload's own column: a RESULT field over the kept runs."""
    header: str
    field: str
    scale: float = 1.0
    format: str = "{:.4g}"
    statistic: Callable[[list[float]], float] = statistics.median


@dataclasses.dataclass(frozen=True)
class Workload:
    name: str
    description: str
    default_items: int
    variants: tuple[Variant, ...]
    programs: tuple[Program, ...]
    expected_sum: Callable[[int], int]
    columns: tuple[Column, ...] = ()
    # mpirun's default binding gives a rank one core at np <= 2; a workload
    # that runs several worker threads per rank must not be bound.
    bind_none: bool = False


# A new workload is one more entry here plus its programs in CMakeLists.txt.
WORKLOADS = (
    Workload(
        name="w1",
        description="N int64 items through x+1 and x*2, then a global sum reduce",
        default_items=10_000_000,
        variants=(Variant(1), Variant(2)),
        programs=(Program(BASELINE, "w1_mpi"), Program("jobstream", "w1_jobstream")),
        expected_sum=lambda items: items * (items + 1),  # the sum of 2(x+1), x = 0..N-1
    ),
    Workload(
        name="w2",
        description="N items of ~1 ms calibrated CPU spin each, summed by a reduce",
        default_items=2_000,
        variants=(Variant(1, ("--threads", "2")), Variant(2, ("--threads", "1"))),
        programs=(Program("jobstream", "w2_jobstream"),),
        expected_sum=lambda items: items,  # the number of items reduced
        columns=(Column("workers", "workers", format="{:.0f}"),
                 Column("CPU per item (ms)", "item_cpu_ms", format="{:.3f}"),
                 Column("ideal (s)", "ideal_seconds", format="{:.3f}"),
                 Column("parallel efficiency", "efficiency", scale=100, format="{:.1f}%")),
        bind_none=True,
    ),
    Workload(
        name="w3",
        description="a global reduce with a 1 MiB store, partial stores on every rank merged",
        default_items=4_000,
        variants=(Variant(1), Variant(2), Variant(4), Variant(8)),
        programs=(Program("jobstream", "w3_jobstream"),),
        expected_sum=lambda items: items,  # the number of inputs in the emitted store
        columns=(Column("ranks with a partial store", "contributing_ranks", format="{:.0f}"),
                 Column("merge rounds", "merge_rounds", format="{:.0f}"),
                 Column("most stores in one merge", "max_fan_in", format="{:.0f}"),
                 Column("last input -> emit (ms)", "emit_latency_seconds", scale=1e3, format="{:.2f}"),
                 Column("last input -> emit, max (ms)", "emit_latency_seconds", scale=1e3,
                        format="{:.2f}", statistic=max)),
        bind_none=True,
    ),
    Workload(
        name="w5",
        description="jobstream::map latency: 200 calls over N trivial int64 items (2x+1); time per call",
        default_items=1_000,
        variants=(Variant(2, ("200",)),),
        programs=(Program(BASELINE, "w5_mpi"), Program("jobstream", "w5_map")),
        expected_sum=lambda items: items * items,  # the sum of 2x+1, x = 0..N-1
    ),
    Workload(
        name="w6",
        description="jobstream::map throughput: 3 calls over N trivial int64 items (2x+1); time per call",
        default_items=10_000_000,
        variants=(Variant(2, ("3",)), Variant(2, ("3", "into"))),
        programs=(Program(BASELINE, "w5_mpi"), Program("jobstream", "w5_map")),
        expected_sum=lambda items: items * items,
    ),
)


@dataclasses.dataclass
class Config:
    workload: Workload
    program: Program
    variant: Variant
    items: int
    command: list[str]

    @property
    def ranks(self) -> int:
        return self.variant.ranks

    @property
    def id(self) -> str:
        return f"{self.workload.name}_{self.program.system}_{self.variant.id}"


@dataclasses.dataclass
class Outcome:
    config: Config
    inner: list[float] = dataclasses.field(default_factory=list)
    init: list[float] = dataclasses.field(default_factory=list)  # for programs that report it
    fields: list[dict[str, str]] = dataclasses.field(default_factory=list)  # each kept run's RESULT
    process: list[float] = dataclasses.field(default_factory=list)
    discarded: int = 0
    contended_kept: int = 0
    error: Optional[str] = None

    def inner_median(self) -> float:
        return statistics.median(self.inner)

    def process_median(self) -> float:
        return statistics.median(self.process)

    def spread(self) -> float:
        return (max(self.inner) - min(self.inner)) / self.inner_median()


# ---------------------------------------------------------------- machine load

CPUS = os.cpu_count() or 1
TICK = os.sysconf("SC_CLK_TCK")


def busy_cpu_seconds() -> float:
    """CPU seconds the whole machine has spent busy (not idle or iowait)."""
    with open("/proc/stat") as stat:
        fields = [int(v) for v in stat.readline().split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
    return (user + nice + system + irq + softirq + steal) / TICK


def children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def load_over(seconds: float) -> float:
    """Fraction of the machine that was busy over the next `seconds`."""
    before = busy_cpu_seconds()
    time.sleep(seconds)
    return (busy_cpu_seconds() - before) / (seconds * CPUS)


def wait_for_quiet(quiet_seconds: float, max_wait: float, threshold: float = 0.10) -> bool:
    """Waits until the machine has been under `threshold` load for `quiet_seconds`."""
    deadline = time.monotonic() + max_wait
    quiet = 0.0
    while quiet < quiet_seconds:
        if time.monotonic() > deadline:
            return False
        quiet = quiet + 0.5 if load_over(0.5) < threshold else 0.0
    return True


# ---------------------------------------------------------------- one run

RESULT_LINE = re.compile(r"^RESULT (.*)$", re.M)


@dataclasses.dataclass
class Run:
    process: float
    inner: float
    foreign: float  # CPU seconds used by other processes during the run
    fields: dict[str, str]


def run_once(command: list[str], timeout: float) -> Run:
    busy0, own0 = busy_cpu_seconds(), children_cpu_seconds()
    start = time.perf_counter()
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"timed out after {timeout:g} s") from None
    process = time.perf_counter() - start
    foreign = max(0.0, (busy_cpu_seconds() - busy0) - (children_cpu_seconds() - own0))
    if done.returncode != 0:
        raise RuntimeError(f"exit status {done.returncode}\n{done.stdout}{done.stderr}".rstrip())
    match = RESULT_LINE.search(done.stdout)
    if not match:
        raise RuntimeError(f"no RESULT line in its output\n{done.stdout}{done.stderr}".rstrip())
    fields = dict(tok.split("=", 1) for tok in match.group(1).split() if "=" in tok)
    return Run(process, float(fields["inner_seconds"]), foreign, fields)


def check(run: Run, config: Config) -> Optional[str]:
    """Says what is wrong with a run's answer, or None."""
    expected = config.workload.expected_sum(config.items)
    got = run.fields
    if got.get("items") != str(config.items):
        return f"ran {got.get('items')} items, asked for {config.items}"
    if got.get("ranks") != str(config.ranks):
        return f"ran on {got.get('ranks')} ranks, asked for {config.ranks}"
    if got.get("sum") != str(expected):
        return f"sum {got.get('sum')}, expected {expected}"
    return None


def contended(run: Run, max_foreign: float) -> bool:
    # /proc/stat counts in ticks (10 ms), hence an absolute slack for short runs.
    return run.foreign > max(max_foreign * run.process * CPUS, 3.0 / TICK)


def measure(config: Config, args: argparse.Namespace) -> Outcome:
    outcome = Outcome(config)
    # One budget for all the waiting this configuration does: on a machine that
    # stays busy, contended runs end up kept (and flagged) instead of waiting forever.
    deadline = time.monotonic() + args.max_wait
    if not wait_for_quiet(args.quiet_config, args.max_wait):
        print(f"  {config.id}: machine still busy after {args.max_wait:g} s; going on", flush=True)
    try:
        for _ in range(args.warmup):
            run_once(config.command, args.timeout)
        while len(outcome.inner) < args.runs:
            run = run_once(config.command, args.timeout)
            problem = check(run, config)
            if problem:
                raise RuntimeError(problem)
            if contended(run, args.max_foreign):
                left = deadline - time.monotonic()
                if outcome.discarded < args.max_discards and left > 0:
                    outcome.discarded += 1
                    wait_for_quiet(1.0, left)
                    continue
                outcome.contended_kept += 1
            outcome.inner.append(run.inner)
            if "init_seconds" in run.fields:
                outcome.init.append(float(run.fields["init_seconds"]))
            outcome.fields.append(run.fields)
            outcome.process.append(run.process)
    except RuntimeError as error:
        outcome.error = str(error)
    return outcome


# ---------------------------------------------------------------- the table

COLUMNS = (
    "workload", "system", "np", "options", "inner median (s)", "of which init (s)",
    "items/s (inner)", "process wall median (s)", "spread", "discarded",
)
RATIO_COLUMNS = ("jobstream/baseline inner", "jobstream/baseline process")


def has_baseline(workload: Workload) -> bool:
    return any(p.system == BASELINE for p in workload.programs)


def headers(workload: Workload) -> list[str]:
    ratios = list(RATIO_COLUMNS) if has_baseline(workload) else []
    return list(COLUMNS[:8]) + ratios + list(COLUMNS[8:]) + [c.header for c in workload.columns]


def column_value(outcome: Outcome, column: Column) -> str:
    values = [float(f[column.field]) * column.scale for f in outcome.fields if column.field in f]
    if not values:
        return "-"
    return column.format.format(column.statistic(values))


def table_rows(outcomes: list[Outcome]) -> list[list[str]]:
    medians = {}
    for o in outcomes:
        if not o.error:
            key = (o.config.workload.name, o.config.program.system, o.config.variant)
            medians[key] = (o.inner_median(), o.process_median())
    rows = []
    for o in outcomes:
        c = o.config
        head = [c.workload.name, c.program.system, str(c.ranks), " ".join(c.variant.options)]
        if o.error:
            rows.append(head + ["FAILED"] + [""] * (len(headers(c.workload)) - len(head) - 1))
            continue
        inner, process = o.inner_median(), o.process_median()
        base = medians.get((c.workload.name, BASELINE, c.variant))
        if not has_baseline(c.workload):
            ratios = []
        elif c.program.system == BASELINE:
            ratios = ["", ""]
        elif base:
            ratios = [f"{inner / base[0]:.2f}x", f"{process / base[1]:.2f}x"]
        else:
            ratios = ["-", "-"]
        flag = "*" if o.contended_kept else ""
        rows.append(head + [
            f"{inner:.4f}", f"{statistics.median(o.init):.4f}" if o.init else "",
            f"{c.items / inner:.3g}", f"{process:.3f}", *ratios,
            f"{o.spread():.0%}{flag}", str(o.discarded),
        ] + [column_value(o, column) for column in c.workload.columns])
    return rows


def markdown(outcomes: list[Outcome]) -> str:
    """One table per workload: each has its own columns after the common ones."""
    tables = []
    for workload in WORKLOADS:
        mine = [o for o in outcomes if o.config.workload is workload]
        if not mine:
            continue
        names = headers(workload)
        lines = [f"{workload.name}: {workload.description}", "",
                 "| " + " | ".join(names) + " |", "|" + "---|" * len(names)]
        lines += ["| " + " | ".join(row) + " |" for row in table_rows(mine)]
        tables.append("\n".join(lines))
    return "\n\n".join(tables)


def describe_run(args: argparse.Namespace, outcomes: list[Outcome]) -> str:
    when = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    discarded = sum(o.discarded for o in outcomes)
    env = "".join(f"{setting} " for setting in args.env)
    return (f"Run of {when}: {args.warmup} warm-up + median of {args.runs} runs, "
            f"{CPUS} CPUs, each run `{env}mpirun -np NP [--bind-to none] PROGRAM ITEMS [OPTIONS]`; "
            f"{discarded} contended runs discarded and redone.")


NOTES = ("init = time spent inside the pipeline's init (making the items), part of inner. "
         "spread = (max-min)/median of the kept inner times; * = a kept run still had more "
         "than the allowed foreign CPU load. items/s = N / inner median. Ratios compare "
         "medians at the same np. A workload's own columns are medians over the kept runs "
         "(\"max\": the largest).")


# ---------------------------------------------------------------- driver

def launcher(ranks: int, bind_none: bool) -> list[str]:
    command = ["mpirun", "-np", str(ranks)]
    if ranks > CPUS:
        command.append("--oversubscribe")
    if bind_none:
        command += ["--bind-to", "none"]
    return command


def find_executable(build: Path, target: str) -> Optional[Path]:
    for candidate in (build / "bench" / target, build / target):
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def build_type(build: Path) -> Optional[str]:
    try:
        cache = (build / "CMakeCache.txt").read_text()
    except OSError:
        return None
    match = re.search(r"^CMAKE_BUILD_TYPE:\w+=(.*)$", cache, re.M)
    return match.group(1) if match else None


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build", type=Path, default=Path("build"),
                        help="CMake build directory (default: build)")
    parser.add_argument("--runs", type=int, default=5, help="kept runs per configuration")
    parser.add_argument("--warmup", type=int, default=1, help="warm-up runs per configuration")
    parser.add_argument("--items", type=int, default=None,
                        help="items per workload (default: each workload's own)")
    parser.add_argument("--np", default=None,
                        help="comma-separated rank counts: only the variants with these "
                             "(default: all of each workload's variants)")
    parser.add_argument("--only", default=None,
                        help="run configurations whose id (e.g. w1_baseline_np2, "
                             "w2_jobstream_np1_threads_2) matches")
    parser.add_argument("--markdown", type=Path, default=None, help="also write the table here")
    parser.add_argument("--quiet", type=float, default=10.0,
                        help="seconds of a quiet machine required before starting")
    parser.add_argument("--quiet-config", type=float, default=2.0,
                        help="seconds of a quiet machine required before each configuration")
    parser.add_argument("--max-wait", type=float, default=600.0,
                        help="longest wait for a quiet machine, in seconds, before starting "
                             "and per configuration")
    parser.add_argument("--max-foreign", type=float, default=0.05,
                        help="discard a run if other processes used more than this fraction "
                             "of the machine during it")
    parser.add_argument("--max-discards", type=int, default=20,
                        help="contended runs to discard per configuration before keeping them")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds allowed per run")
    parser.add_argument("--env", action="append", default=[], metavar="NAME=VALUE",
                        help="set in every program's environment (repeatable), e.g. "
                             "GLIBC_TUNABLES=glibc.malloc.hugetlb=1")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.warmup < 0:
        parser.error("--runs must be at least 1 and --warmup at least 0")
    if any("=" not in setting for setting in args.env):
        parser.error("--env takes NAME=VALUE")
    return args


def configurations(args: argparse.Namespace) -> tuple[list[Config], list[str]]:
    configs, missing = [], []
    only = re.compile(args.only) if args.only else None
    ranks = {int(n) for n in args.np.split(",")} if args.np else None
    for workload in WORKLOADS:
        items = args.items or workload.default_items
        for variant in workload.variants:
            if ranks is not None and variant.ranks not in ranks:
                continue
            for program in workload.programs:
                config = Config(workload, program, variant, items, [])
                if only and not only.search(config.id):
                    continue
                exe = find_executable(args.build, program.target)
                if exe is None:
                    missing.append(f"{config.id}: {program.target} is not built in {args.build}")
                    continue
                config.command = (launcher(variant.ranks, workload.bind_none)
                                  + [str(exe.resolve()), str(items), *variant.options])
                configs.append(config)
    return configs, missing


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    os.environ.setdefault("OMPI_MCA_btl", "self,vader")
    if os.geteuid() == 0:
        os.environ.setdefault("OMPI_ALLOW_RUN_AS_ROOT", "1")
        os.environ.setdefault("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1")
    os.environ.update(setting.split("=", 1) for setting in args.env)

    configs, missing = configurations(args)
    for problem in missing:
        print(f"error: {problem}", file=sys.stderr)
    if not configs:
        print("error: nothing to run", file=sys.stderr)
        return 1
    kind = build_type(args.build)
    if kind not in ("Release", "RelWithDebInfo"):
        print(f"warning: {args.build} is a {kind or 'default'} build, not an optimised one; "
              "the benchmarks are -O2 but the runtime library follows the build type",
              file=sys.stderr)

    print(f"waiting for {args.quiet:g} s of a quiet machine ...", flush=True)
    if not wait_for_quiet(args.quiet, args.max_wait):
        print(f"warning: machine not quiet after {args.max_wait:g} s; runs may be discarded",
              flush=True)

    outcomes = []
    for config in configs:
        print(f"{config.id}: {shlex.join(config.command)}", flush=True)
        outcome = measure(config, args)
        outcomes.append(outcome)
        if outcome.error:
            print(f"  FAILED: {outcome.error}", flush=True)
        else:
            print(f"  inner median {outcome.inner_median():.4f} s, process median "
                  f"{outcome.process_median():.3f} s, discarded {outcome.discarded}", flush=True)

    text = "\n\n".join([describe_run(args, outcomes), markdown(outcomes), NOTES])
    print("\n" + text)
    if args.markdown:
        args.markdown.write_text(text + "\n")

    failed = [o.config.id for o in outcomes if o.error]
    if failed:
        print(f"error: failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed or missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
