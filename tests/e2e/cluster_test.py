#!/usr/bin/env python3
"""Cluster test: jobstream programs on a simulated cluster of three hosts
that talk over real TCP.

  cluster_test.py --work DIR --launcher JOBSTREAM --frames E2E_FRAME_REDUCE
                  --frames-expect FILE --fault E2E_CHECKPOINT_FAULT --fault-answer LINE
                  [--only CASE]...

The cluster (root only): hosts h1, h2 and h3, each a network namespace with
one veth to a bridge in a namespace of its own, addresses in 10.213.0.0/24,
IPv6 off and no default route, so no packet can leave the machine. Open MPI
starts its daemons on them with plm_rsh_agent set to a small script written
here instead of ssh: `agent [OPTIONS] HOST COMMAND...` runs COMMAND on HOST
through a shell with a clean environment, as ssh does, in HOST's network
namespace and in UTS and mount namespaces of its own: the hostname is HOST,
a hosts file naming the three hosts is bind-mounted over /etc/hosts, a
private tmpfs over /dev/shm (hosts that share /dev/shm share Open MPI's
shared-memory segment names, and crash), and TMPDIR is a folder of the
host's own in DIR (Open MPI's session folders go there: a host killed with
SIGKILL would leave its own in the machine's /tmp; a tmpfs over /tmp would
hide a build tree under /tmp from the hosts). Like ssh over a network,
it first connects to HOST from where it is called (a refused connection to
port 9 is an answer; none within 1 s: it fails with ssh's exit status 255),
and COMMAND runs apart from it, in a session of its own and not below it,
as under sshd: the caller's host sees the agent below mpirun, as it would
see ssh, and not HOST's processes (so the launcher can neither see nor
signal them), and the agent ends when COMMAND does, with its exit status
(255 if it was killed). The launcher checks hosts with the same script, as
the plm_rsh_agent. Unlike ssh, COMMAND's output reaches the caller's
descriptors directly, so a cut-off host's processes keep them open.
`agent --head HOST PROGRAM ARGS...` runs PROGRAM there, in place, with the
test's environment, as a user logged in on a head node: mpirun always runs
on a host, never in the root namespace. Ranks on different hosts talk over TCP on that /24 alone
(btl self,vader,tcp with btl_tcp_if_include and oob_tcp_if_include), and a
host has only the slots it is given (no oversubscription). DIR, which every
host sees (so not under /dev/shm), holds the agent, the hosts file, hostfiles and
checkpoints.

Cases, all on one cluster:
  frames      frame_reduce (reductions in frames) by mpirun on h1, h2 and
              h3, one rank each, over TCP alone (btl self,tcp): its exact
              answer, every rank on its host (rank R's --stats line names
              it: R_HOST), and at least 16 KiB each way through each host's
              port of the bridge (the veth counters, read in the bridge's
              namespace before and after). Open MPI's daemons move under
              9 KiB each way per host for a run whose ranks start MPI and
              exchange nothing; frame_reduce's ranks, 25 KiB or more.
  hostfile    `jobstream run --hostfile FILE` with the lines `h1` and
              `h2,h3 cpus=2`: the launcher must hand mpirun
              `--host h1,h2:2,h3:2`; one rank per host by default (ranks 0,
              1, 2 on h1, h2, h3); -n 5 fills the 1 + 2 + 2 slots by node
              (h1, h2, h3, h2, h3); -n 6 is refused for want of slots.
  lost-host   checkpoint_fault under `jobstream run -c FILE --retries 3` on
              the hostfile h2,h3, the launcher and mpirun on h1 (the head
              node): once the first checkpoint is written, every process of
              h3 (its Open MPI daemon, the shell the agent started it in, and
              rank 1) is killed with SIGKILL.
              The launcher must start the run again once, from the
              checkpoint, on h2 and h3 again; the answer must be exact and
              the checkpoint gone.
  lost-rank0  the same with h2, the host of rank 0.
  cut         the same program under `jobstream run -c FILE --retries 2
              --peer-timeout 2` on the hostfile h2,h3 from h1, and once the
              first checkpoint is written, h3's link is cut (its port of the
              bridge set down): its processes live on and nothing reaches
              them. Rank 0 on h2 must say within the peer timeout that rank 1
              on h3 was not heard from; the launcher must end the attempt
              (mpirun waits for h3's daemon), say that h3 does not answer its
              check and leave it out, say the retry's command (`mpirun -n 1
              --host h2`), and resume once from the checkpoint on h2 alone,
              with the exact answer, exit status 0 and the checkpoint gone.
              Each step within its bound (NOTICE_LIMIT, ...: below). Once the
              launcher has ended, no process may be left on h1 or h2 (the
              launcher ended the agent it started for h3); h3's, cut off, are
              then killed, and its link set up again.
  min-hosts   h3's link cut before the run, the same run with --min-hosts 2:
              mpirun cannot start its daemon on h3, and the launcher must say
              that h3 does not answer, that 1 host is fewer than --min-hosts
              2, start no retry, and exit with the failed run's status.
After each case no process may be left on any host (`ip netns pids`).
`--only CASE` runs the cases named (all by default).

Exit status 77 (CTest's skip) where namespaces cannot be made: not root, no
`ip` or `unshare`, or `ip netns add` fails. Whatever the test makes is
removed at the end, also after a failure, a signal or its own time limit:
its namespaces (named jsc-*) and every process in them, DIR, and the
/run/netns mount that `ip netns add` makes when there is none. A run killed
with SIGKILL leaves them to the next run, which removes them first. One run
at a time on a machine: a lock (flock) on /tmp/jobstream-cluster-test.lock,
which also notes the /run/netns mount a run made. At the end the root
namespace must hold the same namespaces, links and mounts as before.
"""
import argparse
import fcntl
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import time
import traceback

