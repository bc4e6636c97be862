#include "attempt.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <optional>
#include <string_view>
#include <thread>

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

void writeAll(int fd, const char* data, std::size_t size) {
  while (size != 0) {
    const ssize_t wrote = ::write(fd, data, size);
    if (wrote < 0 && errno == EINTR) continue;
    if (wrote <= 0) return;  // stderr closed: nothing to be done
    data += wrote;
    size -= static_cast<std::size_t>(wrote);
  }
}

// What Open MPI's mpirun prints when a rank calls MPI_Abort (4.x and 5.x).
constexpr std::string_view kAbortReport = "MPI_ABORT was invoked";

// Copies mpirun's stderr (the read end of a pipe) to the launcher's as it
// comes, byte for byte, and notes whether it reported an MPI_Abort.
class AbortWatch {
 public:
  explicit AbortWatch(int fd) : fd_(fd), thread_([this] { copy(); }) {}
  AbortWatch(const AbortWatch&) = delete;
  AbortWatch& operator=(const AbortWatch&) = delete;
  ~AbortWatch() { finish(std::chrono::milliseconds{0}); }

  bool aborted() const { return aborted_.load(); }

  // Once mpirun has ended: copies what is left until the pipe's end, for at
  // most `grace` (processes mpirun started, ssh to a host that no longer
  // answers, may hold it open), then closes it.
  void finish(std::chrono::milliseconds grace) {
    if (!thread_.joinable()) return;
    stopAt_.store((std::chrono::steady_clock::now() + grace).time_since_epoch().count());
    thread_.join();
    ::close(fd_);
  }

 private:
  void copy() {
    std::string tail;  // the end of what came, to find the report across reads
    char buffer[16384];
    for (;;) {
      const auto stopAt = stopAt_.load();
      if (stopAt != 0 && std::chrono::steady_clock::now().time_since_epoch().count() >= stopAt) return;
      pollfd ready{fd_, POLLIN, 0};
      const int count = ::poll(&ready, 1, 50);
      if (count < 0 && errno != EINTR) return;
      if (count <= 0) continue;
      const ssize_t got = ::read(fd_, buffer, sizeof buffer);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) return;  // every writer is gone
      writeAll(STDERR_FILENO, buffer, static_cast<std::size_t>(got));
      if (aborted_.load()) continue;
      tail.append(buffer, static_cast<std::size_t>(got));
      if (tail.find(kAbortReport) != std::string::npos) aborted_.store(true);
      else if (tail.size() >= kAbortReport.size()) tail.erase(0, tail.size() - kAbortReport.size() + 1);
    }
  }

  int fd_;
  std::atomic<bool> aborted_{false};
  std::atomic<std::chrono::steady_clock::rep> stopAt_{0};  // 0: not yet
  std::thread thread_;
};

// SIGKILL to `pid` and then to every process below it, found first (once
// it is gone, they are someone else's children).
void killWithProcessesBelow(pid_t pid) {
  const std::vector<pid_t> below = processesBelow(pid);
  ::kill(pid, SIGKILL);
  for (const pid_t process : below) ::kill(process, SIGKILL);
}

}  // namespace

std::vector<pid_t> processesBelow(pid_t pid) {
  const std::multimap<pid_t, pid_t> children = childrenByParent();
  std::vector<pid_t> found;
  std::vector<pid_t> todo{pid};
  while (!todo.empty()) {
    const pid_t parent = todo.back();
    todo.pop_back();
    const auto [first, last] = children.equal_range(parent);
    for (auto it = first; it != last; ++it) {
      todo.push_back(it->second);
      found.push_back(it->second);
    }
  }
  return found;
}

std::vector<pid_t> ranksBelow(pid_t pid) {
  std::vector<pid_t> ranks;
  for (const pid_t process : processesBelow(pid))
    if (namesItsRank(process)) ranks.push_back(process);
  return ranks;
}

