#!/usr/bin/env python3
"""Checkpoints a program refuses, and --checkpoint-info:

  refusal_test.py PROG OTHER_PROG STDIN_PROG

PROG checkpoints (tests/e2e/checkpoint_fault.cpp); it is killed once its
checkpoint exists, which gives a real file. Then every refused case must
end with exit status 2 (the launcher does not retry it), a message that
names the file and the fault, no hang (also under mpirun at np 2), and the
file left byte for byte as it was: a checkpoint of another pipeline, a
truncated one, a corrupt one, one of another format version, a file that is
not a checkpoint, a folder that does not exist, a folder given as the file.
Also: a resumed run of STDIN_PROG (tests/e2e/checkpoint_stdin.cpp) does not
read its standard input again, nor use ITEM arguments, and says so; a second
run on a checkpoint another run holds is refused, and a kill frees it at once.
"""
import hashlib
import os
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time

from e2e_env import environment

failures = []


def run(argv, np=0, timeout=60, stdin=None, stdin_file=None):
    env = environment()
    if np > 0:
        argv = ["mpirun", "-np", str(np), "--bind-to", "none"] + argv
    source = open(stdin_file, "rb") if stdin_file else subprocess.PIPE
    process = subprocess.Popen(argv, stdin=source, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               env=env, start_new_session=True)
    try:
        out, err = process.communicate(input=None if stdin_file else stdin or b"", timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        out, err = process.communicate()
        return None, out.decode(errors="replace"), err.decode(errors="replace")
    return process.returncode, out.decode(errors="replace"), err.decode(errors="replace")


def digest(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def check(name, ok, detail=""):
    print(("ok      " if ok else "FAILED  ") + name)
    if not ok:
        print(detail)
        failures.append(name)


def refused(name, program, path, pattern, np=0):
    before = digest(path) if os.path.isfile(path) else None
    status, out, err = run([program, "--checkpoint", path], np=np)
    detail = f"exit {status}\n--- stdout\n{out}\n--- stderr\n{err}"
    check(f"{name}: refused with exit status 2 (np {np})", status == 2, detail)
    check(f"{name}: the message names the file and says '{pattern}'",
          f"'{path}'" in err and pattern in err and "jobstream: error: " in err, detail)
    check(f"{name}: no work ran", out == "", detail)
    if before is not None:
        check(f"{name}: the file is left as it was", os.path.isfile(path) and digest(path) == before)


def kill_once_checkpointed(argv, checkpoint, stdin=b""):
    """Starts argv, kills it once `checkpoint` exists; False if none came."""
    env = environment()
    process = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                               start_new_session=True)
    try:
        process.stdin.write(stdin)
        process.stdin.close()
    except BrokenPipeError:
        pass
    deadline = time.monotonic() + 30
    while not os.path.exists(checkpoint) and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.02)
    time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)
    process.stdin = None  # closed above: communicate() must not flush it
    process.communicate()
    return os.path.exists(checkpoint)


def check_one_run_per_checkpoint(program, folder):
    """A second run on a checkpoint in use is refused, naming the file and
    the run that holds it, also under mpirun; killing that run frees the
    file at once, and the next run resumes from it."""
    busy = os.path.join(folder, "busy.ckpt")
    first = subprocess.Popen([program, "-c", busy, "--checkpoint-interval", "0.1"], stdin=subprocess.DEVNULL,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=environment(),
                             start_new_session=True)
    deadline = time.monotonic() + 30
    while not os.path.exists(busy) and time.monotonic() < deadline and first.poll() is None:
        time.sleep(0.02)
    if not os.path.exists(busy) or first.poll() is not None:
        check("the first run on busy.ckpt checkpoints and goes on", False)
        return
    for np in (0, 2):
        status, out, err = run([program, "-c", busy], np=np)
        detail = f"exit {status}\n--- stdout\n{out}\n--- stderr\n{err}"
        check(f"a second run on a checkpoint in use is refused with exit status 2 (np {np})", status == 2, detail)
        check(f"the refusal names the file and the run that holds it (np {np})",
              f"jobstream: error: checkpoint '{busy}' is in use by another run (pid {first.pid} on host " in err,
              detail)
        check(f"the refused run did no work (np {np})", out == "", detail)
    check("the run that holds it is undisturbed", first.poll() is None)
    os.killpg(first.pid, signal.SIGKILL)
    first.wait()
    check("the checkpoint survives its run's kill", os.path.exists(busy))
    status, out, err = run([program, "-c", busy], timeout=120)
    check("right after the kill, the next run resumes and succeeds",
          status == 0 and "resuming from checkpoint" in err and out.startswith("instances=120 wrong=0"),
          f"exit {status}\n{out}\n{err}")
    check("no lock file is left once the run succeeded", not os.path.exists(busy + ".lock"))


