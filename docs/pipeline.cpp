// The pipeline drawn in docs/pipeline.svg (see README.md, "Pipeline graphs"):
// a frame per item whose body squares and sums a round of numbers, an emit
// that turns each round's sum into the next frame_end's input, and a stage
// group spliced in at the top.
#include <jobstream/jobstream.hpp>

#include <span>
#include <string>

namespace jobs_parse {
[[jobstream::job]] int parse(const std::string& text) { return std::stoi(text); }
}  // namespace jobs_parse

namespace rounds {

struct Rounds {
  int n = 0;
  int done = 0;
  long total = 0;
};
struct Sum {
  long total = 0;
};

using namespace jobs_parse;

[[jobstream::frame]] jobstream::Multiple<int> start(Rounds& r, int n) {
  r.n = n;
  if (r.done != 0) return {};
  return {1, 2, 3};
}

[[jobstream::job]] long square(int x) { return static_cast<long>(x) * x; }

[[jobstream::reduce]] void add(Sum& s, std::span<const long> in, std::span<const Sum> others) {
  for (long x : in) s.total += x;
  for (const Sum& o : others) s.total += o.total;
}

[[jobstream::emit]] long total(const Sum& s) { return s.total; }

[[jobstream::frame_end]] jobstream::Multiple<int> next(Rounds& r, long total) {
  r.total += total;
  if (++r.done < r.n) return {1, 2, 3};
  return {};
}

[[jobstream::job, jobstream::not_thread_safe]] std::string report(const Rounds& r) {
  return std::to_string(r.n) + " rounds: " + std::to_string(r.total);
}

}  // namespace rounds
