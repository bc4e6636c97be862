// jobstream::map's runtime side: the registry of mapped functions and one
// map call as a run over a transport (map.cpp). Internal to libjobstream.
#pragma once

#include <cstddef>

#include "jobstream/detail/map.hpp"
#include "rank/rank.hpp"
#include "transport/transport.hpp"

namespace jobstream::detail {

// The MapDef registered for `function`, or null.
const MapDef* registeredMap(MapKey function);

// How many items one slice holds: about eight slices per worker thread of
// the whole run, so that stealing can even out uneven items, and at least one.
std::size_t sliceItemsFor(std::size_t items, int totalThreads);

// One map call on this rank over `transport` with `threads` workers: on rank
// 0, `items` (a std::vector<In>*) are moved (`movable`) or copied into slices and `results` (a
// std::vector<R>*) are filled. A failure ends the run in order on every rank
// (RunResult::exitCode non-zero, RunResult::error its bare text).
RunResult runMapOn(const MapDef& map, Transport& transport, int threads, void* items, bool movable,
                   void* results);

}  // namespace jobstream::detail