def main():
    program, other, stdin_program = sys.argv[1], sys.argv[2], sys.argv[3]
    folder = tempfile.mkdtemp(prefix="jobstream-refusal-")
    good = os.path.join(folder, "good.ckpt")

    # A real checkpoint: start the run, kill it once the file is there.
    if not kill_once_checkpointed([program, "-c", good, "--checkpoint-interval", "0.1"], good):
        print("FAILED  the run wrote no checkpoint in 30 s")
        return 1
    with open(good, "rb") as f:
        data = f.read()

    status, out, err = run([program, "--checkpoint-info", good])
    check("--checkpoint-info describes it", status == 0 and "pipeline   'checkpoint_fault'" in out and
          "pending items per stage" in out and "checkpoint_fault::round" in out and "written    " in out,
          f"exit {status}\n{out}\n{err}")
    check("--checkpoint-info leaves it as it was", digest(good) == hashlib.sha256(data).hexdigest())

    def variant(name, content):
        path = os.path.join(folder, name)
        with open(path, "wb") as f:
            f.write(content)
        return path

    refused("another pipeline's checkpoint", other, good, "pipeline")
    refused("another pipeline's checkpoint", other, good, "pipeline", np=2)
    refused("a truncated checkpoint", program, variant("truncated.ckpt", data[:len(data) // 2]), "truncated")
    refused("a checkpoint cut at its end marker", program, variant("cut.ckpt", data[:-3]), "truncated")
    flipped = bytearray(data)
    flipped[len(data) // 2] ^= 0x40
    refused("a corrupt checkpoint", program, variant("corrupt.ckpt", bytes(flipped)), "corrupt")
    refused("a corrupt checkpoint", program, os.path.join(folder, "corrupt.ckpt"), "corrupt", np=2)
    older = bytearray(data)
    older[12:16] = struct.pack("=I", 0)
    refused("an older format", program, variant("older.ckpt", bytes(older)), "format 0")
    refused("not a checkpoint", program, variant("text.ckpt", b"results: 1 2 3\n" * 20), "not a jobstream checkpoint")
    refused("a folder that does not exist", program, os.path.join(folder, "missing", "run.ckpt"), "missing")
    os.mkdir(os.path.join(folder, "a-folder"))
    refused("a folder as the file", program, os.path.join(folder, "a-folder"), "folder")

    # The good one still resumes, and is removed when the run succeeds.
    status, out, err = run([program, "-c", good], np=2, timeout=120)
    check("the good checkpoint resumes at np 2 and the run succeeds",
          status == 0 and "resuming from checkpoint" in err and out.startswith("instances=120 wrong=0"),
          f"exit {status}\n{out}\n{err}")
    check("it is removed after the run succeeded", not os.path.exists(good))

    # Standard input is not read again: the resumed run gets other input and
    # must still give the sum of the first (1..400: 80200), and say once that
    # it left the input alone. ITEM arguments likewise.
    numbers = os.path.join(folder, "numbers.ckpt")
    first = "".join(f"{i}\n" for i in range(1, 401)).encode()
    other_input = os.path.join(folder, "other-input.txt")
    with open(other_input, "wb") as f:
        f.write(b"1000000\n")
    for given, extra, said in (("standard input", {"stdin_file": other_input}, "standard input is not read"),
                               ("ITEM arguments", {"items": ["1000000", "7"]}, "the 2 ITEM arguments are ignored")):
        if not kill_once_checkpointed([stdin_program, "-c", numbers, "--checkpoint-interval", "0.1"], numbers, first):
            check("the stdin program wrote a checkpoint", False)
            continue
        status, out, err = run([stdin_program, "-c", numbers] + extra.get("items", []),
                               stdin_file=extra.get("stdin_file"))
        check(f"a resumed run does not use its {given}",
              status == 0 and out.strip() == "80200" and "resuming from checkpoint" in err,
              f"exit {status}\n{out}\n{err}")
        check(f"a resumed run says once that it does not use its {given}",
              err.count(f"jobstream: warning: {said}: a resumed run goes on with the items in its checkpoint") == 1,
              f"exit {status}\n{out}\n{err}")

    check_one_run_per_checkpoint(program, folder)

    shutil.rmtree(folder, ignore_errors=True)
    if failures:
        print(f"refusals: {len(failures)} checks failed")
        return 1
    print("refusals: every check passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
