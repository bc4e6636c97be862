// What a reduce returns re-enters its region at the region's first stage (here
// the job after the inits), from both the reduce and the merge call; the
// items go through Output like a job's.
// RUN: %jsgen %s -o %t.cpp %jsgen_flags
// RUN: FileCheck %s --input-file=%t.cpp
// RUN: %cxx_gcc %t.cpp
// RUN: %cxx_clang %t.cpp
#include <jobstream/jobstream.hpp>

#include <ostream>
#include <span>

namespace collatz {

struct Longest {
  // Printed by the default printer.
  friend std::ostream& operator<<(std::ostream& out, const Longest&) { return out << "Longest"; }
  int steps = 0;
};

[[jobstream::init]] jobstream::Multiple<int> seeds() { return {7, 27}; }

[[jobstream::job]] int step(int n) { return n % 2 ? 3 * n + 1 : n / 2; }

// Counts the steps taken; values above 1 go round again.
[[jobstream::reduce]] jobstream::Multiple<int> again(Longest& store, std::span<const int> inputs,
                                                     std::span<const Longest> others) {
  jobstream::Multiple<int> more;
  for (int n : inputs) {
    ++store.steps;
    if (n > 1) more.push_back(n);
  }
  for (const Longest& o : others) store.steps += o.steps;
  return more;
}

}  // namespace collatz

// CHECK-LABEL: void reduce_2(
// CHECK-NEXT:    auto& store = static_cast<::jobstream::detail::Batch<::collatz::Longest>&>(storeBatch).items[0];
// CHECK-NEXT:    auto& items = static_cast<::jobstream::detail::Batch<int>&>(batch).items;
// CHECK-NEXT:    ::jobstream::detail::Output<int> out(emitter, 1);
// CHECK-NEXT:    emitter.current = 2;
// CHECK-NEXT:    out.push(::collatz::again(store, std::span<const int>(items.data() + begin, end - begin), std::span<const ::collatz::Longest>()));
// CHECK-NEXT:    out.close();
// CHECK-NEXT:  }

// CHECK-LABEL: void merge_2(
// CHECK-NEXT:    auto& stores = static_cast<::jobstream::detail::Batch<::collatz::Longest>&>(storesBatch).items;
// CHECK-NEXT:    ::jobstream::detail::Output<int> out(emitter, 1);
// CHECK-NEXT:    emitter.current = 2;
// CHECK-NEXT:    out.push(::collatz::again(stores[0], std::span<const int>(), std::span<const ::collatz::Longest>(stores.data() + 1, stores.size() - 1)));
// CHECK-NEXT:    out.close();
// CHECK-NEXT:  }

// The store leaves to the printer; items recurred are not what leaves.
// CHECK-LABEL: void leave_2(
// CHECK:         ::jobstream::detail::Output<::collatz::Longest> out(emitter, 3);

// CHECK: {.kind = ::jobstream::detail::StageKind::reduce, .name = "collatz::again", {{.*}}, .owner = ::jobstream::detail::kNoStage, .region = 0,
