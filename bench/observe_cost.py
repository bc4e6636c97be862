#!/usr/bin/env python3
"""What seeing a run costs: W1 (w1_jobstream) with nothing asked for, with
--stats, with --progress and with --trace, each configuration's median inner
time over the same interleaved runs, as a ratio to nothing asked for.

  observe_cost.py --build DIR [--items N] [--trace-items N] [--runs N] [--np 1,2] [--markdown FILE]

The contract (API.md section 4, issue 13): asking for nothing costs nothing
(W1 unchanged within noise against the figures in README.md), --stats and
--progress cost nothing measurable, --trace costs at most 1.3x at 100M items.
--progress is forced (stderr is a pipe here, so the line is a plain line
every ten seconds, but ranks still send their counts four times a second).
The runs of one configuration alternate with the others', so a slow spell of
the machine spreads over all of them. The trace file's size is printed too.
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

RESULT = re.compile(r"inner_seconds=([0-9.]+).*ok=1")
ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
           OMPI_MCA_rmaps_base_oversubscribe="1", OMPI_MCA_btl="self,vader")


def run(program: Path, np: int, items: int, options: list[str], timeout: float) -> float:
    command = [str(program), str(items)] + options
    if np > 1:
        command = ["mpirun", "-np", str(np), "--bind-to", "none"] + command
    result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=ENV)
    match = RESULT.search(result.stdout)
    if result.returncode != 0 or not match:
        sys.exit(f"observe_cost: {' '.join(command)} failed ({result.returncode}):\n{result.stdout}{result.stderr}")
    return float(match.group(1))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", type=Path, required=True)
    parser.add_argument("--items", type=int, default=10_000_000)
    parser.add_argument("--trace-items", type=int, default=100_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--np", default="1,2")
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--markdown", type=Path)
    args = parser.parse_args()
    program = args.build / "bench" / "w1_jobstream"
    if not program.exists():
        sys.exit(f"observe_cost: {program} is not built (ninja -C {args.build} w1_jobstream)")

    rows = []
    with tempfile.TemporaryDirectory() as folder:
        trace = os.path.join(folder, "w1.trace.json")
        for np in [int(n) for n in args.np.split(",")]:
            groups = [
                (args.items, {"nothing": [], "--stats": ["--stats"], "--progress": ["--progress"]}),
                (args.trace_items, {"nothing": [], "--trace": ["--trace", trace]}),
            ]
            for items, configurations in groups:
                times = {name: [] for name in configurations}
                run(program, np, items, [], args.timeout)  # warm-up
                for _ in range(args.runs):
                    for name, options in configurations.items():
                        times[name].append(run(program, np, items, options, args.timeout))
                base = statistics.median(times["nothing"])
                for name, samples in times.items():
                    median = statistics.median(samples)
                    size = f"{os.path.getsize(trace) / 2**20:.1f} MiB" if name == "--trace" else ""
                    rows.append((f"np {np}", f"{items:,}", name, f"{median:.3f}",
                                 f"{(max(samples) - min(samples)) / median:.0%}", f"{median / base:.2f}x", size))
                    print(f"np {np}  items {items:>11,}  {name:<11} median {median:.3f}s  "
                          f"ratio {median / base:.2f}x  {size}", flush=True)

    if args.markdown:
        lines = ["| ranks | items | asked for | median inner s | spread | vs nothing | trace file |",
                 "| --- | ---: | --- | ---: | ---: | ---: | ---: |"]
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        args.markdown.write_text("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
