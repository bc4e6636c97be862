#!/usr/bin/env python3
"""Signal test: tests/e2e/signal_stop.cpp told to stop mid-run.

  signal_stop_test.py --np N [--to ranks|rank1|mpirun|launcher]
                      [--launcher JOBSTREAM] CASE -- PROG

CASE:
  checkpoint     SIGTERM mid-run, with a checkpoint file (and an interval of
                 600 s, so none is taken before): to the process at np 0; at
                 np >= 1 to `--to`: every rank (as a batch scheduler does),
                 rank 1 alone, mpirun, or `jobstream run` (with --retries,
                 which must not retry). The run must end with exit status 143
                 and say where its checkpoint is, which must be there; the
                 same command again must resume from it and print the
                 uninterrupted answer, and remove the file. Every call of the
                 job is logged (SIGNAL_STOP_LOG, a file per run): a call made
                 before the signal must not be made again. (mpirun, told to
                 stop, passes SIGTERM on to the ranks a second later, kills
                 them a second after that, and exits with status 1 whatever
                 they did: Open MPI 4.1's behaviour.)
  no-checkpoint  SIGTERM without a checkpoint file: exit status 143 within
                 seconds, saying that no checkpoint was taken.
  sigint-twice   SIGINT while a call of 5 s runs, which the checkpoint waits
                 for, then SIGINT again: exit status 130 at once, saying so,
                 and no checkpoint.
  leftovers      (with --launcher) mpirun and its ranks killed with SIGKILL:
                 the launcher's retry removes the shared-memory files they
                 left in /dev/shm, and not this user's older ones or those
                 still open.

Every run has a time limit that turns a hang into a failure.
"""
import argparse
import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

from e2e_env import descendants, environment, ranks_of

ITEMS = 1000
ANSWER = f"items={ITEMS} sum={sum(i * i for i in range(ITEMS))}"
RUN_LIMIT = 60  # seconds for one run
STOP_LIMIT = 10  # seconds from the signal to the end of the run
SLOW_MS = 5000  # sigint-twice: item 0's call


class Failure(Exception):
    pass


def check(condition, reason, run=None):
    if not condition:
        if run is not None:
            reason += f"\ncommand: {' '.join(run.argv)}\n--- stdout\n{run.out}\n--- stderr\n{run.err}"
        raise Failure(reason)


class Run:
    """One run of the program, in its own session so that a hang can be
    killed whole."""

    def __init__(self, argv, env):
        self.argv = argv
        self.process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, env=env, start_new_session=True)
        self.out = self.err = ""

    def finish(self, limit):
        try:
            out, err = self.process.communicate(timeout=limit)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            out, err = self.process.communicate()
            self.out, self.err = out.decode(errors="replace"), err.decode(errors="replace")
            check(False, f"the run did not end within {limit} s (a hang)", self)
        self.out, self.err = out.decode(errors="replace"), err.decode(errors="replace")
        return self.process.returncode


def lines(path):
    try:
        with open(path) as f:
            return [int(line) for line in f]
    except FileNotFoundError:
        return []


def wait_for_calls(run, log, count):
    deadline = time.monotonic() + RUN_LIMIT
    while len(lines(log)) < count:
        check(run.process.poll() is None, f"the run ended before {count} calls", run)
        check(time.monotonic() < deadline, f"fewer than {count} calls in {RUN_LIMIT} s", run)
        time.sleep(0.01)


def rank_pids(run, program, ranks):
    """The pid of each rank (by OMPI_COMM_WORLD_RANK) once all have started."""
    deadline = time.monotonic() + RUN_LIMIT
    while True:
        found = {}
        for pid in ranks_of(run.process.pid, program):
            try:
                with open(f"/proc/{pid}/environ", "rb") as f:
                    for entry in f.read().split(b"\0"):
                        if entry.startswith(b"OMPI_COMM_WORLD_RANK="):
                            found[int(entry.split(b"=", 1)[1])] = pid
            except OSError:
                continue
        if len(found) == ranks:
            return found
        check(run.process.poll() is None and time.monotonic() < deadline, "the ranks did not all start", run)
        time.sleep(0.01)


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def seconds_until_gone(run, args):
    """Seconds until the program's processes are gone (the ranks under
    mpirun, which takes a second or two more to end a job whose ranks
    exited with a non-zero status)."""
    started = time.monotonic()
    if args.np == 0:
        run.finish(STOP_LIMIT)
        return time.monotonic() - started
    pids = ranks_of(run.process.pid, args.program)
    while any(alive(pid) for pid in pids) and time.monotonic() - started < STOP_LIMIT:
        time.sleep(0.005)
    return time.monotonic() - started