from e2e_env import environment, finish, launcher_retries, wait_for_checkpoint

PREFIX = "jsc-"  # every namespace the test makes; leftovers by this prefix are removed
HOSTS = ["h1", "h2", "h3"]
BRIDGE = PREFIX + "bridge"
SUBNET = "10.213.0.0/24"
ADDRESSES = {host: f"10.213.0.{number}" for number, host in enumerate(HOSTS, 1)}
NETNS_DIR = "/run/netns"
LOCK = "/tmp/jobstream-cluster-test.lock"
SKIP = 77
TIME_LIMIT = 90      # seconds for the whole test but its clean-up (CTest allows 120)
COMMAND_LIMIT = 10   # seconds for one ip, cat or kill
RUN_LIMIT = 40       # seconds for one program on the cluster, retries included
GONE_LIMIT = 5       # seconds for a host's processes to end after a run
MINIMUM_BYTES = 16 * 1024  # each way, per host: see the docstring
PEER_TIMEOUT = 2     # --peer-timeout of the cut case, seconds
# The cut case's bounds, seconds, each with a second or two of slack for a
# loaded machine: a rank notices the cut within the peer timeout; the
# launcher ends an mpirun still running 10 s after it reported MPI_Abort
# (looking once a second), and checks the hosts, h3's for up to 1 s (the
# agent's connect limit); the retry resumes on h2 alone.
NOTICE_LIMIT = PEER_TIMEOUT + 1.5
RETRY_AFTER_NOTICE_LIMIT = 10 + 1 + 1 + 2
RETRY_LIMIT = 15

AGENT = r"""#!/bin/sh
# What mpirun runs instead of ssh (Open MPI's plm_rsh_agent), and what the
# launcher checks hosts with; written by tests/e2e/cluster_test.py, which
# says more.
#   agent [OPTIONS] HOST COMMAND...   COMMAND on HOST through a shell, clean environment
#   agent --head HOST PROGRAM ARGS... PROGRAM on HOST with this environment, in place
head=
while [ $# -gt 0 ]; do
  case $1 in --head) head=1; shift ;; -*) shift ;; *) break ;; esac
done
host=$1
shift
# On HOST (its namespaces): its hostname, hosts file, /dev/shm and TMPDIR;
# then PROGRAM (--head), or COMMAND through a shell with a clean
# environment, its exit status written to the file STATUS.
on_host='
  echo "$1" > /proc/sys/kernel/hostname && mount --bind "$2" /etc/hosts &&
    mount -t tmpfs -o size=64m,mode=1777 {prefix}shm /dev/shm &&
    mkdir -p {work}/tmp-"$1" || exit 255
  export TMPDIR={work}/tmp-"$1"
  head=$3 status=$4
  shift 4
  [ -n "$head" ] && exec "$@"
  env -i PATH="$PATH" HOME="$HOME" TMPDIR="$TMPDIR" sh -c "$*"
  echo $? > "$status"'
if [ -n "$head" ]; then
  exec ip netns exec "{prefix}$host" unshare --uts --mount sh -c "$on_host" sh "$host" {hosts} 1 "" "$@"
fi
# As ssh over the network: HOST must answer from here (the caller's
# namespace), where a refused connection to its port 9 is an answer; if
# not, ssh's status for a connection that failed, 255.
address=$(sed -n "s/^\([0-9.]*\) $host\$/\1/p" {hosts})
answer=$(timeout 1 bash -c ": > /dev/tcp/$address/9" 2>&1)
case $answer in
  *refused*) ;;
  *) echo "agent: cannot reach $host${address:+ at $address}: ${answer:-no answer within 1 s}" >&2; exit 255 ;;
esac
# As under sshd, COMMAND runs apart from this process, in a session of its
# own and not below it (below mpirun, this host sees this process, as it
# would see ssh, and not the processes on HOST); this process waits for it
# to end and exits with its status, or with 255 if it left none (killed).
status=$(mktemp {work}/status.XXXXXX) || exit 255
exec 3>&1 4<&0
pid=$( (ip netns exec "{prefix}$host" setsid unshare --uts --mount sh -c "$on_host" sh "$host" {hosts} "" \
          "$status" "$@" <&4 >&3 3>&- 4<&- & echo $!) )
exec 3>&- 4<&-
while { read -r stat < "/proc/$pid/stat"; } 2>/dev/null; do
  state=${stat##*) }
  [ "${state%% *}" = Z ] && break  # ended; left to whoever reaps orphans
  sleep 0.05
done
code=$(cat "$status")
rm -f "$status"
exit "${code:-255}"
"""


