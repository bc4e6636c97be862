#!/usr/bin/env python3
"""Fault test: runs a checkpointing program, kills it with SIGKILL at random
moments (a bounded number of times), relaunches it until it succeeds, and
compares what it printed with the uninterrupted answer (one line, or a
file's whole text).

  fault_test.py (--expect LINE | --expect-file FILE) --np N [--resume-np M...]
                [--kills K] [--seed S] [--interval SECONDS] [--launcher JOBSTREAM]
                [--env KEY=VALUE...] -- PROG ARGS...

--np 0 runs PROG as one process and kills it; N >= 1 runs it under mpirun
and kills one of its ranks (a rank dying, as on a failed node), after which
mpirun must end the job. A kill comes at a random moment once a checkpoint
exists, so every launch after one resumes. The first launch uses --np; after each kill the
next launch uses the next --resume-np, if any, else --np again, so "killed
at np 2, resumed at np 4" is `--np 2 --resume-np 4`. The last launch is not
killed. With --launcher, PROG runs under `jobstream run -c FILE --retries`
instead: the launcher relaunches after each kill by itself.

Every launch has a time limit that turns a hang into a failure. At the end,
stdout of the launch that succeeded must be exactly LINE (or FILE), the checkpoint
file must be gone, and every launch that found a checkpoint and was not
killed (so had time to say it) must have said it resumed.
"""
import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time

from e2e_env import environment, finish, launcher_retries, ranks_of, wait_for_checkpoint

LAUNCH_LIMIT = 90  # seconds for one launch
EXIT_LIMIT = 30    # seconds for mpirun to end the job once a rank is killed


def main():
    parser = argparse.ArgumentParser()
    expected = parser.add_mutually_exclusive_group(required=True)
    expected.add_argument("--expect", help="the one line the run prints")
    expected.add_argument("--expect-file", help="a file holding everything the run prints")
    parser.add_argument("--env", action="append", default=[], help="KEY=VALUE for the program's environment")
    parser.add_argument("--np", type=int, required=True)
    parser.add_argument("--resume-np", type=int, action="append", default=[])
    parser.add_argument("--kills", type=int, default=3)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--interval", type=float, default=0.25)
    parser.add_argument("--launcher")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    rng = random.Random(seed)
    print(f"seed {seed} (rerun with --seed {seed})")

    env = environment()
    for setting in args.env:
        key, _, value = setting.partition("=")
        env[key] = value
    if args.expect_file:
        with open(args.expect_file) as f:
            args.expect = f.read()
    folder = tempfile.mkdtemp(prefix="jobstream-fault-")
    checkpoint = os.path.join(folder, "run.ckpt")

    if args.launcher:
        return with_launcher(args, command, env, checkpoint, rng)

    kills = 0
    nps = [args.np] + args.resume_np
    for launch in range(args.kills + 1):
        np = nps[min(launch, len(nps) - 1)]
        had_checkpoint = os.path.exists(checkpoint)
        argv = command + ["--checkpoint", checkpoint, "--checkpoint-interval", str(args.interval)]
        if np > 0:
            argv = ["mpirun", "-np", str(np), "--bind-to", "none"] + argv
        last = launch == args.kills
        started = time.monotonic()
        process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, env=env, start_new_session=True)
        what = f"launch {launch + 1} at np {np}"
        killed = False
        if not last:
            # Kill at a random moment once a checkpoint exists, so that every
            # launch after a kill resumes (possibly on other ranks).
            wait_for_checkpoint(process, checkpoint)
            try:
                process.wait(timeout=rng.uniform(0, args.interval * 3))
            except subprocess.TimeoutExpired:
                pass
            if process.poll() is None:
                victims = [process.pid] if np == 0 else ranks_of(process.pid, command[0])
                if victims:
                    victim = rng.choice(victims)
                    try:
                        os.kill(victim, signal.SIGKILL)
                        kills += 1
                        killed = True
                        print(f"{what}: killed pid {victim} after {time.monotonic() - started:.2f}s")
                    except ProcessLookupError:
                        pass
        out, err, hung = finish(process, EXIT_LIMIT if not last else LAUNCH_LIMIT)
        if hung:
            return fail(f"{what}: did not end (a hang)", argv, out, err)
        # A launch killed early may not have said it yet; one that ran its course must have.
        if had_checkpoint and not killed and "resuming from checkpoint" not in err:
            return fail(f"{what}: a checkpoint was there, but the run did not say it resumed", argv, out, err)
        if process.returncode == 0:
            print(f"{what}: succeeded after {time.monotonic() - started:.2f}s")
            return check_success(out, err, argv, args.expect, checkpoint, kills)
        if last:
            return fail(f"{what}: failed with exit code {process.returncode}", argv, out, err)
        if "jobstream: error: checkpoint" in err:
            return fail(f"{what}: the checkpoint was refused", argv, out, err)
        state = "left a checkpoint" if os.path.exists(checkpoint) else "left no checkpoint yet"
        print(f"{what}: ended with exit code {process.returncode}, {state}")
    return fail("no launch succeeded", command, "", "")


def with_launcher(args, command, env, checkpoint, rng):
    argv = [args.launcher, "run", "-n", str(args.np), "-c", checkpoint, "--retries", str(args.kills + 2),
            "--retry-delay", "0", "--", *command, "--checkpoint-interval", str(args.interval)]
    started = time.monotonic()
    process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, env=env, start_new_session=True)
    kills = 0
    deadline = started + LAUNCH_LIMIT * (args.kills + 1)
    while kills < args.kills and process.poll() is None and time.monotonic() < deadline:
        wait_for_checkpoint(process, checkpoint)
        time.sleep(rng.uniform(args.interval, args.interval * 4))
        victims = ranks_of(process.pid, command[0])
        if victims:
            os.kill(rng.choice(victims), signal.SIGKILL)
            kills += 1
            print(f"killed a rank after {time.monotonic() - started:.2f}s")
    out, err, hung = finish(process, max(1, deadline - time.monotonic()))
    if hung:
        return fail("the launcher did not end (a hang)", argv, out, err)
    if process.returncode != 0:
        return fail(f"the launcher failed with exit code {process.returncode}", argv, out, err)
    # Every kill came after a checkpoint, so every retry resumes (a kill as the
    # run was ending may have changed nothing: then there is no retry for it).
    restarts, resumed = launcher_retries(err)
    if kills and (restarts == 0 or resumed != restarts):
        return fail(f"{kills} kills after a checkpoint, {restarts} retries, {resumed} of them from the "
                    "checkpoint", argv, out, err)
    return check_success(out, err, argv, args.expect, checkpoint, kills)


def check_success(out, err, argv, expect, checkpoint, kills):
    if out.strip() != expect.strip():
        return fail(f"printed {out.strip()!r}, not {expect!r}", argv, out, err)
    if os.path.exists(checkpoint):
        return fail("the checkpoint is still there after a run that succeeded", argv, out, err)
    print(f"ok: the uninterrupted answer after {kills} kills")
    return 0


def fail(reason, command, out, err):
    print(f"FAILED: {reason}\ncommand: {' '.join(command)}")
    print(f"--- stdout\n{out}\n--- stderr\n{err}")
    return 1


if __name__ == "__main__":
    sys.exit(main())
