// A store crosses ranks and goes into checkpoints: it must be serialisable,
// reported by the same check as items, naming the member.
// RUN: not %jsgen %s %jsgen_flags 2>&1 | FileCheck %s
#include <jobstream/jobstream.hpp>

#include <optional>
#include <string>

namespace kept {
struct Count {
  std::string name;
  const char* label = nullptr;
// CHECK: diag_store_serialise.cpp:[[@LINE-1]]:15: error: cannot generate serialisation for 'kept::Count': member 'label' of type 'const char *' is a raw pointer, which means nothing in another process; give 'kept::Count' its own serialize() or change the member
};
[[jobstream::frame]] std::optional<int> loop(Count& store, int first) {
// CHECK: diag_store_serialise.cpp:[[@LINE-1]]:41: note: the type travels between stages at 'kept::loop'
  return store.name.empty() ? std::optional<int>(first) : std::nullopt;
}
[[jobstream::frame_end]] void close(Count& store, int next) { store.name += std::to_string(next); }
}  // namespace kept
// CHECK: 1 error generated.
