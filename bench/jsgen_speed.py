#!/usr/bin/env python3
"""Times jsgen on a source against `clang++-19 -fsyntax-only` on the same source.

jsgen parses a source with Clang and then checks and generates code, so the
parse is the floor of its cost; the target is at most 1.5x the compiler's own
syntax check of the same file with the same flags. For each source:

    jsgen SRC -o OUT --depfile OUT.d --no-main -- FLAGS     (as the CMake build step runs it)
    clang++-19 -fsyntax-only -Wno-unknown-attributes FLAGS SRC

with FLAGS = -std=c++20 -I runtime/include, run in interleaved pairs (the order
alternating each round, so drift hits both alike), warm-up pairs first, then
the median of --runs kept pairs. The sources: two real pipelines from the
tree, one that includes ~50 standard headers, and a generated 500-stage
pipeline (written into a temporary directory, never into the tree).

Contention guard (bench/run.py's): waits for a quiet machine before each
source, and discards and redoes a pair during which other processes used more
than --max-foreign of the machine.

    python3 bench/jsgen_speed.py --build build [--runs 10] [--markdown FILE]

Exit status: 0 when every ratio is at most --limit, 1 otherwise (or when jsgen
or clang++-19 fails). Standard library only.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import CPUS, TICK, build_type, busy_cpu_seconds, children_cpu_seconds, wait_for_quiet  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CLANGXX = "clang++-19"

# Headers a heavy translation unit of a real project pulls in.
STD_HEADERS = """
algorithm any array atomic bitset charconv chrono complex condition_variable deque
exception filesystem fstream functional future iomanip iostream istream iterator limits
list locale map memory mutex numeric optional ostream queue random ranges regex set
shared_mutex span sstream stack stdexcept string string_view system_error thread tuple
type_traits unordered_map unordered_set utility valarray variant vector
""".split()


def heavy_includes_source() -> str:
    includes = "\n".join(f"#include <{h}>" for h in STD_HEADERS)
    return f"""// ~50 standard headers and a small pipeline over their types.
#include <jobstream/jobstream.hpp>

{includes}

namespace heavy {{

struct Tally {{
  std::map<std::string, std::int64_t> words;
  std::vector<double> lengths;
}};

[[jobstream::job]]
std::vector<std::string> split(const std::string& line) {{
  std::istringstream in(line);
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}}

[[jobstream::job]]
Tally tally(const std::vector<std::string>& words) {{
  Tally t;
  for (const std::string& w : words) {{
    ++t.words[w];
    t.lengths.push_back(static_cast<double>(w.size()));
  }}
  return t;
}}

[[jobstream::job]]
std::int64_t distinct(const Tally& t) {{ return static_cast<std::int64_t>(t.words.size()); }}

}}  // namespace heavy
"""


def long_pipeline_source(stages: int) -> str:
    """A linear pipeline of `stages` jobs, alternating between two struct types."""
    parts = ["""// A generated linear pipeline of jobs over two struct types.
#include <jobstream/jobstream.hpp>

#include <string>
#include <vector>

