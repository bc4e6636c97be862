// Each reduction and frame instance starts from a value-initialised store.
// RUN: not %jsgen %s %jsgen_flags 2>&1 | FileCheck %s
#include <jobstream/jobstream.hpp>

#include <optional>
#include <span>
#include <string>
#include <unordered_map>

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

// A defaulted default constructor is deleted by the member it cannot build.
namespace defaulted {
struct Start {
  explicit Start(int v) : value(v) {}
  int value;
};
class Held {
 public:
  Held() = default;
  std::unordered_map<std::string, long> counts;
  Start start;
};
[[jobstream::reduce]] void add(Held& store, std::span<const int> in, std::span<const Held> others) {
  (void)store, (void)in, (void)others;
}
// CHECK: diag_store_value_init.cpp:[[@LINE-3]]:32: error: store type 'Held' of reduce stage 'defaulted::add' cannot be value-initialised; each reduction starts from 'Held{}': give it a public default constructor
// CHECK: diag_store_value_init.cpp:[[@LINE-6]]:9: note: member 'start' of type 'Start' has no default value and cannot be value-initialised
}  // namespace defaulted

// A default constructor that only the class itself may call.
namespace hidden {
class Secret {
  Secret() = default;

 public:
  long sum = 0;
};
[[jobstream::reduce]] void add(Secret& store, std::span<const int> in, std::span<const Secret> others) {
  (void)store, (void)in, (void)others;
}
// CHECK: diag_store_value_init.cpp:[[@LINE-3]]:32: error: store type 'Secret' of reduce stage 'hidden::add' cannot be value-initialised; each reduction starts from 'Secret{}': give it a public default constructor
// CHECK: diag_store_value_init.cpp:[[@LINE-10]]:7: note: 'Secret' has no usable default constructor
}  // namespace hidden

// A base in the way.
namespace base {
struct Start {
  explicit Start(int v) : value(v) {}
  int value;
};
struct Counted : Start {
  long count = 0;
};
[[jobstream::reduce]] void add(Counted& store, std::span<const int> in, std::span<const Counted> others) {
  (void)store, (void)in, (void)others;
}
// CHECK: diag_store_value_init.cpp:[[@LINE-3]]:32: error: store type 'Counted' of reduce stage 'base::add' cannot be value-initialised; each reduction starts from 'Counted{}': give it a public default constructor
// CHECK: diag_store_value_init.cpp:[[@LINE-11]]:8: note: 'Start' has no usable default constructor
}  // namespace base
