#!/usr/bin/env python3
"""Runs jobstream's benchmarks beside hand-written peers doing the same work.

For every workload, system and variant it runs the program: warm-up runs
first, then the median of --runs kept runs. The systems are jobstream and its
peers: the hand-written MPI program ("baseline"), run like jobstream under
mpirun with a rank count and program options; and programs on one process,
run directly with a thread count: the sequential loop ("seq"), OpenMP
("openmp") and a oneTBB flow graph ("tbb"). It measures each run's
whole-process wall itself and reads the program's own inner time, and any
workload-specific figures, from the line the program prints:

    RESULT workload=w1 system=baseline ranks=2 items=10000000 inner_seconds=0.0163
           sum=100000010000000 expected=100000010000000 ok=1

Each jobstream row is divided by every peer that ran beside it in the same
run: a peer run on jobstream's own variants (W5's and W6's baseline) at the
same rank count and options; one with variants of its own (OpenMP, TBB, W1's,
W2's and W7's baseline) at its fastest with the same cores, ranks x threads;
the sequential loop, on one core, in every row. OpenMP and TBB rows are left
out, with a note, when the build tree has no OpenMP or oneTBB.

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

BASELINE = "baseline"  # the hand-written MPI program
JOBSTREAM = "jobstream"


@dataclasses.dataclass(frozen=True)
class Variant:
    ranks: int
    options: tuple[str, ...] = ()  # program options after ITEMS, e.g. ("--threads", "2")
    threads: int = 1  # per rank; ranks x threads is the cores peers line up on

    @property
    def cores(self) -> int:
        return self.ranks * self.threads

    def id(self, mpi: bool) -> str:
        parts = ([f"np{self.ranks}"] if mpi else []) + [o.lstrip("-") for o in self.options]
        return "_".join(parts)


def threaded(ranks: int, threads: int, *options: str) -> Variant:
    """A variant with --threads, the option of jobstream and of every threaded peer."""
    return Variant(ranks, ("--threads", str(threads), *options), threads)


@dataclasses.dataclass(frozen=True)
class Program:
    # JOBSTREAM, or a peer whose name heads a ratio column: jobstream's inner
    # time divided by the peer's
    system: str
    target: str  # CMake target name of the executable
    arguments: tuple[str, ...] = ()  # before ITEMS, e.g. the workload of a peer that runs several
    # None: the workload's variants, and a ratio compares the same variant.
    # A peer's own variants line up with jobstream's by cores (its best there).
    variants: Optional[tuple[Variant, ...]] = None
    mpi: bool = True  # False: run directly, not under mpirun
    # The sequential loop: it runs on one core, and every jobstream row is
    # divided by it (the floor of the cost per item, or the speed-up over it).
    floor: bool = False
    # Built only when the tree found its library (OpenMP, oneTBB): when it is
    # not built, its rows are left out with a note instead of failing the run.
    optional: bool = False

    def variants_of(self, workload: "Workload") -> tuple[Variant, ...]:
        return self.variants if self.variants is not None else workload.variants


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
    # that runs several worker threads per rank (any np 1 row with 2
    # threads) must not be bound, as `jobstream run` does not bind.
    bind_none: bool = False


def sequential(workload: str) -> Program:
    return Program("seq", "peer_seq", (workload,), (Variant(1),), mpi=False, floor=True)


def openmp(workload: str, *threads: int) -> Program:
    return Program("openmp", "peer_omp", (workload,), tuple(threaded(1, t) for t in threads),
                   mpi=False, optional=True)


def tbb(workload: str, batch: int, *threads: int) -> Program:
    return Program("tbb", "peer_tbb", (workload,),
                   tuple(threaded(1, t, "--batch", str(batch)) for t in threads),
                   mpi=False, optional=True)


def w1(name: str, description: str, program: str) -> Workload:
    """W1 at 10M items beside its peers, with jobstream's program `program`."""
    return Workload(
        name=name,
        description=description,
        default_items=10_000_000,
        # np 1 is given its threads: alone, a rank takes every core.
        variants=(threaded(1, 1), threaded(1, 2), Variant(2)),
        programs=(Program(BASELINE, "w1_mpi", variants=(Variant(1), Variant(2))), Program(JOBSTREAM, program),
                  sequential("w1"), openmp("w1", 1, 2), tbb("w1", 1000, 1, 2)),
        expected_sum=lambda items: items * (items + 1),  # the sum of 2(x+1), x = 0..N-1
        bind_none=True,
    )


