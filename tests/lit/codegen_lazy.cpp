// An init returning jobstream::Lazy<T>, from a range (a view, deduced by
// the guide) and from a generator: the model says "lazy", the init hands
// what it returns to Output<T> as any init does (the runtime takes the
// source from there), and the generated file compiles warning-free under
// g++ and clang++ with strict flags.
// RUN: %jsgen %s --dump-model %jsgen_flags | FileCheck %s --check-prefix=MODEL
// RUN: %jsgen %s -o %t.cpp %jsgen_flags
// RUN: FileCheck %s --input-file=%t.cpp
// RUN: %cxx_gcc %t.cpp
// RUN: %cxx_clang %t.cpp
#include <jobstream/jobstream.hpp>

#include <cstdint>
#include <optional>
#include <ranges>
#include <span>

namespace counting {

[[jobstream::init]] jobstream::Lazy<std::int64_t> numbers() {
  return jobstream::Lazy(std::views::iota(std::int64_t{0}, std::int64_t{1000}));
}
[[jobstream::init]] jobstream::Lazy<std::int64_t> squares() {
  return std::views::iota(0, 10) | std::views::transform([](int x) { return x * x; });
}
[[jobstream::init]] jobstream::Lazy<std::int64_t> countdown() {
  return jobstream::Lazy([n = std::int64_t{5}]() mutable -> std::optional<std::int64_t> {
    if (n == 0) return std::nullopt;
    return n--;
  });
}
[[jobstream::job]] std::int64_t twice(std::int64_t x) { return 2 * x; }
[[jobstream::reduce]] void add(std::int64_t& sum, std::span<const std::int64_t> in,
                               std::span<const std::int64_t> others) {
  for (std::int64_t x : in) sum += x;
  for (std::int64_t x : others) sum += x;
}

}  // namespace counting

// MODEL:      stage 0 init counting::numbers
// MODEL-NEXT:   returns lazy 'jobstream::Lazy<std::int64_t>' item std::int64_t [{{.*}}]
// MODEL:      stage 2 init counting::countdown
// MODEL-NEXT:   returns lazy 'jobstream::Lazy<std::int64_t>' item std::int64_t

// CHECK-LABEL: void init_0(::jobstream::detail::Emitter& emitter) {
// CHECK-NEXT:    emitter.current = 0;
// CHECK-NEXT:    ::jobstream::detail::Output<{{.*}}> out(emitter, 3);
// CHECK-NEXT:    out.push(::counting::numbers());
// CHECK-NEXT:    out.close();
// CHECK-NEXT:  }
// CHECK-LABEL: void init_2(::jobstream::detail::Emitter& emitter) {
// CHECK:         out.push(::counting::countdown());
