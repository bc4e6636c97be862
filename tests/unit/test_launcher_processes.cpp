// `jobstream run` and the processes it deals with: the launch agent Open
// MPI would use and the host checks made through it, commands run with a
// time limit, an mpirun that outlives an abort, finding the ranks below
// mpirun, and removing what a run killed hard left in shared memory. (Its
// command line, mpirun's command and the retry loop: test_launcher.cpp.)
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
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
using jobstream::launcher::Outcome;
using testing::ElementsAre;
using testing::HasSubstr;
using namespace std::chrono_literals;

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

// Only files of this user's prefix that were not there when the attempt
// started, that no process has open or mapped, are removed.
TEST(LauncherSharedMemory, OnlyTheFailedAttemptsUnusedFilesAreRemoved) {
  namespace fs = std::filesystem;
  const fs::path folder = fs::temp_directory_path() / ("launcher-shm-test-" + std::to_string(getpid()));
  fs::remove_all(folder);
  fs::create_directories(folder);
  const std::string prefix = "vader_segment.host.7.";
  const auto make = [&](const std::string& name) { std::ofstream(folder / name) << std::string(4096, 'x'); };
  make(prefix + "older.0");  // another run's, from before the attempt
  // No pause here: a file made in the same clock tick as the attempt's
  // start is still told apart (file times could not).
  const jobstream::launcher::SegmentFiles before = jobstream::launcher::segmentFiles(folder, {prefix});
  EXPECT_EQ(before.size(), 1u);
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

  std::vector<std::string> removed = jobstream::launcher::removeLeftoverSegments(folder, {prefix}, geteuid(), before,
                                                                                  std::chrono::milliseconds{0});
  std::sort(removed.begin(), removed.end());
  EXPECT_THAT(removed, ElementsAre(prefix + "1f0001.0", prefix + "1f0001.1"));
  for (const std::string& kept : {prefix + "older.0", prefix + "open.0", prefix + "mapped.0",
                                  std::string("vader_segment.otherhost.7.1f0001.0"), prefix + "folder"})
    EXPECT_TRUE(fs::exists(folder / kept)) << kept;
  EXPECT_TRUE(jobstream::launcher::removeLeftoverSegments(folder, {prefix}, geteuid() + 1, before,
                                                                  std::chrono::milliseconds{0})
                  .empty())
      << "another user's files";
  munmap(map, 4096);
  ::close(open);
  fs::remove_all(folder);
}

// A rank of the failed attempt that still has its file mapped when the
// launcher looks (killed with its mpirun, the kernel still tearing it down;
// or ending once it notices mpirun is gone) does not keep the file: it is
// looked at again until that process is gone. One held by a process that
// stays is left once `settle` has passed.
TEST(LauncherSharedMemory, FilesOfProcessesThatEndSoonAreRemovedOnceTheyEnd) {
  namespace fs = std::filesystem;
  const fs::path folder = fs::temp_directory_path() / ("launcher-shm-settle-" + std::to_string(getpid()));
  fs::remove_all(folder);
  fs::create_directories(folder);
  const std::string prefix = "vader_segment.host.7.";
  const auto make = [&](const std::string& name) { std::ofstream(folder / name) << std::string(4096, 'x'); };
  const jobstream::launcher::SegmentFiles before = jobstream::launcher::segmentFiles(folder, {prefix});
  make(prefix + "2a0001.0");  // mapped by a rank that ends soon
  make(prefix + "2a0001.1");  // mapped by one that stays
  // Each child maps its file and says so through a pipe before it waits.
  const auto holder = [&](const std::string& name, int seconds) {
    int ready[2];
    EXPECT_EQ(::pipe(ready), 0);
    const pid_t child = fork();
    if (child == 0) {
      const int fd = ::open((folder / name).c_str(), O_RDWR);
      void* map = mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
      ::close(fd);
      const char byte = map == MAP_FAILED ? 'n' : 'y';
      if (::write(ready[1], &byte, 1) != 1) _exit(3);
      ::sleep(static_cast<unsigned>(seconds));
      _exit(0);
    }
    char byte = 0;
    EXPECT_EQ(::read(ready[0], &byte, 1), 1);
    EXPECT_EQ(byte, 'y');
    ::close(ready[0]);
    ::close(ready[1]);
    return child;
  };
  const pid_t ending = holder(prefix + "2a0001.0", 1);
  const pid_t staying = holder(prefix + "2a0001.1", 60);
  std::thread reaper([ending] { waitpid(ending, nullptr, 0); });

  // Only the first file is the attempt's here: it goes once its holder has
  // ended (about a second; the limit is far off and not reached).
  jobstream::launcher::SegmentFiles withSecond = before;
  struct stat second {};
  ASSERT_EQ(::stat((folder / (prefix + "2a0001.1")).c_str(), &second), 0);
  withSecond.emplace(prefix + "2a0001.1", second.st_ino);
  EXPECT_THAT(jobstream::launcher::removeLeftoverSegments(folder, {prefix}, geteuid(), withSecond,
                                                          std::chrono::milliseconds{60'000}),
              ElementsAre(prefix + "2a0001.0"));
  reaper.join();
  // The second, held all along, is left once `settle` has passed.
  EXPECT_TRUE(jobstream::launcher::removeLeftoverSegments(folder, {prefix}, geteuid(), before,
                                                          std::chrono::milliseconds{100})
                  .empty());
  EXPECT_TRUE(fs::exists(folder / (prefix + "2a0001.1"))) << "still mapped by a live process";
  kill(staying, SIGKILL);
  waitpid(staying, nullptr, 0);
  fs::remove_all(folder);
}

}  // namespace
}  // namespace jstest