# A new workload is one more entry here plus its programs in CMakeLists.txt.
WORKLOADS = (
    w1("w1", "N int64 items through x+1 and x*2, then a global sum reduce", "w1_jobstream"),
    Workload(
        name="w1_lazy",
        description="W1 at 1e9 items drawn from a jobstream::Lazy (iota) as workers need them",
        default_items=1_000_000_000,
        variants=(Variant(1), Variant(2)),
        programs=(Program(JOBSTREAM, "w1_lazy_jobstream"),),
        expected_sum=lambda items: items * (items + 1),  # ~1e18 at 1e9: within int64
        columns=(Column("rank 0 peak RSS (MiB)", "rank0_peak_rss_mib", format="{:.0f}", statistic=max),),
        bind_none=True,
    ),
    # W1 itself, written the other way an init can make its items: the same
    # 10M items, pipeline and peers, the init returning a Lazy.
    w1("w1_as_lazy", "W1 (10M) with its init returning a jobstream::Lazy (iota) instead of a Multiple",
       "w1_lazy_jobstream"),
    Workload(
        name="w1_fanned",
        description="W1 at 100M items, made by a job from 1,000 chunk ids, then x+1, x*2 and a sum",
        default_items=100_000_000,
        variants=(threaded(1, 1), threaded(1, 2), Variant(2)),
        programs=(Program(JOBSTREAM, "w1_fanned_jobstream"),
                  sequential("w1_fanned"), openmp("w1_fanned", 1, 2)),
        expected_sum=lambda items: items * (items + 1),
        bind_none=True,
    ),
    Workload(
        name="w2",
        description="N items of ~1 ms calibrated CPU spin each, summed by a reduce",
        default_items=2_000,
        variants=(threaded(1, 2), threaded(2, 1)),
        programs=(Program(JOBSTREAM, "w2_jobstream"),
                  Program(BASELINE, "w2_mpi", variants=(Variant(2),)),
                  sequential("w2"), openmp("w2", 2), tbb("w2", 10, 2)),
        expected_sum=lambda items: items,  # the number of items reduced
        columns=(Column("workers", "workers", format="{:.0f}"),
                 Column("CPU per item (ms)", "item_cpu_ms", format="{:.3f}"),
                 Column("ideal (s)", "ideal_seconds", format="{:.3f}"),
                 Column("parallel efficiency", "efficiency", scale=100, format="{:.1f}%")),
        bind_none=True,
    ),
    Workload(
        name="w7",
        description="N items of heavy-tailed calibrated CPU spin (most ~0.2 ms, 2% 50 ms), "
                    "summed by a reduce",
        default_items=2_000,
        variants=(threaded(1, 2), threaded(2, 1)),
        programs=(Program(JOBSTREAM, "w7_jobstream"),
                  Program(BASELINE, "w7_mpi", variants=(Variant(2),)),
                  sequential("w7"), openmp("w7", 2)),
        expected_sum=lambda items: items * (items - 1) // 2,  # the sum of the item indices
        columns=(Column("workers", "workers", format="{:.0f}"),
                 Column("CPU (s)", "cpu_seconds", format="{:.3f}"),
                 Column("ideal (s)", "ideal_seconds", format="{:.3f}"),
                 Column("parallel efficiency", "efficiency", scale=100, format="{:.1f}%")),
        bind_none=True,
    ),
    Workload(
        name="w3",
        description="a global reduce with a 1 MiB store, partial stores on every rank merged",
        default_items=4_000,
        variants=(Variant(1), Variant(2), Variant(4), Variant(8)),
        programs=(Program(JOBSTREAM, "w3_jobstream"),),
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
        programs=(Program(BASELINE, "w5_mpi"), Program(JOBSTREAM, "w5_map")),
        expected_sum=lambda items: items * items,  # the sum of 2x+1, x = 0..N-1
    ),
    Workload(
        name="w6",
        description="jobstream::map throughput: 3 calls over N trivial int64 items (2x+1); time per call",
        default_items=10_000_000,
        variants=(Variant(2, ("3",)), Variant(2, ("3", "into"))),
        programs=(Program(BASELINE, "w5_mpi"), Program(JOBSTREAM, "w5_map")),
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
        variant = self.variant.id(self.program.mpi)
        return f"{self.workload.name}_{self.program.system}" + (f"_{variant}" if variant else "")


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


def lines_up_by_cores(workload: Workload) -> bool:
    """Whether some peer has variants of its own, so the table shows cores."""
    return any(p.variants is not None for p in workload.programs)


def peers(workload: Workload) -> list[str]:
    """The systems jobstream is divided by, in the order of the programs."""
    systems = [p.system for p in workload.programs if p.system != JOBSTREAM]
    return list(dict.fromkeys(systems))


def ratio_headers(workload: Workload) -> list[str]:
    names = []
    for system in peers(workload):
        names.append(f"jobstream/{system} inner")
        if system == BASELINE:  # both under mpirun, so the whole process compares too
            names.append("jobstream/baseline process")
    return names


def headers(workload: Workload) -> list[str]:
    head = list(COLUMNS[:4]) + (["cores"] if lines_up_by_cores(workload) else [])
    return (head + list(COLUMNS[4:8]) + ratio_headers(workload) + list(COLUMNS[8:])
            + [c.header for c in workload.columns])


def column_value(outcome: Outcome, column: Column) -> str:
    values = [float(f[column.field]) * column.scale for f in outcome.fields if column.field in f]
    if not values:
        return "-"
    return column.format.format(column.statistic(values))


def beside(row: Outcome, system: str, done: list[Outcome]) -> Optional[Outcome]:
    """The run of `system` that a jobstream row is divided by, if it ran.

    A peer on the workload's variants: the same variant. A peer with its own
    variants: its fastest at the same cores; the sequential loop: its one run.
    """
    c = row.config
    program = next(p for p in c.workload.programs if p.system == system)
    mine = [o for o in done if o.config.workload is c.workload and o.config.program == program]
    if program.variants is None:
        same = [o for o in mine if o.config.variant == c.variant]
    else:
        same = [o for o in mine if program.floor or o.config.variant.cores == c.variant.cores]
    return min(same, key=Outcome.inner_median, default=None)


def ratio(mine: float, theirs: float) -> str:
    # A sequential loop over a few items can finish within the clock's resolution.
    return f"{mine / theirs:.2f}x" if theirs > 0 else "-"


def ratios(row: Outcome, done: list[Outcome]) -> list[str]:
    cells = []
    for system in peers(row.config.workload):
        width = 2 if system == BASELINE else 1
        if row.config.program.system != JOBSTREAM:
            cells += [""] * width
            continue
        peer = beside(row, system, done)
        if peer is None:
            cells += ["-"] * width
        else:
            cells.append(ratio(row.inner_median(), peer.inner_median()))
            if system == BASELINE:
                cells.append(ratio(row.process_median(), peer.process_median()))
    return cells


def table_rows(outcomes: list[Outcome]) -> list[list[str]]:
    done = [o for o in outcomes if not o.error]
    rows = []
    for o in outcomes:
        c = o.config
        head = [c.workload.name, c.program.system, str(c.ranks) if c.program.mpi else "-",
                " ".join(c.variant.options)]
        if lines_up_by_cores(c.workload):
            head.append(str(c.variant.cores))
        if o.error:
            rows.append(head + ["FAILED"] + [""] * (len(headers(c.workload)) - len(head) - 1))
            continue
        inner, process = o.inner_median(), o.process_median()
        flag = "*" if o.contended_kept else ""
        rows.append(head + [
            f"{inner:.4f}", f"{statistics.median(o.init):.4f}" if o.init else "",
            f"{c.items / inner:.3g}" if inner > 0 else "-", f"{process:.3f}", *ratios(o, done),
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
            f"{CPUS} CPUs, each MPI program run as `{env}mpirun -np NP [--bind-to none] PROGRAM "
            f"ITEMS [OPTIONS]`, each peer on one process (np -) as `{env}PROGRAM WORKLOAD ITEMS "
            f"[OPTIONS]`; {discarded} contended runs discarded and redone.")


NOTES = ("init = time spent inside the pipeline's init (making the items), part of inner. "
         "spread = (max-min)/median of the kept inner times; * = a kept run still had more "
         "than the allowed foreign CPU load. items/s = N / inner median. Ratios divide "
         "jobstream's median by each peer's: a peer run on jobstream's variants (W5's "
         "and W6's baseline) at the same np and options; one with variants of its own "
         "(OpenMP, TBB, W1's, W2's and W7's baseline) at its fastest with the same cores, "
         "np x threads; the "
         "sequential loop, on one core, in every row; - = that peer did not run there. "
         "A workload's own columns are medians over the kept runs (\"max\": the largest).")


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


def configurations(args: argparse.Namespace) -> tuple[list[Config], list[str], list[str]]:
    """What to run; what is missing (an error); optional peers not built (a note)."""
    configs, missing, skipped = [], [], []
    only = re.compile(args.only) if args.only else None
    ranks = {int(n) for n in args.np.split(",")} if args.np else None
    for workload in WORKLOADS:
        items = args.items or workload.default_items
        mine = []
        for program in workload.programs:
            for variant in program.variants_of(workload):
                mine.append(Config(workload, program, variant, items, []))
        if ranks is not None:
            # --np picks MPI variants; a one-process peer stays when it lines up with one.
            mine = [c for c in mine if not c.program.mpi or c.ranks in ranks]
            cores = {c.variant.cores for c in mine if c.program.mpi}
            mine = [c for c in mine if c.program.mpi or c.program.floor or c.variant.cores in cores]
        # Grouped by cores, the workload's own variants first, so that the rows a
        # ratio divides sit together.
        shared = workload.variants
        mine.sort(key=lambda c: (c.variant.cores,
                                 shared.index(c.variant) if c.program.variants is None
                                 else len(shared)))
        for config in mine:
            if only and not only.search(config.id):
                continue
            exe = find_executable(args.build, config.program.target)
            if exe is None:
                problem = f"{config.id}: {config.program.target} is not built in {args.build}"
                (skipped if config.program.optional else missing).append(problem)
                continue
            run = [str(exe.resolve()), *config.program.arguments, str(items), *config.variant.options]
            config.command = (launcher(config.ranks, workload.bind_none) + run
                              if config.program.mpi else run)
            configs.append(config)
    return configs, missing, skipped


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    os.environ.setdefault("OMPI_MCA_btl", "self,vader")
    if os.geteuid() == 0:
        os.environ.setdefault("OMPI_ALLOW_RUN_AS_ROOT", "1")
        os.environ.setdefault("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1")
    os.environ.update(setting.split("=", 1) for setting in args.env)

    configs, missing, skipped = configurations(args)
    for problem in missing:
        print(f"error: {problem}", file=sys.stderr)
    for problem in skipped:
        print(f"note: {problem} (its library was not found), so it is left out", file=sys.stderr)
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