def command(args, extra, checkpoint):
    # About 2 s of work: 4 ms calls on 2 threads, or on 1 thread per rank
    # under mpirun (np 2), which leaves mpirun's second of delay room.
    program = [args.program, "--threads", "2" if args.np == 0 else "1", *extra]
    if args.to == "launcher":
        options = ["-c", checkpoint] if checkpoint else []
        return [args.launcher, "run", "-n", str(args.np), *options, "--retries", "3", "--retry-delay", "0", "--",
                *program, "--checkpoint-interval", "600"]
    if checkpoint:
        program += ["--checkpoint", checkpoint, "--checkpoint-interval", "600"]
    if args.np == 0:
        return program
    return ["mpirun", "-np", str(args.np), "--bind-to", "none", *program]


def send(run, args, signum):
    """Sends signum where --to says (np 0: to the process itself)."""
    if args.np == 0 or args.to in ("mpirun", "launcher"):
        os.kill(run.process.pid, signum)
        return
    ranks = rank_pids(run, args.program, args.np)
    targets = [ranks[1]] if args.to == "rank1" else list(ranks.values())
    for pid in targets:
        os.kill(pid, signum)


def stop_with_checkpoint(args, env, folder):
    checkpoint = os.path.join(folder, "run.ckpt")
    logs = [os.path.join(folder, "calls.1"), os.path.join(folder, "calls.2")]
    argv = command(args, [], checkpoint)
    # The stopped run also writes its report, which must say it was stopped.
    report = os.path.join(folder, "report.html")
    first = Run(command(args, ["--report", report], checkpoint), dict(env, SIGNAL_STOP_LOG=logs[0]))
    wait_for_calls(first, logs[0], ITEMS // 8 if args.to == "mpirun" else ITEMS // 4)
    send(first, args, signal.SIGTERM)
    took = seconds_until_gone(first, args)
    status = first.finish(STOP_LIMIT)
    expected = (1, 143) if args.np > 0 and args.to == "mpirun" else (143,)
    check(status in expected, f"exit status {status} after SIGTERM, not {' or '.join(map(str, expected))}", first)
    check(f"jobstream: stopped by SIGTERM; checkpoint written to '{checkpoint}': rerun the same command to resume"
          in first.err, "no line saying where the checkpoint is", first)
    check(os.path.exists(checkpoint), "the checkpoint is not there", first)
    if args.to == "launcher":
        check("jobstream run: SIGTERM passed on to the" in first.err, "the launcher did not pass SIGTERM on", first)
        check("not starting it again" in first.err and "starting it again in" not in first.err,
              "the launcher started the stopped run again", first)
    if status == 143:
        with open(report, encoding="utf-8") as f:
            page = f.read()
        check("The run was stopped by SIGTERM (exit status 143)" in page and "The run failed" not in page,
              "the report does not say the run was stopped by SIGTERM", first)
    before = lines(logs[0])
    print(f"the program ended {took:.2f}s after SIGTERM, with exit status {status}; {len(before)} calls made")

    second = Run(argv, dict(env, SIGNAL_STOP_LOG=logs[1]))
    status = second.finish(RUN_LIMIT)
    check(status == 0, f"the rerun failed with exit status {status}", second)
    check(second.out.strip() == ANSWER, f"the rerun printed {second.out.strip()!r}, not {ANSWER!r}", second)
    check("resuming from checkpoint" in second.err, "the rerun did not say it resumed", second)
    check(not os.path.exists(checkpoint), "the checkpoint is still there after the rerun succeeded", second)
    after = lines(logs[1])
    every = before + after
    check(set(every) == set(range(ITEMS)), "some items were never run", second)
    again = len(every) - ITEMS
    print(f"measured: {len(before)} calls in the stopped run, {len(after)} in the rerun, {ITEMS} items: "
          f"{again} calls made again")
    check(again == 0, f"{again} calls made before the signal were made again by the rerun", second)


def stop_without_checkpoint(args, env, folder):
    log = os.path.join(folder, "calls")
    run = Run(command(args, [], None), dict(env, SIGNAL_STOP_LOG=log))
    wait_for_calls(run, log, ITEMS // 4)
    send(run, args, signal.SIGTERM)
    took = seconds_until_gone(run, args)
    status = run.finish(STOP_LIMIT)
    check(status == 143, f"exit status {status} after SIGTERM, not 143", run)
    check(took < 2.0, f"the program took {took:.2f}s to end after SIGTERM", run)
    check("jobstream: stopped by SIGTERM; no checkpoint was taken" in run.err, "no line saying it stopped", run)
    check(run.out.strip() == "", "a stopped run printed a result", run)
    print(f"the program ended {took:.2f}s after SIGTERM")


def sigint_twice(args, env, folder):
    checkpoint = os.path.join(folder, "run.ckpt")
    log = os.path.join(folder, "calls")
    run = Run(command(args, [], checkpoint), dict(env, SIGNAL_STOP_LOG=log, SIGNAL_STOP_SLOW_MS=str(SLOW_MS)))
    wait_for_calls(run, log, 100)
    send(run, args, signal.SIGINT)
    time.sleep(0.5)  # the checkpoint waits for item 0's call
    check(run.process.poll() is None, "the run ended without waiting for the call under way", run)
    send(run, args, signal.SIGINT)
    took = seconds_until_gone(run, args)
    status = run.finish(STOP_LIMIT)
    check(status == 130, f"exit status {status} after a second SIGINT, not 130", run)
    check(took < 1.0, f"the program took {took:.2f}s to end after the second SIGINT", run)
    check("jobstream: stopped at once by a second SIGINT, without a checkpoint" in run.err,
          "no line saying it stopped at once", run)
    check(not os.path.exists(checkpoint), "a checkpoint was written although the call was still running", run)
    print(f"the program ended {took:.2f}s after the second SIGINT")


def leftovers(args, env, folder):
    prefix = f"/dev/shm/vader_segment.{socket.gethostname().split('.')[0]}.{os.geteuid()}."
    older = f"{prefix}jobstream-test-older.{os.getpid()}"  # this user's, from before the run
    held = f"{prefix}jobstream-test-held.{os.getpid()}"    # made during the run, still open
    kept = None
    try:
        open(older, "w").close()
        run = Run(command(args, [], None), env)
        ranks = rank_pids(run, args.program, args.np)
        with open(f"/proc/{ranks[0]}/environ", "rb") as f:
            job = next(int(e.split(b"=", 1)[1]) for e in f.read().split(b"\0")
                       if e.startswith(b"OMPI_MCA_ess_base_jobid="))
        segments = f"{prefix}{job:x}.*"
        deadline = time.monotonic() + RUN_LIMIT
        while len(glob.glob(segments)) < args.np:
            check(time.monotonic() < deadline, f"no shared-memory files {segments}", run)
            time.sleep(0.01)
        left = glob.glob(segments)
        kept = open(held, "w")
        # Killed hard: mpirun and its ranks at once, as the kernel's OOM
        # killer or a kill -9 of the job would.
        mpirun = [pid for pid in descendants(run.process.pid) if pid not in ranks.values()]
        for pid in mpirun + list(ranks.values()):
            os.kill(pid, signal.SIGKILL)
        status = run.finish(RUN_LIMIT)
        check(status == 0, f"the launcher's retry failed with exit status {status}", run)
        check(run.out.strip() == ANSWER, f"the retry printed {run.out.strip()!r}, not {ANSWER!r}", run)
        check("shared-memory files that the failed run left in /dev/shm" in run.err,
              "the launcher did not say it removed the run's shared-memory files", run)
        still = [path for path in left if os.path.exists(path)]
        check(not still, f"the killed run's files are still there: {still}", run)
        check(os.path.exists(older), "the launcher removed a file of an older run", run)
        check(os.path.exists(held), "the launcher removed a file that is open", run)
        print(f"removed {len(left)} files of the killed run: {', '.join(os.path.basename(p) for p in left)}")
    finally:
        if kept:
            kept.close()
        for path in (older, held):
            if os.path.exists(path):
                os.remove(path)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("case", choices=["checkpoint", "no-checkpoint", "sigint-twice", "leftovers"])
    parser.add_argument("--np", type=int, required=True)
    parser.add_argument("--to", choices=["ranks", "rank1", "mpirun", "launcher"], default="ranks")
    parser.add_argument("--launcher")
    parser.add_argument("program", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    args.program = [word for word in args.program if word != "--"][0]
    if args.launcher:
        args.to = "launcher"
    check(args.to != "launcher" or args.launcher, "--to launcher needs --launcher")
    folder = tempfile.mkdtemp(prefix="jobstream-signal-")
    cases = {"checkpoint": stop_with_checkpoint, "no-checkpoint": stop_without_checkpoint,
             "sigint-twice": sigint_twice, "leftovers": leftovers}
    try:
        cases[args.case](args, environment(), folder)
    except Failure as failure:
        print(f"FAILED: {failure}")
        return 1
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(f"signal_stop: {args.case} passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
