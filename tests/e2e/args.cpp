// job_stream.inline's args test: Args fanned out into a job, a frame, a
// frame_end and a reduce. C++ has no keyword arguments; a std::tuple is what
// crosses a stage boundary, a job with several parameters takes it fanned out,
// and frame, frame_end, reduce and emit take or make the tuple whole. Every
// stage prints what it received.
#include <jobstream/jobstream.hpp>

#include <iostream>
#include <optional>
#include <span>
#include <string>
#include <tuple>
#include <vector>

namespace args {

using Three = std::tuple<int, int, int>;

struct Loop {
  bool entered = false;
  Three first{};
};

struct Collected {
  std::vector<Three> seen;
};

std::string text(const Three& t) {
  return std::to_string(std::get<0>(t)) + ", " + std::to_string(std::get<1>(t)) + ", " +
         std::to_string(std::get<2>(t));
}

[[jobstream::init]]
std::tuple<int, int, int, int> start() { return {1, 2, 3, 4}; }

[[jobstream::job]]
Three handle(int a, int b, int c, int d) {
  std::cout << "Job " + std::to_string(a) + ", " + std::to_string(b) + ", " + std::to_string(c) +
                   ", " + std::to_string(d) + "\n";
  return {a, b, 8};
}

[[jobstream::frame]]
std::optional<std::tuple<int, int>> frame(Loop& loop, const Three& first) {
  if (loop.entered) return std::nullopt;
  loop.entered = true;
  loop.first = first;
  std::cout << "Frame " + text(first) + "\n";
  return std::tuple<int, int>{3, 4};
}

[[jobstream::job]]
Three body(int c, int d) { return {c, d, 88}; }

[[jobstream::frame_end]]
void frameEnd(Loop& loop, const Three& next) {
  (void)loop;
  std::cout << "Frame end " + text(next) + "\n";
}

[[jobstream::emit]]
Three leaveFrame(const Loop& loop) { return loop.first; }

[[jobstream::reduce]]
void reducer(Collected& store, std::span<const Three> inputs, std::span<const Collected> others) {
  store.seen.insert(store.seen.end(), inputs.begin(), inputs.end());
  for (const Collected& o : others) store.seen.insert(store.seen.end(), o.seen.begin(), o.seen.end());
}

[[jobstream::emit]]
Three leaveReduce(const Collected& store) {
  std::cout << "Reducer saw " + std::to_string(store.seen.size()) + " tuple(s)\n";
  return store.seen.at(0);
}

[[jobstream::job]]
void got(int a, int b, int c) {
  std::cout << "Got " + std::to_string(a) + ", " + std::to_string(b) + ", " + std::to_string(c) + "\n";
}

}  // namespace args
