// An exception thrown in a frame, a frame_end or a reduce ends the run on
// every rank with a non-zero exit and a message naming that stage, like one
// thrown in a job (errors.cpp); so does a call of std::exit(). The ITEM
// arguments say where: many harmless items ("ok") keep every rank busy, and
// one item names the stage that throws ("frame") or exits ("exit:frame").
#include <jobstream/jobstream.hpp>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>

namespace stage_errors {

void failIf(std::string_view item, std::string_view stage) {
  if (item == stage) throw std::runtime_error("thrown in the " + std::string(stage));
  if (item.starts_with("exit:") && item.substr(5) == stage) std::exit(3);
}

struct Loop {
  bool started = false;
  std::string item;
};

struct Count {
  std::int64_t items = 0;
};

[[jobstream::job]]
jobstream::Multiple<std::string> many(const std::string& item) {
  if (item != "ok") return {item};
  return jobstream::Multiple<std::string>(200, "ok");
}

[[jobstream::frame]]
std::optional<std::string> enter(Loop& loop, const std::string& item) {
  failIf(item, "frame");
  if (loop.started) return std::nullopt;
  loop = {true, item};
  return item;
}

[[jobstream::job]]
std::string slow(const std::string& item) {
  std::this_thread::sleep_for(std::chrono::microseconds(100));
  return item;
}

[[jobstream::frame_end]]
void leave(Loop& loop, const std::string& item) {
  (void)loop;
  failIf(item, "frame_end");
}

[[jobstream::emit]]
std::string itemOf(const Loop& loop) { return loop.item; }

[[jobstream::reduce]]
void count(Count& store, std::span<const std::string> inputs, std::span<const Count> others) {
  for (const std::string& i : inputs) {
    failIf(i, "reduce");
    ++store.items;
  }
  for (const Count& o : others) store.items += o.items;
}

[[jobstream::emit]]
std::string total(const Count& store) { return std::to_string(store.items); }

}  // namespace stage_errors