class Failure(Exception):
    pass


class Skip(Exception):
    pass


def check(condition, reason, out=None, err=None):
    if not condition:
        if out is not None or err is not None:
            reason += f"\n--- stdout\n{out}\n--- stderr\n{err}"
        raise Failure(reason)


def run(argv, check_status=True, limit=COMMAND_LIMIT):
    """A short command in the root namespace, with a time limit."""
    result = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=limit)
    if check_status and result.returncode != 0:
        raise Failure(f"'{shlex.join(argv)}' failed with exit status {result.returncode}: {result.stderr.strip()}")
    return result


def namespace(host):
    return PREFIX + host


def netns_names():
    return [line.split()[0] for line in run(["ip", "netns", "list"]).stdout.splitlines() if line.strip()]


def pids_of(ns):
    """The processes in network namespace ns (none if it is gone)."""
    return [int(word) for word in run(["ip", "netns", "pids", ns], check_status=False).stdout.split()]


def describe(pid):
    """'orted', or 'rank 1 (e2e_checkpoint_fault)': what a process is."""
    try:
        with open(f"/proc/{pid}/comm") as f:
            name = f.read().strip()
        with open(f"/proc/{pid}/environ", "rb") as f:
            for entry in f.read().split(b"\0"):
                if entry.startswith(b"OMPI_COMM_WORLD_RANK="):
                    return f"rank {int(entry.split(b'=', 1)[1])} ({name})"
        return name
    except OSError:
        return "gone"


def kill_all(ns):
    """SIGKILL to every process of ns, again and again until none is left."""
    deadline = time.monotonic() + COMMAND_LIMIT
    while pids := pids_of(ns):
        check(time.monotonic() < deadline, f"processes of {ns} outlived SIGKILL: {pids}")
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.02)


def kill_host(ns):
    """SIGKILL to every process of ns, as a host dies: those there now (what
    starts after, a retry's, is left alone); waits until they are gone, and
    says what they were."""
    victims = {pid: describe(pid) for pid in pids_of(ns)}
    for pid in victims:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + COMMAND_LIMIT
    while left := set(victims) & set(pids_of(ns)):
        check(time.monotonic() < deadline, f"processes of {ns} outlived SIGKILL: {sorted(left)}")
        time.sleep(0.02)
    return victims


def kill_hosts():
    for host in HOSTS:
        kill_all(namespace(host))


def mount_points():
    """The root namespace's mounts (mount point, file system type, source)."""
    with open("/proc/self/mountinfo") as f:
        entries = [line.split() for line in f]
    return sorted((fields[4], fields[fields.index("-") + 1], fields[fields.index("-") + 2]) for fields in entries)


def root_state():
    links = sorted(line.split(":")[1].strip().split("@")[0]
                   for line in run(["ip", "-o", "link", "show"]).stdout.splitlines())
    return {"namespaces": sorted(netns_names()), "links": links, "mounts": mount_points()}


# --- the lock, and what a run leaves ------------------------------------------

