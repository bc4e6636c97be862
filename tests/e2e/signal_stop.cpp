// The pipeline the signal tests stop (tests/e2e/signal_stop_test.py): 1,000
// items of 4 ms each (sleeping, not computing: the test machine may have 2
// cores), summed by a reduce. Each call of the job appends its item to the
// file SIGNAL_STOP_LOG names, if set (one write with O_APPEND, so lines of
// concurrent calls never mix), so that the test can count the calls made
// across a run stopped by a signal and its rerun. SIGNAL_STOP_SLOW_MS makes
// the call for item 0 take that long instead: a call that a checkpoint has
// to wait for.
#include <fcntl.h>
#include <unistd.h>

#include <jobstream/jobstream.hpp>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <span>
#include <string>
#include <thread>

namespace signal_stop {

constexpr int kItems = 1000;

struct Total {
  std::int64_t items = 0;
  std::int64_t sum = 0;
};

inline void logCall(int item) {
  static const int log = [] {
    const char* path = std::getenv("SIGNAL_STOP_LOG");
    return path ? ::open(path, O_WRONLY | O_APPEND | O_CREAT, 0644) : -1;
  }();
  if (log < 0) return;
  const std::string line = std::to_string(item) + "\n";
  if (::write(log, line.data(), line.size()) != static_cast<ssize_t>(line.size())) std::abort();
}

inline int slowMilliseconds() {
  static const int slow = [] {
    const char* text = std::getenv("SIGNAL_STOP_SLOW_MS");
    return text ? std::atoi(text) : 0;
  }();
  return slow;
}

[[jobstream::init]]
jobstream::Multiple<int> items() {
  jobstream::Multiple<int> out;
  for (int i = 0; i != kItems; ++i) out.push_back(i);
  return out;
}

[[jobstream::job]]
std::int64_t work(int item) {
  const int milliseconds = item == 0 && slowMilliseconds() > 0 ? slowMilliseconds() : 4;
  std::this_thread::sleep_for(std::chrono::milliseconds(milliseconds));
  logCall(item);
  return std::int64_t{item} * item;
}

[[jobstream::reduce]]
void add(Total& total, std::span<const std::int64_t> inputs, std::span<const Total> others) {
  for (std::int64_t x : inputs) {
    ++total.items;
    total.sum += x;
  }
  for (const Total& other : others) {
    total.items += other.items;
    total.sum += other.sum;
  }
}

[[jobstream::result]]
void print(const Total& total) {
  std::cout << "items=" << total.items << " sum=" << total.sum << std::endl;
}

}  // namespace signal_stop
