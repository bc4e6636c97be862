#include "program/stage_exit.hpp"

#include <cstdlib>
#include <mutex>

namespace jobstream::detail {

namespace {

thread_local StageExitSink* runningSink = nullptr;
thread_local const StageIndex* runningStage = nullptr;

void onExit(std::optional<int> status) {
  // Outside user code (the program's own main, say) an exit is an exit.
  if (runningSink != nullptr) runningSink->stageCalledExit(*runningStage, status);
}

#ifdef __GLIBC__
void onExitWithStatus(int status, void*) { onExit(status); }
#else
void onExitWithoutStatus() { onExit(std::nullopt); }
#endif

}  // namespace

StageCallScope::StageCallScope(StageExitSink& sink, const StageIndex& current)
    : previousSink_(runningSink), previousStage_(runningStage) {
  runningSink = &sink;
  runningStage = &current;
}

StageCallScope::~StageCallScope() {
  runningSink = previousSink_;
  runningStage = previousStage_;
}

void watchStageExits() {
  static std::once_flag registered;
  std::call_once(registered, [] {
#ifdef __GLIBC__
    on_exit(onExitWithStatus, nullptr);
#else
    std::atexit(onExitWithoutStatus);
#endif
  });
}

}  // namespace jobstream::detail
