// jobstream::map: each call is one run of the function's two-stage pipeline
// (detail/map.hpp) on every rank, whose failures end the run in order
// (abandon/abandon.hpp) so that the program goes on.
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <vector>

#include "jobstream/detail/report.hpp"
#include "program/cli.hpp"
#include "program/context.hpp"
#include "program/map_run.hpp"
#include "transport/loopback_transport.hpp"
#include "transport/mpi_transport.hpp"

namespace jobstream::detail {

namespace {

std::vector<const MapDef*>& maps() {
  static std::vector<const MapDef*> registered;  // static initialisers of generated code fill it
  return registered;
}

// Map calls are never checkpointed (a program's own main with several calls
// is not one pipeline, and a call is short): a checkpoint file named in the
// environment, meant for jobstream::run, is ignored, said once per process.
void noteIgnoredCheckpoint(int rank) {
  static std::atomic<bool> said{false};
  const char* file = std::getenv("JOBSTREAM_CHECKPOINT");
  if (rank != 0 || file == nullptr || *file == '\0' || said.exchange(true)) return;
  reportWarning(std::cerr, "JOBSTREAM_CHECKPOINT is set, but jobstream::map calls are never checkpointed: "
                           "they ignore it (jobstream::run still uses it)");
}

}  // namespace

void registerMap(const MapDef& map) { maps().push_back(&map); }

const MapDef* registeredMap(MapKey function) {
  for (const MapDef* map : maps())
    if (map->function == function) return map;
  return nullptr;
}

std::size_t sliceItemsFor(std::size_t items, int totalThreads) {
  const std::size_t slices = 8 * static_cast<std::size_t>(std::max(1, totalThreads));
  return std::max<std::size_t>(1, (items + slices - 1) / slices);
}

RunResult runMapOn(const MapDef& map, Transport& transport, int threads, void* items, bool movable, void* results) {
  std::unique_ptr<BatchBase> slices;
  RankOptions options;
  options.threads = std::max(1, threads);
  options.orderlyFailure = true;
  options.spreadInitialItems = true;
  options.peerTimeout = peerTimeoutFromEnvironment();
  if (transport.rank() == 0) {
    const std::size_t count = map.count(items);
    map.prepare(results, count);
    slices = map.split(items, movable, sliceItemsFor(count, options.threads * transport.size()));
  }
  return runRank(*map.pipeline, transport, std::move(options), std::move(slices));
}

void runMap(const MapCall& call) {
  // One map at a time per process: every rank's calls pair up in order.
  static std::mutex oneAtATime;
  std::lock_guard lock(oneAtATime);
  const MapDef* map = registeredMap(call.function);
  if (!map)
    throw std::logic_error("jobstream::map was called with a function that jsgen did not prepare; build the "
                           "source that calls it with jsgen (jobstream_add_executable or jobstream_generate)");
  if (*map->input != *call.input || *map->result != *call.result)
    throw std::logic_error(fmt::format("jobstream::map of '{}': the types do not match what jsgen prepared",
                                       map->name));
  std::unique_ptr<Transport> transport;
  if (startedByMpiLauncher()) {
    transport = makeMpiTransport();
  } else {
    transport = std::make_unique<LoopbackTransport>(std::make_shared<LoopbackHub>(1), 0);
  }
  noteIgnoredCheckpoint(transport->rank());
  const int threads = std::max(1, availableCpus() / std::max(1, transport->ranksOnThisHost()));
  const RunResult result = runMapOn(*map, *transport, threads, call.items, call.movable, call.results);
  if (result.exitCode != 0 && transport->rank() == 0) throw std::runtime_error(result.error);
}

}  // namespace jobstream::detail
