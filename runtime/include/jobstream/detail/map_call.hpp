// What jobstream::map hands to the runtime: the user's function as a key
// (jsgen registered a MapDef for it, detail/map.hpp), and the caller's
// vectors, type-erased. Nothing here needs MPI or cereal.
#pragma once

#include <typeinfo>

#include "jobstream/detail/user_templates.hpp"

JOBSTREAM_TEMPLATES_BEGIN

namespace jobstream::detail {

// A mapped function's address, as the key of its MapDef.
using MapKey = void (*)();

struct MapCall {
  MapKey function;
  const std::type_info* input;   // the item type, without cv or reference
  const std::type_info* result;  // what the function returns
  void* items;                   // std::vector<In>*: rank 0's items
  bool movable;                  // they may be moved from (else copied)
  void* results;                 // std::vector<R>*: filled on rank 0
};

// Runs one map over every rank (a collective). Throws std::runtime_error on
// rank 0 when the function threw on any rank; other ranks return normally.
void runMap(const MapCall& call);

}  // namespace jobstream::detail

JOBSTREAM_TEMPLATES_END
