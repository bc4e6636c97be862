"""What the e2e scripts share: the environment their programs run in,
finding the ranks of a run under mpirun, and waiting for a run that may
hang."""
import os
import re
import signal
import subprocess
import time

# mpirun as root, oversubscribed, over shared memory, on any machine.
MPI_ENV = dict(OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               OMPI_MCA_rmaps_base_oversubscribe="1", OMPI_MCA_btl="self,vader",
               OMPI_MCA_btl_vader_single_copy_mechanism="none")


def environment():
    """This process's environment with MPI_ENV, and without a checkpoint file
    of the caller's (JOBSTREAM_CHECKPOINT would make every program checkpoint)."""
    env = dict(os.environ)
    env.update(MPI_ENV)
    env.pop("JOBSTREAM_CHECKPOINT", None)
    return env


def mpirun_crashed_in_teardown(returncode, err):
    """True when mpirun itself died of SIGSEGV in Open MPI's own teardown
    (orte_finalize, after the ranks had ended): a defect of Open MPI 4.1's
    PMIx server, seen about once in a few thousand runs that end in
    MPI_Abort on a loaded machine. Not the program's doing; its run is
    repeated once."""
    return (returncode in (-11, 139) and "orte_finalize" in err
            and re.search(r"^\[[^]]*\] \[ *\d+\] mpirun\(", err, re.MULTILINE) is not None)


def descendants(pid):
    """Processes below pid, from /proc."""
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(entry))
        except OSError:
            continue
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def ranks_of(pid, program):
    """The processes below pid that run program: the ranks of a run under mpirun."""
    real = os.path.realpath(program)
    ranks = []
    for child in descendants(pid):
        try:
            if os.path.realpath(f"/proc/{child}/exe") == real:
                ranks.append(child)
        except OSError:
            continue
    return ranks


def wait_for_checkpoint(process, checkpoint, limit=60):
    """Waits until the file checkpoint exists, process has ended, or limit
    seconds have passed, whichever comes first."""
    deadline = time.monotonic() + limit
    while not os.path.exists(checkpoint) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)


def finish(process, limit, kill=None):
    """What process (started with pipes, in a session of its own) printed on
    stdout and stderr, and whether it was still running after limit seconds
    (a hang): then kill() ends it (by default, SIGKILL to its process
    group), and so must close the pipes within 30 s."""
    try:
        out, err = process.communicate(timeout=limit)
        hung = False
    except subprocess.TimeoutExpired:
        if kill is None:
            os.killpg(process.pid, signal.SIGKILL)
        else:
            kill()
        out, err = process.communicate(timeout=30)
        hung = True
    return out.decode(errors="replace"), err.decode(errors="replace"), hung


def launcher_retries(err):
    """From `jobstream run`'s stderr: how many times it started a failed run
    again, and how many of those resumed from the checkpoint (not counting
    its lines that say it does not: "...; not starting it again")."""
    return err.count("; starting it again"), err.count("; starting it again from the checkpoint")