def take_lock(limit=30):
    """An exclusive flock on LOCK: one run at a time, since namespace names
    are the machine's. A run that ends removes the file while holding it, so
    a lock taken on a file that is no longer LOCK is taken again."""
    deadline = time.monotonic() + limit
    while True:
        fd = os.open(LOCK, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            check(time.monotonic() < deadline, f"another run of the cluster test held {LOCK} for {limit} s")
            time.sleep(0.1)
            continue
        try:
            same = os.stat(LOCK).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if same:
            return fd
        os.close(fd)


def notes(lock):
    os.lseek(lock, 0, os.SEEK_SET)
    return set(os.read(lock, 1024).decode().split())


def note(lock, words):
    os.ftruncate(lock, 0)
    os.lseek(lock, 0, os.SEEK_SET)
    os.write(lock, " ".join(sorted(words)).encode())


def is_mount_point(path):
    return any(point == path for point, _, _ in mount_points())


def remove_everything(lock, work):
    """Removes every jsc-* namespace and the processes in it, the /run/netns
    mount (and folder) a run made once no namespace is left in it, and work."""
    names = [name for name in netns_names() if name.startswith(PREFIX)]
    for name in names:
        kill_all(name)
    for name in names:
        run(["ip", "netns", "delete", name])
    made = notes(lock)
    left = os.listdir(NETNS_DIR) if os.path.isdir(NETNS_DIR) else []
    if "mount" in made and not left and is_mount_point(NETNS_DIR):
        run(["umount", NETNS_DIR])
    if "folder" in made and not left and os.path.isdir(NETNS_DIR) and not is_mount_point(NETNS_DIR):
        os.rmdir(NETNS_DIR)
    if not left:
        note(lock, set())
    shutil.rmtree(work, ignore_errors=True)


# --- the cluster ---------------------------------------------------------------

def make_cluster(lock, work):
    made = set()
    if not os.path.isdir(NETNS_DIR):
        made.add("folder")
    if not is_mount_point(NETNS_DIR):
        made.add("mount")
    note(lock, made)  # before `ip netns add` makes them, so that a killed run leaves the note
    names = [BRIDGE] + [namespace(host) for host in HOSTS]
    for name in names:
        result = run(["ip", "netns", "add", name], check_status=False)
        if result.returncode != 0:
            raise Skip(f"'ip netns add {name}' failed: {result.stderr.strip()}")
        # IPv6 off before any link is made, so that none gets an address.
        run(["ip", "netns", "exec", name, "sh", "-c",
             "[ ! -d /proc/sys/net/ipv6 ] || { echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6 && "
             "echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6; }"])
        run(["ip", "-n", name, "link", "set", "lo", "up"])
    run(["ip", "-n", BRIDGE, "link", "add", "bridge", "type", "bridge"])
    run(["ip", "-n", BRIDGE, "link", "set", "bridge", "up"])
    for host in HOSTS:
        # The bridge's port is named after the host; the host's end is eth0.
        run(["ip", "-n", BRIDGE, "link", "add", host, "type", "veth", "peer", "name", "eth0",
             "netns", namespace(host)])
        run(["ip", "-n", BRIDGE, "link", "set", host, "master", "bridge", "up"])
        run(["ip", "-n", namespace(host), "address", "add", f"{ADDRESSES[host]}/24", "dev", "eth0"])
        run(["ip", "-n", namespace(host), "link", "set", "eth0", "up"])
    for host in HOSTS:
        routes = run(["ip", "-n", namespace(host), "route", "show", "default"]).stdout
        ipv6 = run(["ip", "-n", namespace(host), "-6", "-o", "address"]).stdout
        check(not routes.strip() and not ipv6.strip(),
              f"{host} has a default route or an IPv6 address:\n{routes}{ipv6}")

    os.makedirs(work)
    hosts = os.path.join(work, "hosts")
    with open(hosts, "w") as f:
        f.write("127.0.0.1 localhost\n" + "".join(f"{ADDRESSES[host]} {host}\n" for host in HOSTS))
    agent = os.path.join(work, "agent")
    with open(agent, "w") as f:
        f.write(AGENT.replace("{prefix}", PREFIX).replace("{hosts}", shlex.quote(hosts))
                .replace("{work}", shlex.quote(work)))
    os.chmod(agent, 0o755)
    return agent


def bridge_bytes():
    """Bytes through each host's port of the bridge: {host: (from it, to it)}."""
    paths = [f"/sys/class/net/{host}/statistics/{way}_bytes" for host in HOSTS for way in ("rx", "tx")]
    values = [int(word) for word in run(["ip", "netns", "exec", BRIDGE, "cat", *paths]).stdout.split()]
    return {host: (values[2 * i], values[2 * i + 1]) for i, host in enumerate(HOSTS)}


class Cluster:
    def __init__(self, agent, work):
        self.agent = agent
        self.work = work
        env = environment()
        env.pop("TMPDIR", None)  # a folder of the machine, not of a host
        env.update(OMPI_MCA_plm_rsh_agent=agent, OMPI_MCA_rmaps_base_oversubscribe="0",
                   OMPI_MCA_btl="self,vader,tcp", OMPI_MCA_btl_tcp_if_include=SUBNET,
                   OMPI_MCA_oob_tcp_if_include=SUBNET)
        self.env = env

    def start(self, argv):
        """argv on the head node, h1."""
        return subprocess.Popen([self.agent, "--head", HOSTS[0], *argv], stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=self.env,
                                start_new_session=True)

    def start_until_checkpoint(self, argv, checkpoint):
        """argv on the head node, once its first checkpoint is written (a
        failure if the run ends or writes none within RUN_LIMIT)."""
        process = self.start(argv)
        wait_for_checkpoint(process, checkpoint, RUN_LIMIT)
        if not os.path.exists(checkpoint) or process.poll() is not None:
            status, out, err = self.wait(process, argv, 5)
            raise Failure(f"the run ended (exit status {status}) or wrote no checkpoint in {RUN_LIMIT} s\n"
                          f"--- stdout\n{out}\n--- stderr\n{err}")
        return process

    def wait(self, process, argv, limit=RUN_LIMIT):
        out, err, hung = finish(process, limit, kill=kill_hosts)
        check(not hung, f"'{shlex.join(argv)}' did not end within {limit} s (a hang)", out, err)
        return process.returncode, out, err

    def run(self, argv):
        return self.wait(self.start(argv), argv)

    def wait_exit(self, process, argv, limit=RUN_LIMIT):
        """Waits for process to end, not for its pipes, which processes left on
        a cut host may hold open. Returns its exit status and a Lines for each
        pipe, read as they come."""
        out, err = Lines(process.stdout), Lines(process.stderr)
        try:
            process.wait(timeout=limit)
        except subprocess.TimeoutExpired:
            kill_hosts()
            out.finish(), err.finish()
            raise Failure(f"'{shlex.join(argv)}' did not end within {limit} s (a hang)\n--- stdout\n{out.text()}\n"
                          f"--- stderr\n{err.text()}")
        return process.returncode, out, err

    def file(self, name, text):
        path = os.path.join(self.work, name)
        with open(path, "w") as f:
            f.write(text)
        return path


class Lines:
    """A pipe's lines, read by a thread as they come, each with the time it came."""

    def __init__(self, pipe):
        self.lines = []
        self.thread = threading.Thread(target=self._read, args=(pipe,), daemon=True)
        self.thread.start()

    def _read(self, pipe):
        for line in pipe:
            self.lines.append((time.monotonic(), line.decode(errors="replace")))

    def finish(self, limit=COMMAND_LIMIT):
        """Waits for the pipe's end (every writer gone)."""
        self.thread.join(limit)
        check(not self.thread.is_alive(), f"a pipe stayed open {limit} s after its writers were killed")

    def text(self):
        return "".join(line for _, line in self.lines)

    def when(self, pattern):
        """When the first line that matches pattern came, or None."""
        return next((at for at, line in self.lines if re.search(pattern, line)), None)


def set_link(host, state):
    """Sets host's port of the bridge up or down: down, the host's processes
    live on and nothing reaches them, as when its cable is pulled."""
    run(["ip", "-n", BRIDGE, "link", "set", host, state])


def no_process_left(case, hosts=HOSTS):
    """Every host's processes end soon after a run: none is left behind."""
    deadline = time.monotonic() + GONE_LIMIT
    for host in hosts:
        while pids := pids_of(namespace(host)):
            if time.monotonic() > deadline:
                left = ", ".join(f"{pid} {describe(pid)}" for pid in pids)
                raise Failure(f"{case}: processes left on {host} {GONE_LIMIT} s after the run: {left}")
            time.sleep(0.02)


def rank_hosts(err):
    """{rank: host} from the --stats lines of the last run in err ('0_h1 ...')."""
    last = err.rsplit("; starting it again", 1)[-1]
    return {int(rank): host for rank, host in re.findall(r"^(\d+)_(\S+) \d+% user time", last, re.MULTILINE)}


# --- the cases -----------------------------------------------------------------

def case_frames(cluster, args):
    before = bridge_bytes()
    argv = ["mpirun", "-n", "3", "--host", ",".join(HOSTS), "--map-by", "node", "--bind-to", "none",
            "--mca", "btl", "self,tcp", args.frames, "--stats"]
    status, out, err = cluster.run(argv)
    after = bridge_bytes()
    check(status == 0, f"frame_reduce failed with exit status {status}", out, err)
    check(out.strip() == args.frames_answer, f"frame_reduce printed {out.strip()!r}, not {args.frames_answer!r}",
          out, err)
    placed = rank_hosts(err)
    check(placed == {0: "h1", 1: "h2", 2: "h3"}, f"ranks ran on {placed}, not 0, 1, 2 on h1, h2, h3", out, err)
    crossed = {host: (after[host][0] - before[host][0], after[host][1] - before[host][1]) for host in HOSTS}
    for host, (sent, received) in crossed.items():
        check(sent >= MINIMUM_BYTES and received >= MINIMUM_BYTES,
              f"{host} sent {sent} and received {received} bytes through the bridge, less than "
              f"{MINIMUM_BYTES} each way", out, err)
    return "the exact answer from ranks on h1, h2, h3; KiB sent/received through the bridge: " + ", ".join(
        f"{host} {sent // 1024}/{received // 1024}" for host, (sent, received) in crossed.items())


def case_hostfile(cluster, args):
    hostfile = cluster.file("hostfile", "# a head node with one slot, then two hosts with two\nh1\nh2,h3 cpus=2\n")
    runs = ((None, 3, ["h1", "h2", "h3"]), (5, 5, ["h1", "h2", "h3", "h2", "h3"]))
    for asked, ranks, hosts in runs:
        argv = [args.launcher, "run", "--hostfile", hostfile, *(["-n", str(asked)] if asked else []),
                "--", args.frames, "--stats"]
        status, out, err = cluster.run(argv)
        what = f"jobstream run {'-n ' + str(asked) if asked else 'without -n'}"
        check(status == 0, f"{what} failed with exit status {status}", out, err)
        check(re.search(rf"^jobstream run: mpirun -n {ranks} --host h1,h2:2,h3:2 --map-by node ", err, re.MULTILINE),
              f"{what} did not start 'mpirun -n {ranks} --host h1,h2:2,h3:2 --map-by node'", out, err)
        check(out.strip() == args.frames_answer, f"{what} printed {out.strip()!r}, not {args.frames_answer!r}",
              out, err)
        placed = rank_hosts(err)
        check(placed == dict(enumerate(hosts)), f"{what}: ranks ran on {placed}, not {dict(enumerate(hosts))}",
              out, err)
    # One rank more than the slots: mpirun refuses it, and no rank starts.
    argv = [args.launcher, "run", "--hostfile", hostfile, "-n", "6", "--", args.frames, "--stats"]
    status, out, err = cluster.run(argv)
    check(status != 0 and "not enough slots" in err and not out.strip() and not rank_hosts(err),
          f"jobstream run -n 6 on 5 slots: exit status {status}, not a refusal for want of slots", out, err)
    return "ranks on h1, h2, h3 by default; h1, h2, h3, h2, h3 at -n 5; -n 6 refused for want of slots"


def check_resumed_once(checkpoint, out, err):
    """The launcher started the run again once, from the checkpoint, which
    is gone after the run succeeded."""
    restarts, resumed = launcher_retries(err)
    check(restarts == 1 and resumed == 1,
          f"the launcher started the run again {restarts} times, {resumed} of them from the checkpoint, "
          "not once from it", out, err)
    check("jobstream: resuming from checkpoint" in err, "the retry did not say it resumed", out, err)
    check(not os.path.exists(checkpoint), "the checkpoint is still there after the run succeeded", out, err)


def lost_host(cluster, args, victim, victim_rank):
    checkpoint = os.path.join(cluster.work, "run.ckpt")
    hostfile = cluster.file("hostfile.lost", "h2,h3\n")
    argv = [args.launcher, "run", "--hostfile", hostfile, "-c", checkpoint, "--retries", "3", "--retry-delay", "0",
            "--", args.fault, "--checkpoint-interval", "0.2", "--stats"]
    started = time.monotonic()
    process = cluster.start_until_checkpoint(argv, checkpoint)
    killed = kill_host(namespace(victim))
    at = time.monotonic() - started
    status, out, err = cluster.wait(process, argv)
    what = ", ".join(sorted(set(killed.values())))
    check(f"rank {victim_rank} (" in what and "orted" in what,
          f"the processes killed on {victim} were {what}: not its Open MPI daemon and rank {victim_rank}", out, err)
    check(status == 0, f"the launcher failed with exit status {status} after {victim} was lost", out, err)
    check(out.strip() == args.fault_answer, f"printed {out.strip()!r}, not {args.fault_answer!r}", out, err)
    check_resumed_once(checkpoint, out, err)
    placed = rank_hosts(err)
    check(placed == {0: "h2", 1: "h3"}, f"the retry's ranks ran on {placed}, not 0, 1 on h2, h3", out, err)
    return f"killed {what} on {victim} {at:.1f} s in, after the first checkpoint; resumed once, the exact answer"


def case_cut(cluster, args):
    checkpoint = os.path.join(cluster.work, "cut.ckpt")
    hostfile = cluster.file("hostfile.cut", "h2,h3\n")
    argv = [args.launcher, "run", "--hostfile", hostfile, "-c", checkpoint, "--retries", "2", "--retry-delay", "0",
            "--peer-timeout", str(PEER_TIMEOUT), "--", args.fault, "--checkpoint-interval", "0.2", "--stats"]
    started = time.monotonic()
    process = cluster.start_until_checkpoint(argv, checkpoint)
    set_link("h3", "down")
    cut = time.monotonic()
    try:
        status, out_lines, err_lines = cluster.wait_exit(process, argv)
        ended = time.monotonic()
        # The launcher ended what it started on h1 (the stand-in for ssh to
        # h3), and h2's daemon ended with its run; on h3 they live on, cut off.
        try:
            no_process_left("cut, before h3's processes are killed", ["h1", "h2"])
        except Failure as failure:
            kill_hosts()
            out_lines.finish(), err_lines.finish()
            raise Failure(f"{failure}\n--- stdout\n{out_lines.text()}\n--- stderr\n{err_lines.text()}")
        stale = kill_host(namespace("h3"))
        out_lines.finish(), err_lines.finish()
    finally:
        set_link("h3", "up")
    out, err = out_lines.text(), err_lines.text()
    check(status == 0, f"the launcher failed with exit status {status} after h3's link was cut", out, err)
    check(out.strip() == args.fault_answer, f"printed {out.strip()!r}, not {args.fault_answer!r}", out, err)
    noticed = err_lines.when(rf"^jobstream: error: rank 1 on host h3 has not been heard from for {PEER_TIMEOUT} s "
                             r"\(--peer-timeout\), as seen by rank 0 on host h2")
    check(noticed is not None, "no rank said that rank 1 on h3 was not heard from", out, err)
    left_out = re.search(r"^jobstream run: host h3 does not answer \('\S+/agent h3 true' failed with exit status "
                         r"255: agent: cannot reach h3 at 10\.213\.0\.3: no answer within 1 s\); leaving it out: "
                         r"1 host left$", err, re.MULTILINE)
    check(left_out, "the launcher did not say that h3 does not answer and is left out", out, err)
    check("does not answer" not in err.replace(left_out.group(0), ""), "another host was said not to answer", out,
          err)
    retry_command = re.search(r"^jobstream run: mpirun -n 1 --host h2 --map-by node ", err, re.MULTILINE)
    check(retry_command and retry_command.start() > left_out.start(),
          "the launcher did not say the retry's command: mpirun -n 1 --host h2", out, err)
    check_resumed_once(checkpoint, out, err)
    placed = rank_hosts(err)
    check(placed == {0: "h2"}, f"the retry's ranks ran on {placed}, not rank 0 alone on h2", out, err)
    # How the attempt ended: mpirun ended by the launcher 10 s after it
    # reported the abort, or by itself (its keepalives to h3's daemon).
    how = ("the launcher ended mpirun" if "mpirun is still running" in err else "mpirun ended by itself")
    retried = err_lines.when(r"; starting it again")
    phases = {"the cut noticed": (cut, noticed, NOTICE_LIMIT),
              "the retry started": (noticed, retried, RETRY_AFTER_NOTICE_LIMIT),
              "the retry ended": (retried, ended, RETRY_LIMIT)}
    for phase, (since, until, limit) in phases.items():
        check(until - since <= limit, f"{phase} {until - since:.1f} s after the step before it, not within {limit} s",
              out, err)
    what = ", ".join(sorted(set(stale.values()))) or "none"
    return (f"link cut {cut - started:.1f} s in; noticed {noticed - cut:.1f} s later, {how}, h3 left out and the "
            f"retry started {retried - noticed:.1f} s after that, on h2 alone, and ended {ended - retried:.1f} s "
            f"later with the exact answer; on h3, cut off, killed: {what}")


def case_min_hosts(cluster, args):
    checkpoint = os.path.join(cluster.work, "min.ckpt")
    hostfile = cluster.file("hostfile.min", "h2,h3\n")
    argv = [args.launcher, "run", "--hostfile", hostfile, "-c", checkpoint, "--retries", "2", "--retry-delay", "0",
            "--min-hosts", "2", "--", args.fault]
    set_link("h3", "down")
    try:
        status, out, err = cluster.run(argv)
    finally:
        set_link("h3", "up")
    failed = re.findall(r"^jobstream run: the run failed \(exit status (\d+)\)", err, re.MULTILINE)
    check(len(failed) == 1 and status == int(failed[0]) and status != 0,
          f"exit status {status}: not the status of the one run said to have failed ({failed})", out, err)
    check(re.search(r"^jobstream run: host h3 does not answer \(.*\); leaving it out: 1 host left$", err,
                    re.MULTILINE), "the launcher did not say that h3 does not answer", out, err)
    check(re.search(rf"^jobstream run: the run failed \(exit status {status}\); 1 host answers, fewer than "
                    r"--min-hosts 2: not starting it again$", err, re.MULTILINE),
          "the launcher did not say it stops for want of hosts", out, err)
    check(err.count("jobstream run: mpirun ") == 1 and launcher_retries(err) == (0, 0),
          "the launcher started the run again", out, err)
    check(not out.strip(), "the run printed an answer", out, err)
    return f"h3 cut before the run; one run (exit status {status}), then no retry with 1 host of --min-hosts 2"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--work", required=True, help="a folder every host sees (not under /dev/shm)")
    parser.add_argument("--launcher", required=True)
    parser.add_argument("--frames", required=True)
    parser.add_argument("--frames-expect", required=True, help="what frame_reduce prints (a file)")
    parser.add_argument("--fault", required=True)
    parser.add_argument("--fault-answer", required=True)
    parser.add_argument("--only", action="append", metavar="CASE", help="run this case (repeatable); default: all")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # each case's line as it passes
    work = os.path.abspath(args.work)
    if (os.path.realpath(work) + "/").startswith("/dev/shm/"):
        parser.error(f"--work {work}: each host has a /dev/shm of its own")
    if any(c.isspace() or c == ":" for c in work):
        parser.error(f"--work {work!r}: Open MPI splits plm_rsh_agent, the agent's path, at blanks and colons")
    with open(args.frames_expect) as f:
        args.frames_answer = f.read().strip()

    if os.geteuid() != 0:
        print("cluster: skipped: network namespaces need root")
        return SKIP
    for tool in ("ip", "unshare", "mount", "umount", "setsid", "timeout", "mktemp", "bash", "mpirun"):
        if shutil.which(tool) is None:
            print(f"cluster: skipped: no '{tool}'")
            return SKIP

    # A signal or the time limit ends the test through the clean-up below;
    # during the clean-up they are noted, and fail the test after it.
    state = {"cleaning": False, "stopped": None}

    def stop(signum, _frame):
        reason = f"stopped by {signal.Signals(signum).name}" + (
            f" (the time limit of {TIME_LIMIT} s)" if signum == signal.SIGALRM else "")
        if not state["cleaning"]:
            raise Failure(reason)
        state["stopped"] = reason

    for signum in (signal.SIGALRM, signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, stop)
    signal.alarm(TIME_LIMIT)

    lock = None
    status = 1
    try:
        lock = take_lock()
        started = time.monotonic()
        remove_everything(lock, work)  # what a run killed with SIGKILL left
        before = root_state()
        try:
            agent = make_cluster(lock, work)
            print(f"cluster: h1, h2, h3 ready in {time.monotonic() - started:.1f} s")
            cluster = Cluster(agent, work)
            cases = [("frames", lambda: case_frames(cluster, args)),
                     ("hostfile", lambda: case_hostfile(cluster, args)),
                     ("lost-host", lambda: lost_host(cluster, args, "h3", 1)),
                     ("lost-rank0", lambda: lost_host(cluster, args, "h2", 0)),
                     ("cut", lambda: case_cut(cluster, args)),
                     ("min-hosts", lambda: case_min_hosts(cluster, args))]
            unknown = set(args.only or []) - {name for name, _ in cases}
            check(not unknown, f"no such case: {', '.join(sorted(unknown))}")
            for name, case in cases:
                if args.only and name not in args.only:
                    continue
                case_started = time.monotonic()
                detail = case()
                no_process_left(name)
                print(f"{name}: passed in {time.monotonic() - case_started:.1f} s: {detail}")
        finally:
            state["cleaning"] = True
            signal.alarm(0)
            remove_everything(lock, work)
        check(state["stopped"] is None, f"{state['stopped']} while cleaning up")
        after = root_state()
        for what in ("namespaces", "links", "mounts"):
            check(after[what] == before[what],
                  f"the root namespace's {what} are not as they were: before {before[what]}, after {after[what]}")
        print(f"cluster: {'the cases asked for' if args.only else 'every case'} passed in "
              f"{time.monotonic() - started:.1f} s; the root namespace is as it was (namespaces, links, mounts)")
        status = 0
    except Skip as skip:
        print(f"cluster: skipped: {skip}")
        status = SKIP
    except Failure as failure:
        print(f"FAILED: {failure}")
    except Exception:  # a command's time limit, or a bug here: still a failure, after the clean-up
        print("FAILED:\n" + traceback.format_exc())
    finally:
        if lock is not None:
            try:
                if not notes(lock):
                    os.unlink(LOCK)
            except OSError:
                pass
            os.close(lock)
    return status


if __name__ == "__main__":
    sys.exit(main())
