// Items flow through reductions and frames: a reduce takes what the stage
// above produces as its inputs' element, the stage after a reduce or frame_end
// takes the store (or what the emit makes), a frame's body takes what the
// frame returns. Mismatches use the usual message, with both types as written.
// RUN: not %jsgen %s %jsgen_flags 2>&1 | FileCheck %s
#include <jobstream/jobstream.hpp>

#include <optional>
#include <span>
#include <string>

namespace flow {
struct Total {
  long sum = 0;
};
struct Count {
  int n = 0;
};
[[jobstream::job]] std::string name(int n) { return std::to_string(n); }
[[jobstream::reduce]] void add(Total& store, std::span<const int> in, std::span<const Total> others) {
  for (int n : in) store.sum += n;
  for (const Total& o : others) store.sum += o.sum;
}
// CHECK: diag_flow_store.cpp:[[@LINE-4]]:46: error: stage 'flow::add' takes 'int' but 'flow::name' before it produces 'std::string'
// CHECK: diag_flow_store.cpp:[[@LINE-6]]:20: note: 'flow::name' produces 'std::string' here
[[jobstream::job]] long afterReduce(int n) { return n; }
// CHECK: diag_flow_store.cpp:[[@LINE-1]]:37: error: stage 'flow::afterReduce' takes 'int' but 'flow::add' before it produces 'Total'
// CHECK: diag_flow_store.cpp:[[@LINE-8]]:32: note: 'flow::add' produces 'Total' here
[[jobstream::frame]] std::optional<std::string> loop(Count& store, long first) { if (store.n++) return std::nullopt; return std::to_string(first); }
[[jobstream::job]] int body(int n) { return n; }
// CHECK: diag_flow_store.cpp:[[@LINE-1]]:29: error: stage 'flow::body' takes 'int' but 'flow::loop' before it produces 'std::string'
// CHECK: diag_flow_store.cpp:[[@LINE-3]]:22: note: 'flow::loop' produces 'std::string' here
// CHECK-NOT: re-enters
[[jobstream::frame_end]] void close(Count& store, int next) { store.n += next; }
[[jobstream::emit]] int count(const Count& c) { return c.n; }
[[jobstream::result]] void show(const std::string& s) { (void)s; }
// CHECK: diag_flow_store.cpp:[[@LINE-1]]:33: error: stage 'flow::show' takes 'std::string' but 'flow::count' before it produces 'int'
// CHECK: diag_flow_store.cpp:[[@LINE-3]]:21: note: 'flow::count' produces 'int' here
}  // namespace flow