namespace long_pipeline {

struct Even {
  int hops = 0;
  std::string path;
};
struct Odd {
  int hops = 0;
  std::vector<int> trail;
};
"""]
    for i in range(stages):
        source, target = ("Even", "Odd") if i % 2 == 0 else ("Odd", "Even")
        parts.append(f"""
[[jobstream::job]]
{target} stage_{i}(const {source}& in) {{
  {target} out;
  out.hops = in.hops + 1;
  return out;
}}
""")
    parts.append("\n}  // namespace long_pipeline\n")
    return "".join(parts)


@dataclasses.dataclass(frozen=True)
class Source:
    name: str
    description: str
    path: Callable[[Path], Path]  # given the work directory


SOURCES = (
    Source("word_average", "examples/wordlen.cpp: the contract's example, 5 stages",
           lambda _: ROOT / "examples/wordlen.cpp"),
    Source("primes", "examples/primes.cpp: one job, a struct with operator>>",
           lambda _: ROOT / "examples/primes.cpp"),
    Source("heavy_includes", f"{len(STD_HEADERS)} standard headers, 3 jobs (generated)",
           lambda work: write(work / "heavy_includes.cpp", heavy_includes_source())),
    Source("stages_500", "500 jobs alternating between two structs (generated)",
           lambda work: write(work / "stages_500.cpp", long_pipeline_source(500))),
)


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


# ---------------------------------------------------------------- measuring

@dataclasses.dataclass
class Timing:
    seconds: float
    foreign: float  # CPU seconds other processes used meanwhile


def timed(command: list[str], timeout: float) -> Timing:
    busy0, own0 = busy_cpu_seconds(), children_cpu_seconds()
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    seconds = time.perf_counter() - start
    foreign = max(0.0, (busy_cpu_seconds() - busy0) - (children_cpu_seconds() - own0))
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)}\nexit status {done.returncode}\n"
                           f"{done.stdout}{done.stderr}".rstrip())
    return Timing(seconds, foreign)


def contended(timing: Timing, max_foreign: float) -> bool:
    # /proc/stat counts in ticks (10 ms), hence an absolute slack for short runs.
    return timing.foreign > max(max_foreign * timing.seconds * CPUS, 3.0 / TICK)


@dataclasses.dataclass
class Outcome:
    source: Source
    jsgen: list[float] = dataclasses.field(default_factory=list)
    clang: list[float] = dataclasses.field(default_factory=list)
    discarded: int = 0
    flagged: int = 0  # contended pairs kept because --max-discards ran out
    lines: int = 0

    @property
    def ratio(self) -> float:
        return statistics.median(self.jsgen) / statistics.median(self.clang)


def spread(values: list[float]) -> float:
    return (max(values) - min(values)) / statistics.median(values)


def measure(source: Source, path: Path, jsgen: Path, work: Path,
            args: argparse.Namespace) -> Outcome:
    flags = ["-std=c++20", f"-I{ROOT / 'runtime/include'}"]
    out = work / f"{source.name}.generated.cpp"
    jsgen_command = [str(jsgen), str(path), "-o", str(out), "--depfile", f"{out}.d", "--no-main",
                     "--", *flags]
    clang_command = [CLANGXX, "-fsyntax-only", "-Wno-unknown-attributes", *flags, str(path)]
    outcome = Outcome(source, lines=len(path.read_text().splitlines()))
    if not wait_for_quiet(args.quiet, args.max_wait):
        print(f"  (machine still busy after {args.max_wait:g} s; measuring anyway)", flush=True)
    for _ in range(args.warmup):
        timed(jsgen_command, args.timeout)
        timed(clang_command, args.timeout)
    round_ = 0
    while len(outcome.jsgen) < args.runs:
        pair = [("jsgen", jsgen_command), ("clang", clang_command)]
        if round_ % 2:
            pair.reverse()
        round_ += 1
        timings = {name: timed(command, args.timeout) for name, command in pair}
        if any(contended(t, args.max_foreign) for t in timings.values()):
            if outcome.discarded < args.max_discards:
                outcome.discarded += 1
                continue
            outcome.flagged += 1
        outcome.jsgen.append(timings["jsgen"].seconds)
        outcome.clang.append(timings["clang"].seconds)
    return outcome


# ---------------------------------------------------------------- reporting

HEADERS = ["source", "lines", "jsgen median (s)", "clang++-19 -fsyntax-only median (s)",
           "jsgen / clang", "jsgen spread", "clang spread", "discarded", "kept contended"]


def rows(outcomes: list[Outcome], limit: float) -> list[list[str]]:
    table = []
    for o in outcomes:
        ratio = f"{o.ratio:.2f}x" + ("" if o.ratio <= limit else " (over)")
        table.append([o.source.name, str(o.lines), f"{statistics.median(o.jsgen):.3f}",
                      f"{statistics.median(o.clang):.3f}", ratio, f"{spread(o.jsgen):.0%}",
                      f"{spread(o.clang):.0%}", str(o.discarded), str(o.flagged)])
    return table


def markdown(outcomes: list[Outcome], limit: float) -> str:
    lines = ["| " + " | ".join(HEADERS) + " |", "|" + "---|" * len(HEADERS)]
    lines += ["| " + " | ".join(r) + " |" for r in rows(outcomes, limit)]
    return "\n".join(lines) + "\n"


def plain(outcomes: list[Outcome], limit: float) -> str:
    table = [HEADERS] + rows(outcomes, limit)
    widths = [max(len(r[i]) for r in table) for i in range(len(HEADERS))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in table)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build", type=Path, default=Path("build"),
                        help="build tree holding jsgen/jsgen (default: build)")
    parser.add_argument("--runs", type=int, default=10, help="kept pairs per source")
    parser.add_argument("--warmup", type=int, default=1, help="warm-up pairs per source")
    parser.add_argument("--limit", type=float, default=1.5,
                        help="largest allowed jsgen / clang++ ratio (default 1.5)")
    parser.add_argument("--only", default=None, help="only the sources whose name contains this")
    parser.add_argument("--markdown", type=Path, default=None, help="also write the table here")
    parser.add_argument("--quiet", type=float, default=5.0,
                        help="seconds of a quiet machine to wait for before each source")
    parser.add_argument("--max-wait", type=float, default=300.0,
                        help="give up waiting for quiet after this many seconds")
    parser.add_argument("--max-foreign", type=float, default=0.05,
                        help="discard a pair when others used more than this share of the machine")
    parser.add_argument("--max-discards", type=int, default=20,
                        help="contended pairs discarded per source before they are kept")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds allowed per run")
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    jsgen = args.build / "jsgen" / "jsgen"
    if not (jsgen.is_file() and os.access(jsgen, os.X_OK)):
        print(f"jsgen_speed: error: {jsgen} is not built (ninja -C {args.build} jsgen)",
              file=sys.stderr)
        return 1
    if shutil.which(CLANGXX) is None:
        print(f"jsgen_speed: error: {CLANGXX} is not on PATH", file=sys.stderr)
        return 1
    kind = build_type(args.build)
    if kind not in ("Release", "RelWithDebInfo"):
        print(f"jsgen_speed: warning: {args.build} is a {kind or 'unknown'} build; "
              "measure an optimised jsgen (Release or RelWithDebInfo)", file=sys.stderr)
    selected = [s for s in SOURCES if args.only is None or args.only in s.name]
    print(f"jsgen ({kind} build) against {CLANGXX} -fsyntax-only: {args.warmup} warm-up + "
          f"median of {args.runs} interleaved pairs, "
          f"{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC", flush=True)
    outcomes = []
    with tempfile.TemporaryDirectory(prefix="jsgen_speed.") as directory:
        work = Path(directory)
        for source in selected:
            print(f"- {source.name}: {source.description}", flush=True)
            try:
                outcomes.append(measure(source, source.path(work), jsgen, work, args))
            except (RuntimeError, subprocess.TimeoutExpired) as error:
                print(f"jsgen_speed: error: {source.name}: {error}", file=sys.stderr)
                return 1
    print(plain(outcomes, args.limit))
    if args.markdown:
        args.markdown.write_text(markdown(outcomes, args.limit))
    over = [o.source.name for o in outcomes if o.ratio > args.limit]
    if over:
        print(f"over {args.limit:g}x: {', '.join(over)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
