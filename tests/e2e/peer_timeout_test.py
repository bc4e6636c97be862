#!/usr/bin/env python3
"""A rank that stops answering ends the run within --peer-timeout.

  peer_timeout_test.py CASE LAUNCHER PROG

A rank is frozen with SIGSTOP once the run is under way, as a host that
hangs or is cut off would freeze it: its process lives, its connections stay
open, and it answers nothing. Cases:

  mpirun     mpirun -np 3 PROG --peer-timeout 1: the run ends with exit
             status 1 within seconds, naming the frozen rank and its host,
             and the rank that noticed.
  launcher   the same under `jobstream run -n 3 --peer-timeout 1`, which
             passes the timeout to every rank.
  outlive    `jobstream run` with a stand-in for mpirun (JOBSTREAM_MPIRUN)
             whose one rank ends while it goes on, as mpirun does when it
             waits for a lost host's daemon: the launcher ends it 10 s after
             its last rank here and counts the run as failed.

Prints 'peer_timeout: CASE passed' when every check holds.
"""
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time

from e2e_env import environment, ranks_of

TIMEOUT = 1  # --peer-timeout, seconds


def fail(reason, out="", err=""):
    print(f"FAILED: {reason}\n--- stdout ---\n{out[-3000:]}\n--- stderr ---\n{err[-3000:]}", file=sys.stderr)
    return 1


def rank_number(pid):
    try:
        with open(f"/proc/{pid}/environ", "rb") as f:
            for entry in f.read().split(b"\0"):
                if entry.startswith(b"OMPI_COMM_WORLD_RANK="):
                    return int(entry.split(b"=", 1)[1])
    except OSError:
        pass
    return None


def freeze_rank(process, program, rank, limit=30):
    """SIGSTOPs the given rank of the run below process once every rank of
    it runs and has had a second to start its work. Returns its pid."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and process.poll() is None:
        ranks = {rank_number(pid): pid for pid in ranks_of(process.pid, program)}
        if rank in ranks and len(ranks) >= 3:
            time.sleep(1.0)
            os.kill(ranks[rank], signal.SIGSTOP)
            return ranks[rank]
        time.sleep(0.05)
    return None


def run_frozen(argv, program, env):
    process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               env=env, start_new_session=True)
    frozen = freeze_rank(process, program, 2)
    started = time.monotonic()
    try:
        out, err = process.communicate(timeout=TIMEOUT + 30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        out, err = process.communicate()
        return None, out.decode(errors="replace"), err.decode(errors="replace"), frozen, None
    took = time.monotonic() - started
    if frozen is not None:
        try:  # mpirun ends its ranks with SIGKILL; a stopped one may linger a moment
            os.kill(frozen, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return process.returncode, out.decode(errors="replace"), err.decode(errors="replace"), frozen, took


def check_frozen(argv, program, env, case):
    status, out, err, frozen, took = run_frozen(argv, program, env)
    if frozen is None:
        return fail(f"{case}: rank 2 never ran", out, err)
    if status is None:
        return fail(f"{case}: the run did not end within {TIMEOUT + 30} s of a rank freezing (a hang)", out, err)
    if status != 1:
        return fail(f"{case}: exit status {status}, expected 1", out, err)
    host = socket.gethostname()
    wanted = (f"jobstream: error: rank 2 on host {host} has not been heard from for {TIMEOUT} s (--peer-timeout), "
              f"as seen by rank 0 on host {host}: its host may be down or cut off; the run ends")
    if wanted not in err:
        return fail(f"{case}: stderr lacks {wanted!r}", out, err)
    # Noticed after the timeout, within one more pass of pings, plus
    # mpirun's own end.
    if took > TIMEOUT + 10:
        return fail(f"{case}: took {took:.1f} s after the freeze", out, err)
    print(f"peer_timeout: {case}: rank 2 frozen, the run ended {took:.1f} s later naming it")
    return 0


def case_outlive(launcher):
    with tempfile.TemporaryDirectory() as folder:
        fake = os.path.join(folder, "mpirun")
        with open(fake, "w") as f:
            # One "rank" (its environment names its rank) that ends at once,
            # and an mpirun that then waits for ever.
            f.write("#!/bin/sh\nOMPI_COMM_WORLD_RANK=0 sleep 2 &\nwait\nexec sleep 300\n")
        os.chmod(fake, 0o755)
        env = environment()
        env["JOBSTREAM_MPIRUN"] = fake
        argv = [launcher, "run", "-n", "1", "--", "/bin/true"]
        started = time.monotonic()
        process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   env=env, start_new_session=True)
        try:
            out, err = process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            out, err = process.communicate()
            return fail("outlive: the launcher did not end mpirun (a hang)", out.decode(errors="replace"),
                        err.decode(errors="replace"))
        took = time.monotonic() - started
        out, err = out.decode(errors="replace"), err.decode(errors="replace")
        if process.returncode != 1:
            return fail(f"outlive: exit status {process.returncode}, expected 1", out, err)
        if "mpirun is still running" not in err or "after the last rank on this host ended" not in err:
            return fail("outlive: the launcher did not say why it ended mpirun", out, err)
        # The rank ends after 2 s; the launcher looks once a second, so it
        # last saw the rank up to a second before that, and ends mpirun 10 s
        # after it last saw it.
        if not 1 + 10 <= took <= 2 + 10 + 5:
            return fail(f"outlive: mpirun ended {took:.1f} s after the start, expected 11-17 s", out, err)
        print(f"peer_timeout: outlive: mpirun ended {took:.1f} s after the start (its rank ended at 2 s)")
        return 0


def main():
    case, launcher, program = sys.argv[1:4]
    env = environment()
    env.pop("JOBSTREAM_PEER_TIMEOUT", None)
    if case == "mpirun":
        argv = ["mpirun", "-np", "3", "--bind-to", "none", program, "--threads", "1", "--peer-timeout", str(TIMEOUT)]
        status = check_frozen(argv, program, env, case)
    elif case == "launcher":
        argv = [launcher, "run", "-n", "3", "--peer-timeout", str(TIMEOUT), "--", program, "--threads", "1"]
        status = check_frozen(argv, program, env, case)
    elif case == "outlive":
        status = case_outlive(launcher)
    else:
        return fail(f"unknown case {case!r}")
    if status == 0:
        print(f"peer_timeout: {case} passed")
    return status


if __name__ == "__main__":
    sys.exit(main())
