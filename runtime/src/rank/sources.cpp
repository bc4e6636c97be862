// jobstream::Lazy sources (queue/source.hpp) on a rank: an init's source
// queued as a task, made again by its init on resume, and drawn a chunk at
// a time by the worker that takes it.
#include "rank/rank_impl.hpp"

#include <stdexcept>

namespace jobstream::detail {

void WorkerEmitter::deliverSource(StageIndex stage, std::unique_ptr<LazySource> source) {
  rank_.deliverSource(stage, std::move(source), current);
}

// A jobstream::Lazy an init returned: queued as a task of its source, which
// workers draw from (queue/source.hpp); it counts as unfinished from now on.
void Rank::deliverSource(StageIndex stage, std::unique_ptr<LazySource> lazy, StageIndex init) {
  if (init >= pipeline_.stages.size() || pipeline_.stages[init].kind != StageKind::init || stage != pipeline_.entry)
    throw std::logic_error("a stage returned jobstream::Lazy, which only an init returns");
  if (!lazy) return;
  auto source = std::make_shared<QueuedSource>(std::move(lazy), sourcePlace(init));
  queue_.pushFront(Task::of(std::move(source)));
}

QueuedSource::Place Rank::sourcePlace(StageIndex init) {
  const StageDef& entry = pipeline_.stages[pipeline_.entry];
  return QueuedSource::Place{init, pipeline_.entry, entry.input, &counters_, ScopeKey{0, 0, entry.region}};
}

namespace {

// Keeps the source an init returns when it is called again on resume.
class RebuildEmitter final : public Emitter {
 public:
  void deliver(StageIndex, std::unique_ptr<BatchBase>) override {
    throw std::logic_error("called again to resume the run, it made items instead of a jobstream::Lazy");
  }
  void deliverSource(StageIndex, std::unique_ptr<LazySource> source) override { made = std::move(source); }
  std::unique_ptr<LazySource> made;
};

}  // namespace

// A resumed run's source is made again by its init, in the worker that
// first draws from it (QueuedSource::rebuild).
QueuedSource::Rebuild Rank::rebuildSource(StageIndex init) {
  return [this, init] {
    RebuildEmitter emitter;
    emitter.current = init;
    SerialCall call(serialLockOf(init), nullptr);
    pipeline_.stages[init].init(emitter);
    return std::move(emitter.made);
  };
}

// A chunk of a source: its items are drawn into `buffer` and become the
// chunk's. False when there is nothing to run (the source had ended, or
// drawing failed, which fails the run against the init that made it).
bool Rank::drawChunk(Task& chunk, std::shared_ptr<BatchBase>& buffer, WorkerEmitter& emitter, ThreadLog* log) {
  const std::shared_ptr<QueuedSource> source = std::move(chunk.source);
  std::size_t drawn = 0;
  emitter.current = source->init();
  const bool ok = guarded(emitter.current, [&] { drawn = source->draw(buffer, chunk.size()); });
  queue_.drawn(*source);
  // The init's items as they are made (its call made none).
  if (log) log->stages[source->init()].itemsOut.add(drawn);
  chunk.batch = buffer;
  chunk.begin = 0;
  chunk.end = drawn;
  return ok && drawn != 0;
}

}  // namespace jobstream::detail
