// `jobstream run`, piece by piece: hosts, its command line, the mpirun
// command it builds, and the retry loop with a fake runner, hosts checked
// before a retry included. What it does with real processes (the launch
// agent, commands with a time limit, mpirun's stderr, /dev/shm):
// test_launcher_processes.cpp.
// Real runs under mpirun are in tests/e2e/launcher_test.sh and
// tests/e2e/signal_stop_test.py.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "attempt.hpp"
#include "launcher.hpp"

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

}  // namespace
}  // namespace jstest
