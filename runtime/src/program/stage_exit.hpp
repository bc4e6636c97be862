// A stage that calls std::exit(), itself or through a library it uses.
//
// exit() runs the process's exit handlers on the calling thread: MPI_Finalize
// among them, from a worker while the communication thread is still inside
// MPI (a hang at np 2, a crash at np 1), and static destructors under the
// feet of the other workers. An exit handler registered after MPI's own runs
// first: when the thread that exits is running a stage's user code, it turns
// the exit into a failure of the run that names the stage, and the process
// never returns to the handlers after it.
#pragma once

#include <optional>

#include "jobstream/detail/stage.hpp"

namespace jobstream::detail {

// Implemented by the rank: ends the run because the user code of `stage`,
// running on this thread, called exit(status) (status unknown where the C
// library cannot tell it). Does not return.
class StageExitSink {
 public:
  [[noreturn]] virtual void stageCalledExit(StageIndex stage, std::optional<int> status) = 0;

 protected:
  ~StageExitSink() = default;
};

// Marks this thread as running the user code of the stage `current` names
// (generated code updates it between fused stages) for the length of a call.
class StageCallScope {
 public:
  StageCallScope(StageExitSink& sink, const StageIndex& current);
  ~StageCallScope();
  StageCallScope(const StageCallScope&) = delete;
  StageCallScope& operator=(const StageCallScope&) = delete;

 private:
  StageExitSink* previousSink_;
  const StageIndex* previousStage_;
};

// Registers the exit handler, once per process. Call it after MPI is
// initialised, so that the handler runs before MPI_Finalize.
void watchStageExits();

}  // namespace jobstream::detail
