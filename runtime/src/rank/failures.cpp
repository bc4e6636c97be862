// How a rank fails: the run's first error is kept, a stage that calls
// exit() ends the process naming it, and a failed run is abandoned in order
// on every rank (abandon/abandon.hpp).
#include "rank/rank_impl.hpp"

#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <thread>

#include "jobstream/detail/exit_status.hpp"
#include "jobstream/detail/report.hpp"

namespace jobstream::detail {

void Rank::fail(StageIndex stage, std::string_view what) {
  failWith(fmt::format("stage '{}' failed on rank {}: {}", pipeline_.stages[stage].name, rank_, what));
}

// The run's first error (bare text) wins; every loop sees failed_.
void Rank::failWith(std::string message) {
  {
    std::lock_guard lock(errorMutex_);
    if (error_.empty()) error_ = std::move(message);
  }
  failed_.store(true);
  doorbell_.ring();
}

void Rank::stageCalledExit(StageIndex stage, std::optional<int> status) {
  const bool onCommThread = std::this_thread::get_id() == commThread_;
  if (!onCommThread) stageCalledExit_.store(true);  // before the failure is seen
  fail(stage, fmt::format("it called exit({}); a stage ends the run by throwing an exception, not by ending "
                          "the process",
                          status ? std::to_string(*status) : ""));
  if (onCommThread) endProcess();
  // Only the communication thread calls MPI, so it ends the process. Once it
  // has left its loop it calls MPI no more (it only waits for the workers),
  // and this thread may.
  while (!commLoopOver_.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  endProcess();
}

void Rank::endProcess() {
  static std::atomic<bool> ending{false};
  if (ending.exchange(true))  // another thread is ending it
    for (;;) std::this_thread::sleep_for(std::chrono::hours(1));
  std::string error;
  {
    std::lock_guard lock(errorMutex_);
    error = reportLine(Severity::error, error_);
  }
  endLiveLine();  // the process ends: no progress line after its last words
  std::cerr << error + '\n' << std::flush;  // one write: see report()
  if (observer_) observer_->failed(error);
  std::cout.flush();
  std::fflush(nullptr);
  transport_.abort(exit_status::failed);  // under MPI, MPI_Abort ends every rank and does not return
  std::_Exit(exit_status::failed);
}

// The run failed here or elsewhere: every rank ends it in order and returns
// (abandon/abandon.hpp). Workers take no more chunks; what they deliver from
// the calls they are in is dropped with the rest of this rank's work.
void Rank::abandonRun() {
  queue_.stop();
  std::string own;
  {
    std::lock_guard lock(errorMutex_);
    own = error_;
  }
  abandon_->begin(own);
  abandon_->drain([this] { doorbell_.waitFor(microseconds{50}); });
  result_.exitCode = exit_status::failed;
  result_.error = abandon_->error();
}

}  // namespace jobstream::detail
