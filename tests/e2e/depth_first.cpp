// job_stream's depthFirst test: a frame recurs N ones at once; the body
// prints "1" and adds one; the frame_end prints "Frame 2". Work made locally
// is processed depth-first, so the frame_end's lines come while the body's
// are still being printed rather than all after them (run_case.py's
// --mean-position checks where each kind of line sits in the output). Run as
// one rank: lines printed by several ranks reach stdout in no useful order.
#include <jobstream/jobstream.hpp>

#include <cstdio>

namespace depth_first {

struct Started {
  bool started = false;
};

[[jobstream::frame]]
jobstream::Multiple<int> depthFirstFrame(Started& store, const int& first) {
  jobstream::Multiple<int> out;
  if (store.started) return out;
  store.started = true;
  for (int i = 0; i < first; ++i) out.push_back(1);
  return out;
}

[[jobstream::job]]
int printThenAddOne(int work) {
  std::printf("%d\n", work);
  return work + 1;
}

[[jobstream::frame_end]]
void handleNext(Started& store, int work) {
  (void)store;
  std::printf("Frame %d\n", work);
}

[[jobstream::result]]
void nothing(const Started&) {}

}  // namespace depth_first
