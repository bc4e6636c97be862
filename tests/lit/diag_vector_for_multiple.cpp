// A std::vector<T> is one item. Returned to a stage that would take its
// elements, jobstream::Multiple<T> was surely meant: a note says so, with a
// fix-it. Where the elements would not fit either, there is no such note.
// RUN: not %jsgen %s %jsgen_flags -fdiagnostics-parseable-fixits 2>&1 | FileCheck %s
#include <jobstream/jobstream.hpp>

#include <span>
#include <string>
#include <vector>

namespace split {
[[jobstream::job]] std::vector<std::string> words(const std::string& line) { return {line}; }
[[jobstream::job]] long length(const std::string& word) { return static_cast<long>(word.size()); }
// CHECK: diag_vector_for_multiple.cpp:[[@LINE-1]]:32: error: stage 'split::length' takes 'std::string' but 'split::words' before it produces 'std::vector<std::string>'
// CHECK: diag_vector_for_multiple.cpp:[[@LINE-3]]:20: note: 'split::words' produces 'std::vector<std::string>' here
// CHECK: diag_vector_for_multiple.cpp:[[@LINE-4]]:20: note: return 'jobstream::Multiple<std::string>' to pass on each element as an item of its own; a 'std::vector<std::string>' is one item
// CHECK: fix-it:"{{.*}}diag_vector_for_multiple.cpp":{[[@LINE-5]]:20-[[@LINE-5]]:44}:"jobstream::Multiple<std::string>"
}  // namespace split

// Into finish, which takes a std::vector of the items.
namespace collect {
[[jobstream::job]] std::vector<int> digits(long n) { return {static_cast<int>(n % 10)}; }
[[jobstream::finish]] void all(std::vector<int> every) { (void)every; }
// CHECK: diag_vector_for_multiple.cpp:[[@LINE-1]]:32: error: finish stage 'collect::all' takes 'std::vector<int>' but 'collect::digits' before it produces 'std::vector<int>'; it takes a std::vector of those items
// CHECK: diag_vector_for_multiple.cpp:[[@LINE-3]]:20: note: 'collect::digits' produces 'std::vector<int>' here
// CHECK: diag_vector_for_multiple.cpp:[[@LINE-4]]:20: note: return 'jobstream::Multiple<int>' to pass on each element as an item of its own; a 'std::vector<int>' is one item
}  // namespace collect

// What a reduce returns re-enters its scope.
namespace again {
struct Total {
  long sum = 0;
};
[[jobstream::job]] long twice(long n) { return 2 * n; }
[[jobstream::reduce]] std::vector<long> add(Total& store, std::span<const long> in, std::span<const Total> others) {
  for (long n : in) store.sum += n;
  for (const Total& o : others) store.sum += o.sum;
  return {};
}
// CHECK: diag_vector_for_multiple.cpp:[[@LINE-5]]:23: error: reduce stage 'again::add' returns 'std::vector<long>', which re-enters its scope at stage 'again::twice', but 'again::twice' takes 'long'
// CHECK: diag_vector_for_multiple.cpp:[[@LINE-7]]:31: note: 'again::twice' takes 'long' here
// CHECK: diag_vector_for_multiple.cpp:[[@LINE-7]]:23: note: return 'jobstream::Multiple<long>' to pass on each element as an item of its own; a 'std::vector<long>' is one item
}  // namespace again

// Elements that the stage below would not take either: no suggestion.
namespace unrelated {
[[jobstream::job]] std::vector<int> digits(long n) { return {static_cast<int>(n % 10)}; }
[[jobstream::job]] long length(const std::string& word) { return static_cast<long>(word.size()); }
// CHECK: diag_vector_for_multiple.cpp:[[@LINE-1]]:32: error: stage 'unrelated::length' takes 'std::string' but 'unrelated::digits' before it produces 'std::vector<int>'
// CHECK: diag_vector_for_multiple.cpp:[[@LINE-3]]:20: note: 'unrelated::digits' produces 'std::vector<int>' here
// CHECK-NOT: Multiple
}  // namespace unrelated
