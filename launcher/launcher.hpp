// `jobstream run`: starts a jobstream program under mpirun with the defaults a
// pipeline wants, and starts it again after a failure until it succeeds or
// the retries are spent, saying on stderr what it does.
//
//   jobstream run [-n N] [--hostfile FILE | --host 'h1,h2 cpus=N'] [-c FILE]
//                 [--retries N] [--retry-delay SECONDS] [--min-hosts N]
//                 [--peer-timeout SECONDS] -- PROG ARGS...
//
// The pieces are plain functions so that tests can check each: reading
// hosts, building mpirun's command line, checking hosts before a retry, and
// the retry loop (with the process runners passed in).
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace jobstream::launcher {

// A mistake in the launcher's own command line or its host list: exit 2.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Host {
  std::string name;
  std::optional<int> cpus;  // slots offered there; none: Open MPI's count
  bool operator==(const Host&) const = default;
};

// job_stream's host format: hosts separated by commas or newlines, `#` starts
// a comment, and `cpus=N` after hosts applies to the hosts before it on that
// line ("h1,h2 cpus=4"). A host listed twice is an error; order is kept, so
// rank 0 runs on the first host.
std::vector<Host> parseHosts(std::string_view text, std::string_view origin);

struct Options {
  std::optional<int> ranks;      // -n; default: one rank per host, or 1
  std::vector<Host> hosts;       // from --host or --hostfile
  std::string checkpoint;        // -c: the program's checkpoint file, made absolute; empty: none
  int retries = 0;               // runs after the first that fails
  std::chrono::milliseconds retryDelay{1000};  // before the first retry; grows linearly
  // --min-hosts: with hosts, no retry once fewer than this many answer.
  int minHosts = 1;
  std::vector<std::string> program;  // PROG ARGS...
  // --peer-timeout as given (passed to every rank), if it was.
  std::optional<std::string> peerTimeoutGiven;
  // The ranks' peer timeout in seconds: --peer-timeout, else
  // JOBSTREAM_PEER_TIMEOUT, else the runtime's default; 0: never.
  double peerTimeout = 60;
};

// Open MPI's keepalive settings for the connections between mpirun and its
// daemons on other hosts, so that mpirun gives up on a host that stopped
// answering within about 0.8 of `peerTimeout` seconds (its default is 8
// minutes): `--mca oob_tcp_keepalive_time T/2 --mca oob_tcp_keepalive_intvl
// T/10 --mca oob_tcp_keepalive_probes 3`, whole seconds, at least 1. None
// for a timeout of 0.
std::vector<std::string> keepaliveArguments(double peerTimeout);

// What a command line asks for: a run, or text to print on stdout and exit
// (--help, --version).
using Command = std::variant<Options, std::string>;

// Parses the launcher's whole command line (argv[0] is the launcher):
// `jobstream run ...`, `jobstream --help`, `jobstream --version`. Throws
// UsageError, also for a missing or unknown command.
Command parseCommandLine(int argc, const char* const* argv);

// The environment variables forwarded to every rank with `-x`: all but the
// ones that describe this shell or this host (PWD, SHLVL, HOSTNAME, TMPDIR, ...),
// exported shell functions, and Open MPI's and PMIx's own (OMPI_*, OPAL_*,
// PMIX_*), which mpirun reads itself.
std::vector<std::string> forwardedVariables(const std::vector<std::string>& environment);

// mpirun's command line: `mpirun -n N [--host h1:c1,h2:c2] --map-by node
// --bind-to none [KEEPALIVES] -x VAR... [-x JOBSTREAM_CHECKPOINT=FILE]
// [-x JOBSTREAM_PEER_TIMEOUT=S] PROG ARGS...`, with keepaliveArguments()
// when hosts are given (a run on this host alone has no daemon elsewhere).
// One rank per host by default: each rank runs a worker thread per core of
// its host, so binding a rank to one core would stop it from using the
// others. The checkpoint goes by environment, whatever PROG's arguments are.
std::vector<std::string> mpirunCommand(const Options& options, const std::string& mpirun,
                                       const std::vector<std::string>& forwarded);

