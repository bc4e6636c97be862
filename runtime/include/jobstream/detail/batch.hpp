// A batch: the unit in which items move between stages, threads and ranks.
// Items are never handled one by one by the runtime: a batch of one type, for
// one stage, is queued, split, sent and checkpointed as a whole.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string_view>
#include <typeinfo>
#include <vector>

#include "jobstream/detail/allocator.hpp"
#include "jobstream/detail/user_templates.hpp"

JOBSTREAM_TEMPLATES_BEGIN

namespace jobstream::detail {

// How a batch holds its items (and what Multiple<T> is): a vector whose large
// allocations use huge pages (see allocator.hpp).
template <class T>
using Items = std::vector<T, ItemAllocator<T>>;

class BatchBase {
 public:
  virtual ~BatchBase() = default;
  virtual std::size_t size() const = 0;
};

template <class T>
class Batch final : public BatchBase {
 public:
  Items<T> items;
  std::size_t size() const override { return items.size(); }
};

// Entry point behind jobstream::run([pipeline,] argc, argv, items): `type` is
// checked against the first stage's input type before anything runs. Without
// a name, the program's only pipeline runs.
int runWithItems(std::optional<std::string_view> pipeline, int argc, char** argv,
                 std::unique_ptr<BatchBase> items, const std::type_info& type);

}  // namespace jobstream::detail

JOBSTREAM_TEMPLATES_END
