#include "program/context.hpp"

#include <sched.h>

#include <cstdlib>
#include <initializer_list>
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

namespace {

// This process's place in an mpirun launch, read from the launcher's
// environment (MPI itself is not initialised for it); `fallback` without one.
int launchValue(std::initializer_list<const char*> names, int fallback) {
  for (const char* name : names) {
    const char* text = std::getenv(name);
    if (text == nullptr || *text == '\0') continue;
    char* end = nullptr;
    const long value = std::strtol(text, &end, 10);
    if (*end == '\0' && value >= 0 && value < (1L << 30)) return static_cast<int>(value);
  }
  return fallback;
}

}  // namespace

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

// Outside a run these describe this process: under mpirun its place in the
// launch (so that a program's own main can tell rank 0 from the others
// around its jobstream::map calls), with all its CPUs.
int rank() {
  return detail::current ? detail::current->rank : detail::launchValue({"OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMI_RANK"}, 0);
}
int rank_count() {
  return detail::current ? detail::current->ranks : detail::launchValue({"OMPI_COMM_WORLD_SIZE", "PMI_SIZE"}, 1);
}
int threads() { return detail::current ? detail::current->threads : detail::availableCpus(); }
int total_threads() { return detail::current ? detail::current->totalThreads : detail::availableCpus(); }

}  // namespace jobstream