// What the launcher prints before it starts: the mpirun command as a person
// would type it, without the `-x NAME` of each forwarded variable, and a
// line that names those variables.
std::string announcement(const Options& options, const std::string& mpirun,
                         const std::vector<std::string>& forwarded);

// How a run ended: exit status, or the signal that killed it; and whether
// the launcher received SIGINT or SIGTERM meanwhile (attempt.hpp).
struct Outcome {
  int status = 0;
  int signal = 0;
  int stoppedBy = 0;  // SIGTERM or SIGINT, passed on to the ranks: the user stopped the run
  bool succeeded() const { return status == 0 && signal == 0; }
};

// How a short command ended (runWithTimeout, attempt.hpp): its exit status
// or signal, or that it was still running at its time limit; and what it
// printed (stdout and stderr), up to a few KiB.
struct CommandResult {
  int status = 0;
  int signal = 0;
  bool timedOut = false;
  std::string output;
  bool succeeded() const { return status == 0 && signal == 0 && !timedOut; }
};

// Runs a command with a time limit: runWithTimeout, or a test's stand-in.
using CommandRunner =
    std::function<CommandResult(const std::vector<std::string>& command, std::chrono::milliseconds limit)>;

// The launch agent mpirun uses to start its daemons on other hosts, as Open
// MPI chooses it: OMPI_MCA_plm_rsh_agent (or its older names
// OMPI_MCA_orte_rsh_agent, OMPI_MCA_pls_rsh_agent) of `environment`, else
// Open MPI's default "ssh : rsh"; alternatives separated by ':', words by
// blanks; the first alternative whose first word is an executable file
// (found on the environment's PATH unless it holds a '/'). None found: the
// first alternative, which then fails as mpirun would.
std::vector<std::string> launchAgent(const std::vector<std::string>& environment);

// The command that checks a host: `AGENT [-o BatchMode=yes -o
// ConnectTimeout=5] HOST true`, the options only when the agent is ssh (it
// must fail rather than ask for a password, and give up connecting soon).
std::vector<std::string> hostCheckCommand(const std::vector<std::string>& agent, const std::string& host);

// Whether a host answered its check, and if not, why, e.g. "'ssh -o
// BatchMode=yes -o ConnectTimeout=5 h3 true' timed out after 10 s".
struct HostAnswer {
  Host host;
  bool answers = false;
  std::string why;  // empty if it answers
};

// Checks every host at once (at most 16 commands running at a time): a host
// answers when hostCheckCommand() exits with status 0 within `limit`. In
// the order of `hosts`.
std::vector<HostAnswer> checkHosts(const std::vector<Host>& hosts, const std::vector<std::string>& agent,
                                   const CommandRunner& run,
                                   std::chrono::milliseconds limit = std::chrono::seconds{10});

using HostChecker = std::function<std::vector<HostAnswer>(const std::vector<Host>&)>;

// The retry loop: runs mpirunCommand(options, mpirun, forwarded) with `run`
// (runCommand, attempt.hpp) until it succeeds, the user stops it (SIGINT or
// SIGTERM to the launcher or to the run, or exit status 130 or 143), the
// program refuses its command line (exit status 2, a jobstream program's
// usage error, or a checkpoint it refuses), or the retries are spent,
// narrating on `log` (after the announcement, which the caller prints); with
// a checkpoint, it says whether a retry resumes from it. `sleep` waits
// between attempts.
//
// With hosts, before each retry `check` (checkHosts) checks the hosts left:
// one that does not answer is said on `log` and left out of this retry and
// every later one (without -n, the rank count follows: one per host), and
// the command of the retry is said; when fewer than options.minHosts answer,
// or none, it is said and there is no retry. Without hosts, or without
// `check`, there is no check.
//
// Returns the launcher's exit status: 0, the run's last status, or 128 + its
// signal.
int runWithRetries(const Options& options, const std::string& mpirun, const std::vector<std::string>& forwarded,
                   const std::function<Outcome(const std::vector<std::string>&)>& run,
                   const std::function<void(std::chrono::milliseconds)>& sleep, std::ostream& log,
                   const HostChecker& check = {});

// The whole `jobstream` command: `run`, `--help`, `--version`.
int main(int argc, const char* const* argv);

}  // namespace jobstream::launcher
