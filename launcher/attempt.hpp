// One attempt of `jobstream run`: mpirun started and awaited, with SIGINT
// and SIGTERM passed on to the ranks while it runs.
//
// Why not leave the signals to mpirun: on either, mpirun ends the job itself,
// sending every rank SIGTERM and SIGKILL one second later (Open MPI's
// odls_base_sigkill_timeout), too soon for the checkpoint that a jobstream
// program takes when told to stop. So mpirun runs with both signals blocked
// (a blocked signal stays blocked across exec; Open MPI starts its ranks with
// none blocked), and the launcher sends the signal it receives to each rank
// on its host; the ranks make the whole run, on every host, checkpoint and
// stop (runtime/src/termination/signal_stop.hpp). A signal sent straight to
// the ranks (a batch scheduler signals every process of the job) reaches
// them as it is, and mpirun, signalled too, does not cut their checkpoint
// short.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

#include "launcher.hpp"

namespace jobstream::launcher {

// Runs the command (mpirun) to its end. A SIGINT or SIGTERM that the
// launcher receives meanwhile goes to every rank below it on this host, and
// again for each repeat (a second SIGINT stops a jobstream program at once);
// one that comes before any rank has started goes to them when they do, and
// a repeat of it before then ends mpirun at once. Each is said on stderr, and
// the outcome records it: the user stopped this run.
//
// An mpirun that outlives its ranks on this host by `outlive` is ended
// (SIGKILL), and the run counts as failed (exit status 1): once a rank has
// failed, MPI_Abort ends the others, but mpirun then waits for the daemon of
// a host that stopped answering until TCP gives up, which takes minutes. (A
// run that goes well keeps its ranks alive until all of them are done: MPI's
// finalisation waits for every rank.)
//
// With `watchAbort` (a run with hosts, whose ranks may all be elsewhere:
// the launcher on a head node has none to watch), mpirun's stderr passes
// through the launcher, which notes Open MPI's report that a rank called
// MPI_Abort ("MPI_ABORT was invoked"); an mpirun still running `outlive`
// after it is ended the same way. Once a rank has aborted, mpirun ends the
// job's processes on every host within a second or two where it can reach
// them; a host whose link was cut never answers, and TCP holds mpirun's
// message to it for a quarter of an hour, keepalives or not (they only
// probe an idle connection). An mpirun ended either way takes with it the
// processes it started on this host (ssh to the other hosts).
Outcome runCommand(const std::vector<std::string>& command,
                   std::chrono::milliseconds outlive = std::chrono::seconds{10}, bool watchAbort = false);

// Runs a short command (checking a host) with stdin from /dev/null, its
// stdout and stderr collected (the last 4 KiB), in a process group of its
// own; at `limit`, SIGKILL to that group (the command and what it started)
// and a result that says it timed out.
CommandResult runWithTimeout(const std::vector<std::string>& command, std::chrono::milliseconds limit);

// The processes below `pid` (its children, theirs, ...) that are ranks of an
// MPI launch: their environment names their rank (OMPI_COMM_WORLD_RANK,
// PMIX_RANK or PMI_RANK). Read from /proc; processes of other users are not
// seen.
std::vector<pid_t> ranksBelow(pid_t pid);

// Every process below `pid`: its children, theirs, ... (from /proc).
std::vector<pid_t> processesBelow(pid_t pid);

}  // namespace jobstream::launcher
