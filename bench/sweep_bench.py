#!/usr/bin/env python3
"""Sweep benchmarks (issue 14): the machinery's speed and the parallel efficiency.

  bench/sweep_bench.py [--build DIR] [--repeat 5]

1. Speed: 1,000 combinations x 1,000 trials of a trivial function (`--trials
   1000`), np 2 and np 1 x 2 threads: the inner time (goal at np 2: under 1 s,
   i.e. at least 1M trials/s).
2. Efficiency: 100 combinations x 20 trials of ~1 ms of CPU each, np 2 and
   np 1 x 2 threads: ideal time / inner time (goal at np 2: at least 90%).

Medians of --repeat runs; run it on a quiet machine (another process on the
cores shows as lost efficiency).
"""
import argparse
import os
import re
import statistics
import subprocess
import sys

MPI_ENV = dict(OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               OMPI_MCA_rmaps_base_oversubscribe="1", OMPI_MCA_btl="self,vader")


def run(program, ranks, threads, args, trial_ms):
    command = [program] + args + ["--no-progress"]
    if threads:
        command += ["--threads", str(threads)]
    if ranks:
        command = ["mpirun", "-np", str(ranks), "--bind-to", "none"] + command
    env = dict(os.environ, **MPI_ENV)
    env.pop("JOBSTREAM_CHECKPOINT", None)
    if trial_ms:
        env["SWEEP_TRIAL_MS"] = str(trial_ms)
    out = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    if out.returncode != 0:
        sys.exit(f"{' '.join(command)} failed ({out.returncode}):\n{out.stderr}")
    line = next(l for l in out.stdout.splitlines() if l.startswith("RESULT "))
    fields = dict(f.split("=", 1) for f in line.split()[1:])
    if fields["ok"] != "1":
        sys.exit(f"wrong rows: {line}")
    return fields


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", default="build")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    program = os.path.join(args.build, "bench", "sweep_bench")
    rows = []
    for name, combinations, trials, trial_ms in (("speed", 1000, 1000, 0), ("efficiency", 100, 20, 1)):
        for ranks, threads, shape in ((2, 1, "np 2"), (0, 2, "np 1 x 2 threads")):
            runs = [run(program, ranks, threads, [str(combinations), "--trials", str(trials)], trial_ms)
                    for _ in range(args.repeat)]
            inner = statistics.median(float(r["inner_seconds"]) for r in runs)
            spread = (max(float(r["inner_seconds"]) for r in runs) / min(float(r["inner_seconds"]) for r in runs) - 1) * 100
            if name == "speed":
                figure = f"{inner * 1e3:.0f} ms, {combinations * trials / inner / 1e6:.1f}M trials/s"
            else:
                efficiency = statistics.median(float(r["efficiency"]) for r in runs)
                figure = f"{efficiency * 100:.1f}% (trial {statistics.median(float(r['trial_cpu_ms']) for r in runs):.2f} ms CPU)"
            rows.append(f"| {name}: {combinations} x {trials} | {shape} | {figure} | {spread:.0f}% |")
            print(rows[-1], flush=True)
    print("\n| sweep | shape | median of %d | spread |\n| --- | --- | --- | --- |" % args.repeat)
    print("\n".join(rows))


if __name__ == "__main__":
    main()
