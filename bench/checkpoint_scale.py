#!/usr/bin/env python3
"""Checkpoints that scale: rank 0's peak memory while it writes a checkpoint
of every rank's state and while it resumes one, at np 2.

  checkpoint_scale.py --build BUILD [--mib 500] [--runs 1] [--folder DIR]

Each run is two legs of bench/checkpoint_scale under mpirun -np 2 (one
worker thread per rank):

  1. Each rank builds --mib MiB of reduction store of its own. Once both
     say so, both get SIGTERM: the run's last checkpoint holds every rank's
     store, rank 0 writes it, and the run ends (exit status 143).
  2. The same program resumes from that file (SCALE_BUILD=0: it builds no
     more). Once both ranks run again (their shares are in place), both get
     SIGTERM again, and the run writes its last checkpoint again.

Each rank prints its peak resident memory (getrusage) at its end. Printed
per leg: each rank's peak, rank 0's own state (its sections in the file,
read from the checkpoint's index below), the state of all ranks, the pause
and the write from rank 0's checkpoint line. The write goes to --folder
(default: a temporary folder).
"""
import argparse
import os
import re
import signal
import struct
import subprocess
import sys
import tempfile
import time

RESULT = re.compile(r"RESULT rank=(\d+) peak_rss_kib=(\d+) exit=(-?\d+)")
SAID = re.compile(r"SCALE (built|running) rank=(\d+) pid=(\d+)")
WRITTEN = re.compile(r"checkpoint \d+ written to .*: ([0-9.]+) (bytes|KiB|MiB|GiB) of state; "
                     r"the run paused ([0-9.]+) s, the write took ([0-9.]+) s")
UNIT = {"bytes": 1, "KiB": 1024, "MiB": 1024 ** 2, "GiB": 1024 ** 3}
MIB = 1024 ** 2


def section_bytes_per_rank(path):
    """Payload bytes per writer rank, from the file's records (format 3:
    magic, byte order, format, header size, header, header CRC; then per
    section 'S', name, rank, size, CRC, payload; then 'E')."""
    per_rank = {}
    with open(path, "rb") as f:
        f.seek(8 + 4 + 4)
        (header,) = struct.unpack("<I", f.read(4))
        f.seek(header + 4, os.SEEK_CUR)
        while f.read(1) == b"S":
            (name,) = struct.unpack("<Q", f.read(8))
            f.seek(name, os.SEEK_CUR)
            rank, size = struct.unpack("<IQ", f.read(12))
            f.seek(4 + size, os.SEEK_CUR)
            per_rank[rank] = per_rank.get(rank, 0) + size
    return per_rank


def leg(program, checkpoint, env, limit):
    """One run until both ranks said their word, then SIGTERM to both.

    Each rank's stderr goes to a file of its own: when one rank ends with a
    non-zero status before the other, mpirun's forwarding of the other's
    stderr can lose lines."""
    errors = [checkpoint + f".err.{rank}" for rank in (0, 1)]
    for path in errors:
        if os.path.exists(path):
            os.remove(path)
    command = ["mpirun", "-np", "2", "sh", "-c", 'exec "$0" "$@" 2>"$SCALE_ERR.$OMPI_COMM_WORLD_RANK"',
               program, "--threads", "1", "-c", checkpoint]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env=dict(env, SCALE_ERR=checkpoint + ".err"))

    def stderr_of(rank):
        try:
            with open(errors[rank]) as f:
                return f.read()
        except FileNotFoundError:
            return ""

    pids = {}
    deadline = time.monotonic() + limit
    while len(pids) < 2 and time.monotonic() < deadline and process.poll() is None:
        for rank in (0, 1):
            said = SAID.search(stderr_of(rank))
            if said:
                pids[rank] = int(said.group(3))
        time.sleep(0.01)
    if len(pids) < 2:
        process.kill()
        sys.exit("the ranks did not both say they were ready:\n" + stderr_of(0) + stderr_of(1))
    for pid in pids.values():
        os.kill(pid, signal.SIGTERM)
    try:
        stdout, mpirun_stderr = process.communicate(timeout=limit)
    except subprocess.TimeoutExpired:
        process.kill()
        sys.exit("the run did not end after SIGTERM:\n" + stderr_of(0) + stderr_of(1))
    rank0 = stderr_of(0)
    for path in errors:
        os.remove(path)
    peaks = {int(m.group(1)): int(m.group(2)) * 1024 for m in RESULT.finditer(stdout)}
    written = WRITTEN.findall(rank0)
    if len(peaks) != 2 or not written:
        sys.exit("no peak or checkpoint line:\n" + stdout + rank0 + mpirun_stderr)
    state, unit, pause, write = written[-1]
    return {"peaks": peaks, "state": float(state) * UNIT[unit], "pause": float(pause), "write": float(write)}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", required=True)
    parser.add_argument("--mib", type=int, default=500, help="state per rank")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--folder")
    parser.add_argument("--limit", type=float, default=300, help="seconds allowed per leg")
    args = parser.parse_args()
    program = os.path.join(args.build, "bench", "checkpoint_scale")
    folder = args.folder or tempfile.mkdtemp(prefix="checkpoint-scale-")
    checkpoint = os.path.join(folder, "scale.ckpt")
    print("| leg | rank 0 peak RSS | rank 1 peak RSS | rank 0's own state | all state | pause | write |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for _ in range(args.runs):
        for path in (checkpoint, checkpoint + ".tmp"):
            if os.path.exists(path):
                os.remove(path)
        env = dict(os.environ, SCALE_MIB=str(args.mib))
        for name, build in (("checkpoint", "1"), ("resume + checkpoint", "0")):
            result = leg(program, checkpoint, dict(env, SCALE_BUILD=build), args.limit)
            own = section_bytes_per_rank(checkpoint).get(0, 0)
            peaks = result["peaks"]
            print(f"| {name} | {peaks[0] / MIB:.0f} MiB | {peaks[1] / MIB:.0f} MiB | {own / MIB:.0f} MiB | "
                  f"{result['state'] / MIB:.0f} MiB | {result['pause']:.2f} s | {result['write']:.2f} s |",
                  flush=True)
    os.remove(checkpoint)


if __name__ == "__main__":
    main()
