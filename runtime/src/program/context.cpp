#include "program/context.hpp"

#include <sched.h>

#include <thread>
#include <utility>

#include "jobstream/detail/sweep.hpp"
#include "jobstream/jobstream.hpp"

namespace jobstream::detail {

namespace {
thread_local const RankContext* current = nullptr;
}

ContextScope::ContextScope(const RankContext* context) : previous_(current) { current = context; }
ContextScope::~ContextScope() { current = previous_; }

int availableCpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) == 0) {
    const int count = CPU_COUNT(&set);
    if (count > 0) return count;
  }
  const unsigned hardware = std::thread::hardware_concurrency();
  return hardware > 0 ? static_cast<int>(hardware) : 1;
}

const SweepSettings& sweepSettings() {
  static const SweepSettings defaults;
  return current && current->sweep ? *current->sweep : defaults;
}

void noteSweepCombinationStarted() {
  if (current && current->sweepNotes) current->sweepNotes->combinationStarted();
}

void noteSweepCombinationDone(const SweepCombinationDone& done) {
  if (current && current->sweepNotes) current->sweepNotes->combinationDone(done);
}

}  // namespace jobstream::detail

namespace jobstream {

// Outside a run these describe one process with all its CPUs.
int rank() { return detail::current ? detail::current->rank : 0; }
int rank_count() { return detail::current ? detail::current->ranks : 1; }
int threads() { return detail::current ? detail::current->threads : detail::availableCpus(); }
int total_threads() { return detail::current ? detail::current->totalThreads : detail::availableCpus(); }

}  // namespace jobstream
