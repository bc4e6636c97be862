// `jobstream run`, piece by piece: hosts, its command line, the mpirun
// command it builds, the retry loop with a fake runner, checking hosts
// before a retry (the launch agent, fake and real commands), finding the
// ranks below mpirun, an mpirun that outlives an abort, and removing what a
// run killed hard left in shared memory.
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
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "attempt.hpp"
#include "launcher.hpp"
#include "shared_memory.hpp"

namespace jstest {
namespace {

using jobstream::launcher::CommandResult;
using jobstream::launcher::Host;
using jobstream::launcher::HostAnswer;
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
                                  "--min-hosts", "2", "--", "./prog", "--threads", "2", "x"});
  EXPECT_EQ(options.ranks, 4);
  EXPECT_EQ(options.minHosts, 2);
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
  EXPECT_EQ(defaults.minHosts, 1);
  EXPECT_EQ(parsed({"--min-hosts", "3", "--", "./prog"}).minHosts, 3);  // without hosts: accepted, unused
}

// One parse of the whole command line answers help, version and commands.
TEST(LauncherCommandLine, HelpVersionAndCommands) {
  EXPECT_THAT(std::get<std::string>(command({"--version"})), testing::StartsWith("jobstream "));
  EXPECT_THAT(std::get<std::string>(command({"--help"})), HasSubstr("usage: jobstream run"));
  EXPECT_THAT(std::get<std::string>(command({"run", "--help"})), HasSubstr("--retry-delay"));
  EXPECT_THAT(std::get<std::string>(command({"run", "--help"})), HasSubstr("--min-hosts"));
  EXPECT_THAT(std::get<std::string>(command({"--help"})), HasSubstr("[--min-hosts N]"));
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
  EXPECT_EQ(usageErrorOf([] { parsed({"--min-hosts", "0", "--", "p"}); }),
            "--min-hosts: '0' is not a whole number of hosts from 1 up");
  EXPECT_EQ(usageErrorOf([] { parsed({"--min-hosts", "1.5", "--", "p"}); }),
            "--min-hosts: '1.5' is not a whole number of hosts from 1 up");
  EXPECT_EQ(usageErrorOf([] { parsed({"--min-hosts", "all", "--", "p"}); }),
            "--min-hosts: 'all' is not a whole number of hosts from 1 up");
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

// Runs the retry loop over scripted outcomes; records the commands run, the
// waits, and the host lists checked.
struct Scripted {
  explicit Scripted(std::vector<Outcome> scripted) : outcomes(std::move(scripted)) {}
  std::vector<Outcome> outcomes;
  std::size_t runs = 0;
  std::vector<std::vector<std::string>> commands;
  std::vector<std::chrono::milliseconds> waits;
  std::ostringstream log;
  std::function<void(std::size_t)> onRun;  // before each run, with its number
  Options options = [] {
    Options defaults;
    defaults.retryDelay = 100ms;
    defaults.program = {"./prog"};
    return defaults;
  }();
  // Before a retry, with hosts: which hosts do not answer, and why.
  std::map<std::string, std::string> silent;
  std::vector<std::vector<std::string>> checked;  // the host names of each check

  int operator()(int retries, std::string checkpoint = {}) {
    options.checkpoint = std::move(checkpoint);
    options.retries = retries;
    return jobstream::launcher::runWithRetries(
        options, "mpirun", {},
        [this](const std::vector<std::string>& command) {
          if (onRun) onRun(runs);
          commands.push_back(command);
          return outcomes.at(runs++);
        },
        [this](std::chrono::milliseconds wait) { waits.push_back(wait); }, log,
        [this](const std::vector<Host>& hosts) {
          std::vector<HostAnswer> answers;
          checked.emplace_back();
          for (const Host& host : hosts) {
            checked.back().push_back(host.name);
            const auto why = silent.find(host.name);
            answers.push_back(why == silent.end() ? HostAnswer{host, true, ""} : HostAnswer{host, false, why->second});
          }
          return answers;
        });
  }
};

TEST(LauncherRetries, ASuccessIsNotRunAgain) {
  Scripted script({Outcome{0, 0}});
  EXPECT_EQ(script(3), 0);
  EXPECT_EQ(script.runs, 1u);
  EXPECT_EQ(script.log.str(), "");  // the caller announced the command
  EXPECT_THAT(script.commands,
              ElementsAre(ElementsAre("mpirun", "-n", "1", "--map-by", "node", "--bind-to", "none", "./prog")));
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

// With hosts, a retry runs on those that answer: the others are said and
// left out for good, and the rank count follows the hosts unless -n was given.
TEST(LauncherHostCheck, ARetryLeavesOutTheHostsThatDoNotAnswer) {
  Scripted script({Outcome{1, 0}, Outcome{0, SIGKILL}, Outcome{0, 0}});
  script.options.hosts = {Host{"a", 4}, Host{"b", std::nullopt}, Host{"c", std::nullopt}};
  script.silent = {{"b", "'ssh b true' timed out after 10 s"}};
  EXPECT_EQ(script(3), 0);
  // Checked before each retry, never before the first run; b not again.
  EXPECT_THAT(script.checked, ElementsAre(ElementsAre("a", "b", "c"), ElementsAre("a", "c")));
  ASSERT_EQ(script.commands.size(), 3u);
  EXPECT_THAT(script.commands[0], testing::IsSupersetOf({"-n", "3", "a:4,b,c"}));
  EXPECT_THAT(script.commands[1], testing::IsSupersetOf({"-n", "2", "a:4,c"}));
  EXPECT_EQ(script.commands[1][2], "2");
  EXPECT_EQ(script.commands[2], script.commands[1]);
  const std::string log = script.log.str();
  EXPECT_THAT(log, HasSubstr("jobstream run: host b does not answer ('ssh b true' timed out after 10 s); leaving it "
                             "out: 2 hosts left\n"
                             "jobstream run: the run failed (exit status 1); starting it again in 0.1 s (retry 1 of "
                             "3)\n"
                             "jobstream run: mpirun -n 2 --host a:4,c --map-by node --bind-to none --mca "
                             "oob_tcp_keepalive_time 30 --mca oob_tcp_keepalive_intvl 6 --mca "
                             "oob_tcp_keepalive_probes 3 ./prog\n"));
  // Every host answers: nothing more is said, the command is the same.
  EXPECT_THAT(log, HasSubstr("the run failed (killed by signal 9 (Killed)); starting it again in 0.2 s (retry 2 of "
                             "3)\njobstream run: the run succeeded after 2 retries\n"));
  EXPECT_EQ(std::count(log.begin(), log.end(), '\n'), 5);
}

TEST(LauncherHostCheck, RanksGivenWithNStayAndEachHostLeftOutIsCounted) {
  Scripted script({Outcome{1, 0}, Outcome{0, 0}});
  script.options.ranks = 6;
  script.options.hosts = {Host{"a", std::nullopt}, Host{"b", std::nullopt}, Host{"c", std::nullopt},
                          Host{"d", std::nullopt}};
  script.silent = {{"a", "why a"}, {"c", "why c"}};
  EXPECT_EQ(script(1), 0);
  EXPECT_THAT(script.commands[1], testing::IsSupersetOf({"-n", "6", "b,d"}));
  EXPECT_EQ(script.commands[1][2], "6");
  EXPECT_THAT(script.log.str(), HasSubstr("host a does not answer (why a); leaving it out: 3 hosts left\n"
                                          "jobstream run: host c does not answer (why c); leaving it out: 2 hosts "
                                          "left\n"));
}

TEST(LauncherHostCheck, FewerThanMinHostsOrNoneAnsweringEndsTheRetries) {
  Scripted few({Outcome{255, 0}, Outcome{0, 0}});
  few.options.hosts = {Host{"a", std::nullopt}, Host{"b", std::nullopt}, Host{"c", std::nullopt}};
  few.options.minHosts = 3;
  few.silent = {{"c", "why c"}};
  EXPECT_EQ(few(5), 255);  // the last run's status
  EXPECT_EQ(few.runs, 1u);
  EXPECT_TRUE(few.waits.empty());
  EXPECT_EQ(few.log.str(),
            "jobstream run: host c does not answer (why c); leaving it out: 2 hosts left\n"
            "jobstream run: the run failed (exit status 255); 2 hosts answer, fewer than --min-hosts 3: not starting "
            "it again\n");
  Scripted one({Outcome{0, SIGKILL}, Outcome{0, 0}});
  one.options.hosts = {Host{"a", std::nullopt}, Host{"b", std::nullopt}};
  one.options.minHosts = 2;
  one.silent = {{"a", "why a"}};
  EXPECT_EQ(one(5), 128 + SIGKILL);
  EXPECT_THAT(one.log.str(), HasSubstr("; 1 host answers, fewer than --min-hosts 2: not starting it again\n"));
  // Exactly --min-hosts left: the retry runs.
  Scripted enough({Outcome{1, 0}, Outcome{0, 0}});
  enough.options.hosts = one.options.hosts;
  enough.options.minHosts = 1;
  enough.silent = one.silent;
  EXPECT_EQ(enough(5), 0);
  EXPECT_EQ(enough.runs, 2u);
  Scripted none({Outcome{1, 0}, Outcome{0, 0}});
  none.options.hosts = {Host{"a", std::nullopt}, Host{"b", std::nullopt}};
  none.silent = {{"a", "why a"}, {"b", "why b"}};
  EXPECT_EQ(none(5), 1);
  EXPECT_EQ(none.runs, 1u);
  EXPECT_THAT(none.log.str(), HasSubstr("leaving it out: 0 hosts left\n"
                                        "jobstream run: the run failed (exit status 1); no host answers: not starting "
                                        "it again\n"));
}

TEST(LauncherHostCheck, NoCheckWithoutHostsNorWithoutARetry) {
  Scripted local({Outcome{1, 0}, Outcome{0, 0}});
  local.options.minHosts = 5;  // accepted, and meaningless without hosts
  EXPECT_EQ(local(1), 0);
  EXPECT_TRUE(local.checked.empty());
  // Retries spent, a refusal, a stop: no retry, so no check.
  for (const auto& [last, retries] : {std::pair{Outcome{1, 0}, 0}, {Outcome{2, 0}, 3}, {Outcome{143, 0}, 3}}) {
    Scripted script({last, Outcome{0, 0}});
    script.options.hosts = {Host{"a", std::nullopt}};
    script.silent = {{"a", "why a"}};
    EXPECT_NE(script(retries), 0);
    EXPECT_EQ(script.runs, 1u);
    EXPECT_TRUE(script.checked.empty());
    EXPECT_THAT(script.log.str(), testing::Not(HasSubstr("does not answer")));
  }
}

// A folder of executable stand-ins, removed at the end.
struct Folder {
  Folder() : path(std::filesystem::temp_directory_path() / ("launcher-agent-" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~Folder() { std::filesystem::remove_all(path); }
  std::string make(const std::string& name, bool executable = true) {
    const std::filesystem::path file = path / name;
    std::ofstream(file) << "#!/bin/sh\n";
    std::filesystem::permissions(file, executable ? std::filesystem::perms::owner_all
                                                  : std::filesystem::perms::owner_read);
    return file.string();
  }
  std::filesystem::path path;
};

// As Open MPI picks it: the setting's first alternative found, else ssh.
TEST(LauncherHostCheck, TheLaunchAgentIsOpenMpisChoice) {
  using jobstream::launcher::launchAgent;
  Folder bin;
  const std::string path = "PATH=/nonexistent:" + bin.path.string();
  EXPECT_THAT(launchAgent({path}), ElementsAre("ssh")) << "neither ssh nor rsh: the first of Open MPI's default";
  bin.make("rsh");
  EXPECT_THAT(launchAgent({path}), ElementsAre("rsh"));  // Open MPI's default is "ssh : rsh"
  bin.make("ssh");
  EXPECT_THAT(launchAgent({path}), ElementsAre("ssh"));
  bin.make("qrsh", false);  // not executable: not found
  const std::string agent = bin.make("my agent");
  EXPECT_THAT(launchAgent({path, "OMPI_MCA_plm_rsh_agent=qrsh -inherit : ssh -p 2222 -q"}),
              ElementsAre("ssh", "-p", "2222", "-q"));
  EXPECT_THAT(launchAgent({"OMPI_MCA_plm_rsh_agent= nosuch -x :\t" + bin.path.string() + "/rsh\t-l  me ", path}),
              ElementsAre(bin.path.string() + "/rsh", "-l", "me"));
  EXPECT_THAT(launchAgent({path, "OMPI_MCA_plm_rsh_agent=nosuch -x : other"}), ElementsAre("nosuch", "-x"))
      << "none found: the first, which fails as mpirun does";
  EXPECT_THAT(launchAgent({path, "OMPI_MCA_plm_rsh_agent= : "}), ElementsAre("ssh"));
  // Open MPI's older names for it, after its own.
  EXPECT_THAT(launchAgent({path, "OMPI_MCA_orte_rsh_agent=rsh"}), ElementsAre("rsh"));
  EXPECT_THAT(launchAgent({path, "OMPI_MCA_pls_rsh_agent=rsh"}), ElementsAre("rsh"));
  EXPECT_THAT(launchAgent({path, "OMPI_MCA_orte_rsh_agent=rsh", "OMPI_MCA_plm_rsh_agent=ssh"}), ElementsAre("ssh"));
  EXPECT_THAT(launchAgent({path, "OMPI_MCA_plm_rsh_agent_extra=rsh"}), ElementsAre("ssh"));
}

TEST(LauncherHostCheck, OnlySshGetsBatchModeAndAConnectTimeout) {
  using jobstream::launcher::hostCheckCommand;
  EXPECT_THAT(hostCheckCommand({"ssh"}, "h3"),
              ElementsAre("ssh", "-o", "BatchMode=yes", "-o", "ConnectTimeout=5", "h3", "true"));
  EXPECT_THAT(hostCheckCommand({"/usr/bin/ssh", "-p", "2222"}, "h3"),
              ElementsAre("/usr/bin/ssh", "-p", "2222", "-o", "BatchMode=yes", "-o", "ConnectTimeout=5", "h3", "true"));
  EXPECT_THAT(hostCheckCommand({"/opt/agent", "-x"}, "node7"), ElementsAre("/opt/agent", "-x", "node7", "true"));
  EXPECT_THAT(hostCheckCommand({"rsh"}, "node7"), ElementsAre("rsh", "node7", "true"));
}

// checkHosts over a fake runner: whether each host answers and why not.
TEST(LauncherHostCheck, AHostAnswersWhenItsCheckSucceedsInTime) {
  const std::vector<Host> hosts = {Host{"up", 2}, Host{"refused", std::nullopt}, Host{"hung", std::nullopt},
                                   Host{"killed", std::nullopt}, Host{"quiet", std::nullopt}};
  std::mutex lock;
  std::vector<std::vector<std::string>> commands;
  std::vector<std::chrono::milliseconds> limits;
  const auto runner = [&](const std::vector<std::string>& command, std::chrono::milliseconds limit) {
    {
      std::lock_guard<std::mutex> hold(lock);
      commands.push_back(command);
      limits.push_back(limit);
    }
    const std::string& host = command.at(command.size() - 2);
    if (host == "up") return CommandResult{0, 0, false, "a banner\n"};
    if (host == "refused")
      return CommandResult{255, 0, false,
                           "Warning: something\nssh: connect to host refused port 22: Connection refused\r\n\n"};
    if (host == "hung") return CommandResult{0, 0, true, "partial"};
    if (host == "killed") return CommandResult{0, SIGKILL, false, ""};
    return CommandResult{1, 0, false, ""};
  };
  const std::vector<HostAnswer> answers = jobstream::launcher::checkHosts(hosts, {"ssh"}, runner, 2500ms);
  ASSERT_EQ(answers.size(), hosts.size());
  for (std::size_t i = 0; i != hosts.size(); ++i) EXPECT_EQ(answers[i].host, hosts[i]);  // in order
  EXPECT_TRUE(answers[0].answers);
  EXPECT_EQ(answers[0].why, "");
  const std::string ssh = "ssh -o BatchMode=yes -o ConnectTimeout=5 ";
  EXPECT_FALSE(answers[1].answers);
  EXPECT_EQ(answers[1].why, "'" + ssh + "refused true' failed with exit status 255: ssh: connect to host refused "
                                        "port 22: Connection refused");
  EXPECT_FALSE(answers[2].answers);
  EXPECT_EQ(answers[2].why, "'" + ssh + "hung true' timed out after 2.5 s");
  EXPECT_FALSE(answers[3].answers);
  EXPECT_EQ(answers[3].why, "'" + ssh + "killed true' was killed by signal 9 (Killed)");
  EXPECT_EQ(answers[4].why, "'" + ssh + "quiet true' failed with exit status 1");
  EXPECT_EQ(commands.size(), hosts.size());
  EXPECT_THAT(limits, testing::Each(2500ms));
  EXPECT_TRUE(jobstream::launcher::checkHosts({}, {"ssh"}, runner).empty());
}

// Hosts are checked at the same time, so that hosts that do not answer
// cost one time limit, not one each.
TEST(LauncherHostCheck, HostsAreCheckedAtOnce) {
  std::vector<Host> hosts;
  for (int i = 0; i != 8; ++i) hosts.push_back(Host{"h" + std::to_string(i), std::nullopt});
  std::atomic<int> running{0};
  std::atomic<int> most{0};
  const auto runner = [&](const std::vector<std::string>&, std::chrono::milliseconds) {
    const int now = ++running;
    for (int seen = most.load(); now > seen && !most.compare_exchange_weak(seen, now);) {
    }
    // Waits for the others, for 5 s at most (one at a time: 40 s).
    for (int i = 0; i != 500 && most.load() < 8; ++i) std::this_thread::sleep_for(10ms);
    --running;
    return CommandResult{0, 0, true, ""};
  };
  const auto start = std::chrono::steady_clock::now();
  const std::vector<HostAnswer> answers = jobstream::launcher::checkHosts(hosts, {"ssh"}, runner);
  EXPECT_EQ(most.load(), 8);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 4s);
  EXPECT_EQ(std::count_if(answers.begin(), answers.end(), [](const HostAnswer& a) { return !a.answers; }), 8);
}

bool gone(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto close = stat.rfind(')');
  return close == std::string::npos || stat.compare(close, 4, ") Z ") == 0;  // no process, or a zombie
}

// runWithTimeout with real commands: status, signal, output, the time limit.
TEST(LauncherHostCheck, ACommandWithATimeLimit) {
  using jobstream::launcher::runWithTimeout;
  CommandResult result = runWithTimeout({"sh", "-c", "echo out; echo err >&2; read line; exit 3"}, 5s);
  EXPECT_EQ(result.status, 3);  // stdin is /dev/null: `read` does not wait
  EXPECT_FALSE(result.timedOut);
  EXPECT_EQ(result.output, "out\nerr\n");
  result = runWithTimeout({"sh", "-c", "kill -9 $$"}, 5s);
  EXPECT_EQ(result.signal, SIGKILL);
  EXPECT_FALSE(result.succeeded());
  result = runWithTimeout({"/nonexistent/agent", "h1", "true"}, 5s);
  EXPECT_EQ(result.status, 127);
  EXPECT_THAT(result.output, HasSubstr("cannot start '/nonexistent/agent': No such file or directory"));
  EXPECT_TRUE(runWithTimeout({"true"}, 5s).succeeded());
  // Past the limit: the command and what it started are killed.
  auto start = std::chrono::steady_clock::now();
  result = runWithTimeout({"sh", "-c", "sleep 30 & echo $!; wait"}, 300ms);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
  EXPECT_TRUE(result.timedOut);
  EXPECT_FALSE(result.succeeded());
  const pid_t started = std::atoi(result.output.c_str());
  ASSERT_GT(started, 0) << result.output;
  bool ended = false;
  for (int i = 0; i != 200 && !ended; ++i) {
    ended = gone(started);
    if (!ended) std::this_thread::sleep_for(10ms);
  }
  EXPECT_TRUE(ended) << "the command's child outlived the time limit";
  // Ended in time, but left something holding its output: not waited for.
  start = std::chrono::steady_clock::now();
  result = runWithTimeout({"sh", "-c", "sleep 30 & echo $!"}, 10s);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
  EXPECT_TRUE(result.succeeded());
  const pid_t left = std::atoi(result.output.c_str());
  ASSERT_GT(left, 0) << result.output;
  ::kill(left, SIGKILL);
}

// Runs `call` with this process's stderr going to a file; returns what it wrote there.
std::string stderrOf(const std::function<void()>& call) {
  const auto file = std::filesystem::temp_directory_path() / ("launcher-stderr-" + std::to_string(::getpid()));
  const int saved = ::dup(STDERR_FILENO);
  const int into = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  ::dup2(into, STDERR_FILENO);
  ::close(into);
  call();
  std::cerr.flush();
  ::dup2(saved, STDERR_FILENO);
  ::close(saved);
  std::ifstream in(file);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::filesystem::remove(file);
  return text;
}

// With hosts, an mpirun that reported an MPI_Abort and goes on (for a host
// that stopped answering) is ended, with what it started here; its stderr
// passes through whole.
TEST(LauncherAttempt, AnMpirunThatOutlivesAnAbortIsEnded) {
  using jobstream::launcher::runCommand;
  // A stand-in for mpirun: says so in two pieces, its "ssh" hangs on.
  const std::string script =
      "sleep 30 & echo $! > \"$0\"; printf 'note\\nMPI_ABO' >&2; sleep 0.2; printf 'RT was invoked on rank 0\\n' >&2; "
      "sleep 30";
  const auto pidFile = std::filesystem::temp_directory_path() / ("launcher-ssh-" + std::to_string(::getpid()));
  Outcome outcome;
  auto start = std::chrono::steady_clock::now();
  std::string err = stderrOf([&] { outcome = runCommand({"sh", "-c", script, pidFile.string()}, 1s, true); });
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(outcome.status, 1);
  EXPECT_EQ(outcome.signal, 0);
  EXPECT_GT(took, 1s);
  EXPECT_LT(took, 6s);
  EXPECT_THAT(err, HasSubstr("note\nMPI_ABORT was invoked on rank 0\n"));
  EXPECT_THAT(err, HasSubstr("jobstream run: mpirun is still running 1 s after it reported that a rank called "
                             "MPI_Abort (a host it waits for may have stopped answering); ending it\n"));
  std::ifstream in(pidFile);
  pid_t ssh = 0;
  in >> ssh;
  std::filesystem::remove(pidFile);
  ASSERT_GT(ssh, 0);
  bool ended = false;
  for (int i = 0; i != 200 && !ended; ++i) {
    ended = gone(ssh);
    if (!ended) std::this_thread::sleep_for(10ms);
  }
  EXPECT_TRUE(ended) << "what mpirun started here outlived it";
  // Without the watch (no hosts), or without an abort, it runs to its end.
  start = std::chrono::steady_clock::now();
  err = stderrOf([&] {
    outcome = runCommand({"sh", "-c", "echo 'MPI_ABORT was invoked' >&2; sleep 2.2; exit 5"}, 1s, false);
  });
  EXPECT_EQ(outcome.status, 5);
  EXPECT_GT(std::chrono::steady_clock::now() - start, 2s);
  err = stderrOf([&] { outcome = runCommand({"sh", "-c", "echo 'all is well' >&2; sleep 0.2; exit 0"}, 1s, true); });
  EXPECT_TRUE(outcome.succeeded());
  EXPECT_EQ(err, "all is well\n");
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
