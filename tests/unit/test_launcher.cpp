// `jobstream run`, piece by piece: hosts, its command line, the mpirun
// command it builds, the retry loop with a fake runner, finding the ranks
// below mpirun, and removing what a run killed hard left in shared memory.
// Real runs under mpirun are in tests/e2e/launcher_test.sh and
// tests/e2e/signal_stop_test.py.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "attempt.hpp"
#include "launcher.hpp"
#include "shared_memory.hpp"

namespace jstest {
namespace {

using jobstream::launcher::Host;
using jobstream::launcher::Options;
using jobstream::launcher::Outcome;
using jobstream::launcher::UsageError;
using testing::Contains;
using testing::ElementsAre;
using testing::HasSubstr;
using namespace std::chrono_literals;

std::string usageErrorOf(const std::function<void()>& call) {
  try {
    call();
  } catch (const UsageError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no UsageError";
  return {};
}

TEST(LauncherHosts, OneLineWithCpus) {
  EXPECT_THAT(jobstream::launcher::parseHosts("h1,h2 cpus=4", "--host"),
              ElementsAre(Host{"h1", 4}, Host{"h2", 4}));
  EXPECT_THAT(jobstream::launcher::parseHosts("solo", "--host"), ElementsAre(Host{"solo", std::nullopt}));
}

TEST(LauncherHosts, AHostfileKeepsOrderCommentsAndPerLineCpus) {
  const std::string text =
      "# the cluster\n"
      "node1 cpus=8   # rank 0 runs here\n"
      "\n"
      "node2, node3\n"
      "node4 cpus=2\r\n";
  EXPECT_THAT(jobstream::launcher::parseHosts(text, "hostfile 'h'"),
              ElementsAre(Host{"node1", 8}, Host{"node2", std::nullopt}, Host{"node3", std::nullopt},
                          Host{"node4", 2}));
}

TEST(LauncherHosts, MistakesSayWhereAndWhat) {
  using jobstream::launcher::parseHosts;
  EXPECT_EQ(usageErrorOf([] { parseHosts("a\nb\na", "hostfile 'h'"); }), "hostfile 'h', line 3: host 'a' is listed twice");
  EXPECT_EQ(usageErrorOf([] { parseHosts("a cpus=0", "--host"); }),
            "--host, line 1: 'cpus=0' is not a positive number of CPUs");
  EXPECT_EQ(usageErrorOf([] { parseHosts("a cpus=4x", "--host"); }),
            "--host, line 1: 'cpus=4x' is not a positive number of CPUs");
  EXPECT_EQ(usageErrorOf([] { parseHosts("a maxCpu=2", "--host"); }),
            "--host, line 1: unknown setting 'maxCpu=2'; the only one is cpus=N");
  EXPECT_EQ(usageErrorOf([] { parseHosts("cpus=2", "--host"); }), "--host, line 1: cpus= needs hosts before it on its line");
  EXPECT_EQ(usageErrorOf([] { parseHosts("# nobody\n", "hostfile 'h'"); }), "hostfile 'h' lists no host");
}

jobstream::launcher::Command command(std::vector<const char*> words) {
  words.insert(words.begin(), "jobstream");
  return jobstream::launcher::parseCommandLine(static_cast<int>(words.size()), words.data());
}

Options parsed(std::vector<const char*> words) {
  words.insert(words.begin(), "run");
  return std::get<Options>(command(words));
}

TEST(LauncherCommandLine, OptionsThenTheProgram) {
  const Options options = parsed({"-n", "4", "--host", "a,b cpus=2", "--retries", "3", "--retry-delay", "0.25",
                                  "--", "./prog", "--threads", "2", "x"});
  EXPECT_EQ(options.ranks, 4);
  EXPECT_THAT(options.hosts, ElementsAre(Host{"a", 2}, Host{"b", 2}));
  EXPECT_EQ(options.retries, 3);
  EXPECT_EQ(options.retryDelay, 250ms);
  EXPECT_THAT(options.program, ElementsAre("./prog", "--threads", "2", "x"));
}

TEST(LauncherCommandLine, WithoutDashesTheProgramStartsAtItsName) {
  EXPECT_THAT(parsed({"./prog", "--threads", "2"}).program, ElementsAre("./prog", "--threads", "2"));
  // A `--` after the program's name is the program's own.
  EXPECT_THAT(parsed({"./prog", "--", "-3"}).program, ElementsAre("./prog", "--", "-3"));
  const Options defaults = parsed({"--", "./prog"});
  EXPECT_FALSE(defaults.ranks.has_value());
  EXPECT_TRUE(defaults.hosts.empty());
  EXPECT_EQ(defaults.retries, 0);
  EXPECT_EQ(defaults.retryDelay, 1000ms);
}

// One parse of the whole command line answers help, version and commands.
TEST(LauncherCommandLine, HelpVersionAndCommands) {
  EXPECT_THAT(std::get<std::string>(command({"--version"})), testing::StartsWith("jobstream "));
  EXPECT_THAT(std::get<std::string>(command({"--help"})), HasSubstr("usage: jobstream run"));
  EXPECT_THAT(std::get<std::string>(command({"run", "--help"})), HasSubstr("--retry-delay"));
  EXPECT_EQ(usageErrorOf([] { command({}); }), "no command given");
  EXPECT_EQ(usageErrorOf([] { command({"walk", "--", "p"}); }), "unknown command 'walk'");
}

TEST(LauncherCommandLine, MistakesAreUsageErrors) {
  EXPECT_THAT(usageErrorOf([] { parsed({"-n", "2"}); }), HasSubstr("no program to run"));
  EXPECT_THAT(usageErrorOf([] { parsed({"--host", "a", "--hostfile", "f", "--", "p"}); }), HasSubstr("excludes"));
  EXPECT_EQ(usageErrorOf([] { parsed({"-n", "0", "--", "p"}); }), "--np: '0' is not a whole number of ranks from 1 up");
  EXPECT_EQ(usageErrorOf([] { parsed({"-n", "2.5", "--", "p"}); }),
            "--np: '2.5' is not a whole number of ranks from 1 up");
  EXPECT_EQ(usageErrorOf([] { parsed({"--retries", "-1", "--", "p"}); }),
            "--retries: '-1' is not a whole number of retries from 0 up");
  EXPECT_EQ(usageErrorOf([] { parsed({"--retry-delay", "soon", "--", "p"}); }),
            "--retry-delay: 'soon' is not a number of seconds from 0 up");
  EXPECT_EQ(parsed({"--retry-delay", "0", "--retries", "0", "--", "p"}).retryDelay, 0ms);
  EXPECT_THAT(usageErrorOf([] { parsed({"--hostfile", "/nonexistent/hosts", "--", "p"}); }),
              HasSubstr("cannot read the hostfile '/nonexistent/hosts'"));
}

TEST(LauncherEnvironment, ForwardsTheRunsVariablesNotTheShellsOrMpis) {
  const std::vector<std::string> environment = {
      "PATH=/usr/bin", "LD_LIBRARY_PATH=/opt/lib", "JOBSTREAM_CHECKPOINT=run.ckpt", "OMP_NUM_THREADS=1",
      "PWD=/home/me", "SHLVL=2", "HOSTNAME=login1", "_=/usr/bin/jobstream", "OMPI_MCA_btl=self",
      "PMIX_RANK=0", "BASH_FUNC_module%%=() { :; }", "WEIRD-NAME=1", "PATH=/duplicate", "TMPDIR=/tmp/job42",
      "XDG_RUNTIME_DIR=/run/user/1000"};
  EXPECT_THAT(jobstream::launcher::forwardedVariables(environment),
              ElementsAre("JOBSTREAM_CHECKPOINT", "LD_LIBRARY_PATH", "OMP_NUM_THREADS", "PATH"));
}

TEST(LauncherMpirun, OneRankPerHostUnbound) {
  Options options;
  options.hosts = {Host{"a", 8}, Host{"b", std::nullopt}};
  options.program = {"./prog", "x"};
  EXPECT_THAT(jobstream::launcher::mpirunCommand(options, "mpirun", {"PATH", "HOME"}),
              ElementsAre("mpirun", "-n", "2", "--host", "a:8,b", "--map-by", "node", "--bind-to", "none", "--mca",
                          "oob_tcp_keepalive_time", "30", "--mca", "oob_tcp_keepalive_intvl", "6", "--mca",
                          "oob_tcp_keepalive_probes", "3", "-x", "PATH", "-x", "HOME", "./prog", "x"));
  options.hosts.clear();
  EXPECT_THAT(jobstream::launcher::mpirunCommand(options, "/opt/mpirun", {}),
              ElementsAre("/opt/mpirun", "-n", "1", "--map-by", "node", "--bind-to", "none", "./prog", "x"));
  options.ranks = 6;
  EXPECT_EQ(jobstream::launcher::mpirunCommand(options, "mpirun", {})[2], "6");
}

TEST(LauncherMpirun, ThePeerTimeoutReachesTheRanksAndSetsMpirunsKeepalives) {
  // mpirun gives up on a silent host's daemon within about 0.8 of the
  // timeout: half of it idle, then three probes a tenth of it apart.
  EXPECT_THAT(jobstream::launcher::keepaliveArguments(60),
              ElementsAre("--mca", "oob_tcp_keepalive_time", "30", "--mca", "oob_tcp_keepalive_intvl", "6", "--mca",
                          "oob_tcp_keepalive_probes", "3"));
  EXPECT_THAT(jobstream::launcher::keepaliveArguments(5),
              ElementsAre("--mca", "oob_tcp_keepalive_time", "3", "--mca", "oob_tcp_keepalive_intvl", "1", "--mca",
                          "oob_tcp_keepalive_probes", "3"));
  EXPECT_THAT(jobstream::launcher::keepaliveArguments(0.2), Contains("1"));
  EXPECT_TRUE(jobstream::launcher::keepaliveArguments(0).empty());  // never: Open MPI's own
  const char* argv[] = {"jobstream", "run", "--host", "a,b", "--peer-timeout", "20", "--", "./prog"};
  Options options = std::get<Options>(jobstream::launcher::parseCommandLine(8, argv));
  EXPECT_EQ(options.peerTimeout, 20);
  // Given: it replaces the shell's JOBSTREAM_PEER_TIMEOUT.
  EXPECT_THAT(jobstream::launcher::mpirunCommand(options, "mpirun", {"JOBSTREAM_PEER_TIMEOUT", "PATH"}),
              ElementsAre("mpirun", "-n", "2", "--host", "a,b", "--map-by", "node", "--bind-to", "none", "--mca",
                          "oob_tcp_keepalive_time", "10", "--mca", "oob_tcp_keepalive_intvl", "2", "--mca",
                          "oob_tcp_keepalive_probes", "3", "-x", "PATH", "-x", "JOBSTREAM_PEER_TIMEOUT=20", "./prog"));
  // Not given: the shell's, forwarded as it is, sets the keepalives.
  ::setenv("JOBSTREAM_PEER_TIMEOUT", "8", 1);
  const char* plain[] = {"jobstream", "run", "--host", "a", "--", "./prog"};
  options = std::get<Options>(jobstream::launcher::parseCommandLine(6, plain));
  ::unsetenv("JOBSTREAM_PEER_TIMEOUT");
  EXPECT_EQ(options.peerTimeout, 8);
  EXPECT_FALSE(options.peerTimeoutGiven);
  EXPECT_THAT(jobstream::launcher::mpirunCommand(options, "mpirun", {"JOBSTREAM_PEER_TIMEOUT"}),
              ElementsAre("mpirun", "-n", "1", "--host", "a", "--map-by", "node", "--bind-to", "none", "--mca",
                          "oob_tcp_keepalive_time", "4", "--mca", "oob_tcp_keepalive_intvl", "1", "--mca",
                          "oob_tcp_keepalive_probes", "3", "-x", "JOBSTREAM_PEER_TIMEOUT", "./prog"));
  EXPECT_EQ(usageErrorOf([] { parsed({"--peer-timeout", "-1", "--", "p"}); }),
            "--peer-timeout: '-1' is not a number of seconds from 0 up");
  EXPECT_EQ(usageErrorOf([] { parsed({"--peer-timeout", "soon", "--", "p"}); }),
            "--peer-timeout: 'soon' is not a number of seconds from 0 up");
}

TEST(LauncherMpirun, TheCheckpointGoesByEnvironmentAsAnAbsolutePath) {
  const char* argv[] = {"jobstream", "run", "-n", "2", "-c", "run.ckpt", "--", "./prog", "--", "-3"};
  Options options = std::get<Options>(jobstream::launcher::parseCommandLine(10, argv));
  const std::string absolute = (std::filesystem::current_path() / "run.ckpt").string();
  EXPECT_EQ(options.checkpoint, absolute);
  // A JOBSTREAM_CHECKPOINT of the shell's is replaced, not forwarded too.
  EXPECT_THAT(jobstream::launcher::mpirunCommand(options, "mpirun", {"PATH", "JOBSTREAM_CHECKPOINT"}),
              ElementsAre("mpirun", "-n", "2", "--map-by", "node", "--bind-to", "none", "-x", "PATH", "-x",
                          "JOBSTREAM_CHECKPOINT=" + absolute, "./prog", "--", "-3"));
}

TEST(LauncherMpirun, TheAnnouncementIsTheCommandAPersonTypesAndTheForwardedNames) {
  Options options;
  options.ranks = 2;
  options.program = {"./prog", "a b"};
  EXPECT_EQ(jobstream::launcher::announcement(options, "mpirun", {"HOME", "PATH"}),
            "jobstream run: mpirun -n 2 --map-by node --bind-to none ./prog 'a b'\n"
            "jobstream run: forwarding 2 variables of this environment to every rank (mpirun -x): HOME PATH\n");
  // The checkpoint is a setting of the command, not a forwarded variable.
  options.checkpoint = "/data/run.ckpt";
  EXPECT_EQ(jobstream::launcher::announcement(options, "mpirun", {"JOBSTREAM_CHECKPOINT", "PATH"}),
            "jobstream run: mpirun -n 2 --map-by node --bind-to none -x JOBSTREAM_CHECKPOINT=/data/run.ckpt "
            "./prog 'a b'\n"
            "jobstream run: forwarding 1 variable of this environment to every rank (mpirun -x): PATH\n");
  EXPECT_EQ(jobstream::launcher::announcement(options, "mpirun", {}),
            "jobstream run: mpirun -n 2 --map-by node --bind-to none -x JOBSTREAM_CHECKPOINT=/data/run.ckpt "
            "./prog 'a b'\n");
}

// Runs the retry loop over scripted outcomes; records the waits.
struct Scripted {
  explicit Scripted(std::vector<Outcome> scripted) : outcomes(std::move(scripted)) {}
  std::vector<Outcome> outcomes;
  std::size_t runs = 0;
  std::vector<std::chrono::milliseconds> waits;
  std::ostringstream log;
  std::function<void(std::size_t)> onRun;  // before each run, with its number

  int operator()(int retries, std::string checkpoint = {}) {
    Options options;
    options.checkpoint = std::move(checkpoint);
    options.retries = retries;
    options.retryDelay = 100ms;
    return jobstream::launcher::runWithRetries(
        options, {"mpirun", "./prog"},
        [this](const std::vector<std::string>&) {
          if (onRun) onRun(runs);
          return outcomes.at(runs++);
        },
        [this](std::chrono::milliseconds wait) { waits.push_back(wait); }, log);
  }
};

TEST(LauncherRetries, ASuccessIsNotRunAgain) {
  Scripted script({Outcome{0, 0}});
  EXPECT_EQ(script(3), 0);
  EXPECT_EQ(script.runs, 1u);
  EXPECT_EQ(script.log.str(), "");  // the caller announced the command
}

TEST(LauncherRetries, FailuresAreRunAgainWithGrowingWaits) {
  Scripted script({Outcome{1, 0}, Outcome{0, SIGKILL}, Outcome{0, 0}});
  EXPECT_EQ(script(3), 0);
  EXPECT_EQ(script.runs, 3u);
  EXPECT_THAT(script.waits, ElementsAre(100ms, 200ms));
  EXPECT_THAT(script.log.str(), HasSubstr("the run failed (exit status 1); starting it again in 0.1 s (retry 1 of 3)"));
  EXPECT_THAT(script.log.str(), HasSubstr("the run failed (killed by signal 9 (Killed)); starting it again in 0.2 s"));
  EXPECT_THAT(script.log.str(), HasSubstr("the run succeeded after 2 retries"));
}

TEST(LauncherRetries, SpentRetriesGiveTheLastStatus) {
  Scripted script({Outcome{1, 0}, Outcome{1, 0}, Outcome{7, 0}});
  EXPECT_EQ(script(2), 7);
  EXPECT_EQ(script.runs, 3u);
  EXPECT_THAT(script.log.str(), HasSubstr("the run failed (exit status 7); giving up after 2 retries"));
  Scripted killed({Outcome{0, SIGSEGV}});
  EXPECT_EQ(killed(0), 128 + SIGSEGV);
  EXPECT_THAT(killed.log.str(), HasSubstr("no retries were asked for (--retries N)"));
}

TEST(LauncherRetries, TheUserStoppingItOrAUsageErrorIsNotRetried) {
  // Killed by the signal, or stopped with its status; or whatever the status
  // (mpirun told to stop exits with 1), the launcher passed a signal on.
  for (const Outcome stopped : {Outcome{0, SIGINT}, Outcome{0, SIGTERM}, Outcome{130, 0}, Outcome{143, 0},
                                Outcome{1, 0, SIGTERM}, Outcome{0, SIGKILL, SIGINT}}) {
    Scripted script({stopped, Outcome{0, 0}});
    EXPECT_NE(script(5), 0);
    EXPECT_EQ(script.runs, 1u);
    EXPECT_THAT(script.log.str(), HasSubstr("not starting it again"));
  }
  Scripted usage({Outcome{2, 0}, Outcome{0, 0}});
  EXPECT_EQ(usage(5), 2);
  EXPECT_EQ(usage.runs, 1u);
  EXPECT_THAT(usage.log.str(), HasSubstr("the program refused its command line or its checkpoint"));
}

TEST(LauncherRetries, ARetrySaysWhetherItResumesFromTheCheckpoint) {
  const auto file = std::filesystem::temp_directory_path() / ("launcher-test-" + std::to_string(::getpid()) + ".ckpt");
  std::filesystem::remove(file);
  Scripted script({Outcome{0, SIGKILL}, Outcome{0, SIGKILL}, Outcome{0, 0}});
  script.onRun = [&](std::size_t run) {
    if (run == 1) std::ofstream(file) << "written by the run";  // the second run writes one
  };
  EXPECT_EQ(script(3, file.string()), 0);
  std::filesystem::remove(file);
  EXPECT_THAT(script.log.str(), HasSubstr("starting it again from the beginning (no checkpoint was written yet) in 0.1 s"));
  EXPECT_THAT(script.log.str(), HasSubstr("starting it again from the checkpoint '" + file.string() + "' in 0.2 s"));
}

// The ranks below a process are those whose environment names their rank;
// their parents (mpirun, a shell) are not.
TEST(LauncherAttempt, TheRanksBelowAProcessAreThoseWithARank) {
  const pid_t child = fork();
  if (child == 0) {
    setpgid(0, 0);
    execl("/bin/sh", "sh", "-c", "OMPI_COMM_WORLD_RANK=0 sleep 30 & PMI_RANK=1 sleep 30 & sleep 30", nullptr);
    _exit(127);
  }
  ASSERT_GT(child, 0);
  std::vector<pid_t> ranks;
  for (int i = 0; i != 500 && ranks.size() != 2; ++i) {
    std::this_thread::sleep_for(10ms);
    ranks = jobstream::launcher::ranksBelow(child);
  }
  kill(-child, SIGKILL);  // the group the child made: it and what it started
  waitpid(child, nullptr, 0);
  EXPECT_EQ(ranks.size(), 2u);
  for (pid_t rank : ranks) EXPECT_NE(rank, child);
  EXPECT_TRUE(jobstream::launcher::ranksBelow(getpid()).empty()) << "a test's own process is no rank";
}

TEST(LauncherSharedMemory, PrefixesAreThisUsersOnThisHost) {
  EXPECT_THAT(jobstream::launcher::segmentPrefixes("node7", 0), ElementsAre("vader_segment.node7.0."));
  EXPECT_THAT(jobstream::launcher::segmentPrefixes("node1.cluster.org", 1000),
              ElementsAre("vader_segment.node1.1000.", "vader_segment.node1.cluster.org.1000."));
}

// Only files of this user's prefix made since the attempt started, that no
// process has open or mapped, are removed.
TEST(LauncherSharedMemory, OnlyTheFailedAttemptsUnusedFilesAreRemoved) {
  namespace fs = std::filesystem;
  const fs::path folder = fs::temp_directory_path() / ("launcher-shm-test-" + std::to_string(getpid()));
  fs::remove_all(folder);
  fs::create_directories(folder);
  const std::string prefix = "vader_segment.host.7.";
  const auto make = [&](const std::string& name) { std::ofstream(folder / name) << std::string(4096, 'x'); };
  make(prefix + "older.0");  // another run's, from before the attempt
  std::this_thread::sleep_for(50ms);  // file times come from a clock of a few ms' grain
  const timespec since = jobstream::launcher::fileClockNow();
  std::this_thread::sleep_for(50ms);
  make(prefix + "1f0001.0");  // the attempt's, left behind
  make(prefix + "1f0001.1");
  make(prefix + "open.0");    // a live run's, open
  make(prefix + "mapped.0");  // a live run's, mapped (its file closed)
  make("vader_segment.otherhost.7.1f0001.0");
  fs::create_directory(folder / (prefix + "folder"));
  const int open = ::open((folder / (prefix + "open.0")).c_str(), O_RDONLY);
  const int forMap = ::open((folder / (prefix + "mapped.0")).c_str(), O_RDWR);
  void* map = mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, forMap, 0);
  ::close(forMap);
  ASSERT_GE(open, 0);
  ASSERT_NE(map, MAP_FAILED);

  std::vector<std::string> removed = jobstream::launcher::removeLeftoverSegments(folder, {prefix}, geteuid(), since);
  std::sort(removed.begin(), removed.end());
  EXPECT_THAT(removed, ElementsAre(prefix + "1f0001.0", prefix + "1f0001.1"));
  for (const std::string& kept : {prefix + "older.0", prefix + "open.0", prefix + "mapped.0",
                                  std::string("vader_segment.otherhost.7.1f0001.0"), prefix + "folder"})
    EXPECT_TRUE(fs::exists(folder / kept)) << kept;
  EXPECT_TRUE(jobstream::launcher::removeLeftoverSegments(folder, {prefix}, geteuid() + 1, since).empty())
      << "another user's files";
  munmap(map, 4096);
  ::close(open);
  fs::remove_all(folder);
}

}  // namespace
}  // namespace jstest
