#include "program/stop_signals.hpp"

#include <signal.h>
#include <unistd.h>

#include <cerrno>

#include "jobstream/detail/exit_status.hpp"

namespace jobstream::detail {

namespace {

// Touched by the handler: lock-free atomics only, which a handler may use.
static_assert(std::atomic<int>::is_always_lock_free && std::atomic<bool>::is_always_lock_free);
std::atomic<int> strongest{0};  // SIGTERM outweighs SIGINT: the larger number
std::atomic<int> interrupts{0};
std::atomic<bool> speaks{false};

struct sigaction previousTerm {};
struct sigaction previousInt {};

constexpr char kAtOnce[] = "jobstream: stopped at once by a second SIGINT, without a checkpoint\n";

extern "C" void onStopSignal(int signal) {
  const int savedErrno = errno;
  if (signal == SIGINT && interrupts.fetch_add(1) != 0) {
    if (speaks.load()) {
      const ssize_t written = ::write(STDERR_FILENO, kAtOnce, sizeof kAtOnce - 1);
      (void)written;  // nothing to do if stderr is gone
    }
    ::_exit(exit_status::stoppedBy(SIGINT));
  }
  int seen = strongest.load();
  while (seen < signal && !strongest.compare_exchange_weak(seen, signal)) {
  }
  errno = savedErrno;
}

}  // namespace

StopSignals::StopSignals(bool speak) {
  strongest.store(0);
  interrupts.store(0);
  speaks.store(speak);
  struct sigaction action {};
  action.sa_handler = onStopSignal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  sigaction(SIGTERM, &action, &previousTerm);
  sigaction(SIGINT, &action, &previousInt);
}

StopSignals::~StopSignals() {
  sigaction(SIGTERM, &previousTerm, nullptr);
  sigaction(SIGINT, &previousInt, nullptr);
}

const std::atomic<int>& StopSignals::received() { return strongest; }

}  // namespace jobstream::detail
