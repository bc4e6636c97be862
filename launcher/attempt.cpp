#include "attempt.hpp"

#include <fmt/format.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <string_view>

#include "jobstream/detail/exit_status.hpp"

namespace jobstream::launcher {
namespace {

std::string_view nameOf(int signal) { return signal == SIGINT ? "SIGINT" : "SIGTERM"; }

// Every process's parent, from /proc/PID/stat (its fourth field, after the
// command name in parentheses, which may itself hold spaces or parentheses).
std::multimap<pid_t, pid_t> childrenByParent() {
  std::multimap<pid_t, pid_t> children;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", error)) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(entry.path() / "stat");
    const std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto close = stat.rfind(')');
    if (close == std::string::npos) continue;
    char state = 0;
    int parent = 0;
    if (std::sscanf(stat.c_str() + close + 1, " %c %d", &state, &parent) != 2) continue;
    children.emplace(parent, static_cast<pid_t>(std::stol(name)));
  }
  return children;
}

bool namesItsRank(pid_t pid) {
  std::ifstream in(fmt::format("/proc/{}/environ", pid), std::ios::binary);
  for (std::string entry; std::getline(in, entry, '\0');)
    if (entry.starts_with("OMPI_COMM_WORLD_RANK=") || entry.starts_with("PMIX_RANK=") ||
        entry.starts_with("PMI_RANK="))
      return true;
  return false;
}

// Passes `signal` on to the ranks below mpirun; false if none has started.
bool passOn(pid_t mpirun, int signal) {
  const std::vector<pid_t> ranks = ranksBelow(mpirun);
  int reached = 0;
  for (pid_t rank : ranks)
    if (::kill(rank, signal) == 0) ++reached;
  if (reached == 0) return false;
  std::cerr << fmt::format("jobstream run: {} passed on to the {} rank{} on this host\n", nameOf(signal), reached,
                           reached == 1 ? "" : "s")
            << std::flush;
  return true;
}

}  // namespace

std::vector<pid_t> ranksBelow(pid_t pid) {
  const std::multimap<pid_t, pid_t> children = childrenByParent();
  std::vector<pid_t> ranks;
  std::vector<pid_t> todo{pid};
  while (!todo.empty()) {
    const pid_t parent = todo.back();
    todo.pop_back();
    const auto [first, last] = children.equal_range(parent);
    for (auto it = first; it != last; ++it) {
      todo.push_back(it->second);
      if (namesItsRank(it->second)) ranks.push_back(it->second);
    }
  }
  return ranks;
}

Outcome runCommand(const std::vector<std::string>& command, std::chrono::milliseconds outlive) {
  std::vector<char*> args;
  for (const std::string& word : command) args.push_back(const_cast<char*>(word.c_str()));
  args.push_back(nullptr);
  // SIGINT and SIGTERM wait, blocked, to be read below (attempt.hpp says
  // why), and so does SIGCHLD, so that the wait ends as soon as mpirun does.
  sigset_t watched;
  sigemptyset(&watched);
  sigaddset(&watched, SIGINT);
  sigaddset(&watched, SIGTERM);
  sigaddset(&watched, SIGCHLD);
  sigset_t previous;
  sigprocmask(SIG_BLOCK, &watched, &previous);
  const pid_t child = fork();
  if (child == 0) {
    // mpirun keeps SIGINT and SIGTERM blocked, and only those.
    sigset_t blocked = previous;
    sigaddset(&blocked, SIGINT);
    sigaddset(&blocked, SIGTERM);
    sigprocmask(SIG_SETMASK, &blocked, nullptr);
    execvp(args[0], args.data());
    std::cerr << fmt::format("jobstream run: cannot start '{}': {}\n", command.front(), std::strerror(errno));
    _exit(127);
  }
  Outcome outcome;
  if (child < 0) {
    std::cerr << fmt::format("jobstream run: cannot start '{}': {}\n", command.front(), std::strerror(errno));
    outcome.status = 127;
    sigprocmask(SIG_SETMASK, &previous, nullptr);
    return outcome;
  }
  int waiting = 0;       // a signal that found no rank yet
  bool killed = false;   // the launcher ended mpirun itself
  bool outlived = false;  // ... because it outlived its ranks here
  bool ranksSeen = false;
  auto lastRanks = std::chrono::steady_clock::now();
  auto nextLook = lastRanks;
  for (;;) {
    int status = 0;
    const pid_t done = waitpid(child, &status, WNOHANG);
    if (done == child) {
      if (WIFSIGNALED(status)) outcome.signal = WTERMSIG(status);
      else outcome.status = WEXITSTATUS(status);
      break;
    }
    if (done < 0 && errno != EINTR) break;  // reaped elsewhere (SIGCHLD ignored): its status is lost
    const timespec tick{0, 100'000'000};  // also: a rank that starts after a signal came
    const int signal = sigtimedwait(&watched, nullptr, &tick);
    if (signal == SIGINT || signal == SIGTERM) {
      outcome.stoppedBy = std::max(outcome.stoppedBy, signal);
      if (waiting != 0 && !killed) {
        // Asked again before any rank could hear it: the user means now.
        std::cerr << fmt::format("jobstream run: {} again: ending mpirun at once\n", nameOf(signal)) << std::flush;
        ::kill(child, SIGKILL);
        killed = true;
      } else if (!passOn(child, signal)) {
        waiting = signal;
        std::cerr << fmt::format("jobstream run: {}: no rank of the run has started on this host yet; it goes to "
                                 "them when they do (send it again to end mpirun at once)\n",
                                 nameOf(signal))
                  << std::flush;
      }
    } else if (waiting != 0 && !killed && passOn(child, waiting)) {
      waiting = 0;
    }
    const auto now = std::chrono::steady_clock::now();
    if (!killed && now >= nextLook) {
      nextLook = now + std::chrono::seconds{1};
      if (!ranksBelow(child).empty()) {
        ranksSeen = true;
        lastRanks = now;
      } else if (ranksSeen && now - lastRanks > outlive) {
        std::cerr << fmt::format("jobstream run: mpirun is still running {} s after the last rank on this host "
                                 "ended (a host it waits for may have stopped answering); ending it\n",
                                 std::chrono::duration_cast<std::chrono::seconds>(now - lastRanks).count())
                  << std::flush;
        ::kill(child, SIGKILL);
        killed = outlived = true;
      }
    }
  }
  // mpirun ended by the launcher: a failed run, or the status the user's
  // signal asks for.
  if (outlived && outcome.signal == SIGKILL)
    outcome = Outcome{jobstream::detail::exit_status::failed, 0, outcome.stoppedBy};
  else if (killed && outcome.signal == SIGKILL)
    outcome = Outcome{jobstream::detail::exit_status::stoppedBy(outcome.stoppedBy), 0, outcome.stoppedBy};
  sigprocmask(SIG_SETMASK, &previous, nullptr);
  return outcome;
}

}  // namespace jobstream::launcher
