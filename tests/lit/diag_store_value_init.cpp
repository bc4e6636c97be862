// Each reduction and frame instance starts from a value-initialised store.
// RUN: not %jsgen %s %jsgen_flags 2>&1 | FileCheck %s
#include <jobstream/jobstream.hpp>

#include <optional>
#include <span>

namespace init {
struct Total {
  explicit Total(long start) : sum(start) {}
  long sum;
};
[[jobstream::reduce]] void add(Total& store, std::span<const int> in, std::span<const Total> others) {
  for (int n : in) store.sum += n;
  for (const Total& o : others) store.sum += o.sum;
}
// CHECK: diag_store_value_init.cpp:[[@LINE-4]]:32: error: store type 'Total' of reduce stage 'init::add' cannot be value-initialised; each reduction starts from 'Total{}': give it a public default constructor
// CHECK: diag_store_value_init.cpp:[[@LINE-9]]:8: note: 'Total' has no usable default constructor
}  // namespace init

// A member in the way is named.
namespace member {
struct Start {
  explicit Start(int v) : value(v) {}
  int value;
};
struct Run {
  Start start;
  int steps = 0;
};
[[jobstream::frame]] std::optional<int> loop(Run& store, int first) { if (store.steps++) return std::nullopt; return first; }
// CHECK: diag_store_value_init.cpp:[[@LINE-1]]:46: error: store type 'Run' of frame stage 'member::loop' cannot be value-initialised; each frame instance starts from 'Run{}': give it a public default constructor
// CHECK: diag_store_value_init.cpp:[[@LINE-5]]:9: note: member 'start' of type 'Start' has no default value and cannot be value-initialised
[[jobstream::frame_end]] void close(Run& store, int next) { store.steps += next; }
}  // namespace member
