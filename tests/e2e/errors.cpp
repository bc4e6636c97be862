// An exception in a stage ends the run on every rank: non-zero exit, a
// message naming the stage, the rank and the exception's text, no hang.
#include <jobstream/jobstream.hpp>

#include <chrono>
#include <stdexcept>
#include <thread>

namespace errors {

[[jobstream::init]]
jobstream::Multiple<int> numbers() {
  jobstream::Multiple<int> out;
  for (int i = 0; i < 1000; ++i) out.push_back(i);
  return out;
}

[[jobstream::job]]
int slow(int x) {
  std::this_thread::sleep_for(std::chrono::microseconds(200));
  return x;
}

[[jobstream::job]]
int explode(int x) {
  if (x == 613) throw std::runtime_error("bad item 613");
  return x;
}

[[jobstream::result]]
void ignore(int) {}

}  // namespace errors
