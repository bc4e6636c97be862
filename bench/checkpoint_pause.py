#!/usr/bin/env python3
"""W4: how long a checkpoint pauses a run, at np 2, for a given total state.

  checkpoint_pause.py --build BUILD [--runs N] [--sizes BYTES,...] [--folder DIR]

Runs bench/w4_checkpoint (200 blobs of W4_STATE_BYTES in all, waiting in
the ranks' queues behind a 10 ms job) under mpirun -np 2 with a checkpoint
every 0.1 s, and reads the first checkpoint's line on stderr:

  jobstream: checkpoint 1 written to 'FILE': 90.0 MiB of state; the run
  paused 0.199 s, the write took 0.323 s

The first checkpoint holds about 90% of the state (some blobs are digested
by then). Prints per size the median (and range) of the state, the pause
and the write over N runs. The checkpoint goes to --folder (default: a
temporary folder), so choose the disk you want to measure.
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile

LINE = re.compile(r"checkpoint 1 written to .*: ([0-9.]+) (bytes|KiB|MiB|GiB) of state; "
                  r"the run paused ([0-9.]+) s, the write took ([0-9.]+) s")
UNIT = {"bytes": 1, "KiB": 1024, "MiB": 1024 ** 2, "GiB": 1024 ** 3}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", required=True)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sizes", default="0,1048576,104857600")
    parser.add_argument("--folder")
    args = parser.parse_args()
    program = os.path.join(args.build, "bench", "w4_checkpoint")
    folder = args.folder or tempfile.mkdtemp(prefix="w4-")
    checkpoint = os.path.join(folder, "w4.ckpt")
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               OMPI_MCA_rmaps_base_oversubscribe="1")
    print("| total state | state in the 1st checkpoint | pause, median (range) | write, median (range) |")
    print("| --- | --- | --- | --- |")
    for size in (int(s) for s in args.sizes.split(",")):
        states, pauses, writes = [], [], []
        for _ in range(args.runs):
            if os.path.exists(checkpoint):
                os.remove(checkpoint)
            run = subprocess.run(["mpirun", "-np", "2", "--bind-to", "none", program, "-c", checkpoint,
                                  "--checkpoint-interval", "0.1"],
                                 env=dict(env, W4_STATE_BYTES=str(size)), capture_output=True, text=True,
                                 timeout=300)
            match = LINE.search(run.stderr)
            if run.returncode != 0 or not match:
                print(f"w4 failed (exit {run.returncode}):\n{run.stderr}", file=sys.stderr)
                return 1
            states.append(float(match[1]) * UNIT[match[2]])
            pauses.append(float(match[3]))
            writes.append(float(match[4]))
        mib = statistics.median(states) / 1024 ** 2
        print(f"| {size / 1024 ** 2:g} MiB | {mib:.1f} MiB | {statistics.median(pauses) * 1000:.0f} ms "
              f"({min(pauses) * 1000:.0f}-{max(pauses) * 1000:.0f}) | {statistics.median(writes) * 1000:.0f} ms "
              f"({min(writes) * 1000:.0f}-{max(writes) * 1000:.0f}) |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