Outcome runCommand(const std::vector<std::string>& command, std::chrono::milliseconds outlive, bool watchAbort) {
  std::vector<char*> args;
  for (const std::string& word : command) args.push_back(const_cast<char*>(word.c_str()));
  args.push_back(nullptr);
  int errors[2] = {-1, -1};  // mpirun's stderr, watched
  if (watchAbort && ::pipe2(errors, O_CLOEXEC) != 0) watchAbort = false;  // then without the watch
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
    if (watchAbort) ::dup2(errors[1], STDERR_FILENO);  // the pipe's own descriptors close on exec
    execvp(args[0], args.data());
    std::cerr << fmt::format("jobstream run: cannot start '{}': {}\n", command.front(), std::strerror(errno));
    _exit(127);
  }
  Outcome outcome;
  if (child < 0) {
    std::cerr << fmt::format("jobstream run: cannot start '{}': {}\n", command.front(), std::strerror(errno));
    outcome.status = 127;
    if (watchAbort) {
      ::close(errors[0]);
      ::close(errors[1]);
    }
    sigprocmask(SIG_SETMASK, &previous, nullptr);
    return outcome;
  }
  // Started with SIGINT and SIGTERM blocked, like this thread, so that they
  // reach sigtimedwait below.
  std::optional<AbortWatch> watch;
  if (watchAbort) {
    ::close(errors[1]);
    watch.emplace(errors[0]);
  }
  std::optional<std::chrono::steady_clock::time_point> abortedAt;
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
    if (watch && !abortedAt && watch->aborted()) abortedAt = now;
    if (!killed && now >= nextLook) {
      nextLook = now + std::chrono::seconds{1};
      const auto seconds = [&](auto since) {
        return std::chrono::duration_cast<std::chrono::seconds>(now - since).count();
      };
      if (!ranksBelow(child).empty()) {
        ranksSeen = true;
        lastRanks = now;
      } else if (ranksSeen && now - lastRanks > outlive) {
        std::cerr << fmt::format("jobstream run: mpirun is still running {} s after the last rank on this host "
                                 "ended (a host it waits for may have stopped answering); ending it\n",
                                 seconds(lastRanks))
                  << std::flush;
        killWithProcessesBelow(child);
        killed = outlived = true;
      }
      if (!killed && abortedAt && now - *abortedAt > outlive) {
        std::cerr << fmt::format("jobstream run: mpirun is still running {} s after it reported that a rank "
                                 "called MPI_Abort (a host it waits for may have stopped answering); ending it\n",
                                 seconds(*abortedAt))
                  << std::flush;
        killWithProcessesBelow(child);
        killed = outlived = true;
      }
    }
  }
  if (watch) watch->finish(std::chrono::milliseconds{500});
  // mpirun ended by the launcher: a failed run, or the status the user's
  // signal asks for.
  if (outlived && outcome.signal == SIGKILL)
    outcome = Outcome{jobstream::detail::exit_status::failed, 0, outcome.stoppedBy};
  else if (killed && outcome.signal == SIGKILL)
    outcome = Outcome{jobstream::detail::exit_status::stoppedBy(outcome.stoppedBy), 0, outcome.stoppedBy};
  sigprocmask(SIG_SETMASK, &previous, nullptr);
  return outcome;
}

CommandResult runWithTimeout(const std::vector<std::string>& command, std::chrono::milliseconds limit) {
  CommandResult result;
  std::vector<char*> args;
  for (const std::string& word : command) args.push_back(const_cast<char*>(word.c_str()));
  args.push_back(nullptr);
  // Made before fork: the launcher may be running other checks in threads.
  const std::string cannotStart = fmt::format("cannot start '{}': ", command.empty() ? "" : command.front());
  int output[2];
  if (command.empty() || ::pipe2(output, O_CLOEXEC) != 0) {
    result.status = 127;
    result.output = command.empty() ? "no command" : fmt::format("cannot make a pipe: {}", std::strerror(errno));
    return result;
  }
  const pid_t child = fork();
  if (child == 0) {
    ::setpgid(0, 0);
    const int none = ::open("/dev/null", O_RDONLY);
    if (none >= 0) ::dup2(none, STDIN_FILENO);
    ::dup2(output[1], STDOUT_FILENO);
    ::dup2(output[1], STDERR_FILENO);
    // The launcher's mask (SIGCHLD, SIGINT, SIGTERM may be blocked) is not the command's.
    sigset_t none_blocked;
    sigemptyset(&none_blocked);
    sigprocmask(SIG_SETMASK, &none_blocked, nullptr);
    execvp(args[0], args.data());
    const char* reason = std::strerror(errno);
    writeAll(STDERR_FILENO, cannotStart.data(), cannotStart.size());
    writeAll(STDERR_FILENO, reason, std::strlen(reason));
    writeAll(STDERR_FILENO, "\n", 1);
    _exit(127);
  }
  ::close(output[1]);
  if (child < 0) {
    ::close(output[0]);
    result.status = 127;
    result.output = cannotStart + std::strerror(errno);
    return result;
  }
  ::setpgid(child, child);  // also here, so that the group exists before a kill below
  constexpr std::size_t kKept = 4096;
  // Once the command has ended, what it printed is read until the pipe's end
  // for a moment more (something it left running may hold the pipe open).
  constexpr std::chrono::milliseconds kGrace{200};
  auto deadline = std::chrono::steady_clock::now() + limit;
  bool open = true;
  bool ended = false;
  int status = 0;
  while (open || !ended) {
    if (!ended) {
      const pid_t done = ::waitpid(child, &status, WNOHANG);
      if (done == child || (done < 0 && errno != EINTR)) {
        ended = true;
        deadline = std::min(deadline, std::chrono::steady_clock::now() + kGrace);
      }
    }
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) {
      if (!ended) {
        ::kill(-child, SIGKILL);  // the command, and what it started
        ::waitpid(child, &status, 0);
        result.timedOut = true;
      }
      break;
    }
    if (!open) {
      std::this_thread::sleep_for(std::chrono::milliseconds{5});
      continue;
    }
    pollfd ready{output[0], POLLIN, 0};
    if (::poll(&ready, 1, 10) <= 0) continue;
    char buffer[4096];
    const ssize_t got = ::read(output[0], buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) {
      open = false;
      continue;
    }
    result.output.append(buffer, static_cast<std::size_t>(got));
    if (result.output.size() > 2 * kKept) result.output.erase(0, result.output.size() - kKept);
  }
  ::close(output[0]);
  if (result.output.size() > kKept) result.output.erase(0, result.output.size() - kKept);
  if (!result.timedOut) {
    if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
    else result.status = WEXITSTATUS(status);
  }
  return result;
}

}  // namespace jobstream::launcher
