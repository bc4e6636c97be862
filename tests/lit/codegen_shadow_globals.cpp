// A pipeline in the global namespace whose globals have the names that the
// runtime's headers and the generated code use (out, items, batch, begin,
// end, ...): the generated file includes the runtime first, so nothing in it
// shadows them, and it compiles under -Wshadow with both compilers.
// RUN: %jsgen %s -o %t.cpp %jsgen_flags
// RUN: %cxx_gcc %t.cpp
// RUN: %cxx_clang %t.cpp
#include <jobstream/jobstream.hpp>

#include <optional>
#include <span>
#include <vector>

int store = 0, items = 0, out = 0, in = 0, begin = 0, end = 0, emitter = 0, first = 0, batch = 0, i = 0;
int value = 0, stores = 0, others = 0, inputs = 0, result = 0, text = 0, into = 0, bytes = 0, type = 0;

struct Sum {
  long total = 0;
};

[[jobstream::init]] jobstream::Multiple<int> seed() { return {1, 2}; }
[[jobstream::job]] int twice(int n) { return 2 * n; }
[[jobstream::frame]] jobstream::Multiple<int> loop(Sum& s, int n) {
  if (s.total != 0) return {};
  return {n};
}
[[jobstream::job]] std::optional<int> keep(int n) { return n; }
[[jobstream::reduce]] void add(Sum& s, std::span<const int> values, std::span<const Sum> partial) {
  for (int n : values) s.total += n;
  for (const Sum& p : partial) s.total += p.total;
}
[[jobstream::frame_end]] void closeLoop(Sum& s, const Sum& t) { s.total += t.total; }
[[jobstream::finish]] void all(std::vector<Sum> sums) { (void)sums; }
