// Wherever user code runs, an exception or a call of std::exit() ends the run
// the same way: exit status 1, a message naming the stage and the rank, every
// rank ends, no hang. The paths covered here are those where user code runs
// as a side effect of handing items on: a reduce right after a job (the job's
// batches are folded into it as they are delivered), a merge of partial
// stores, the emit of a reduce, a second reduce fed by that emit, and result.
//
// ITEM arguments: each "ok" becomes many items that keep every rank busy; one
// other ITEM names the stage that fails: "reduce" makes it throw,
// "exit:reduce" makes it call std::exit(3); "late:job" makes it throw after a
// second in the user's call, so that a run surely shows progress before it
// fails. The stage names are job, reduce, merge, emit, again, result.
#include <jobstream/jobstream.hpp>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace stage_failures {

void failIf(std::string_view item, std::string_view stage) {
  if (item.starts_with("late:") && item.substr(5) == stage) {
    std::this_thread::sleep_for(std::chrono::seconds(1));
    item = item.substr(5);
  }
  if (item == stage) throw std::runtime_error("thrown in the " + std::string(stage));
  if (item.starts_with("exit:") && item.substr(5) == stage) std::exit(3);
}

[[jobstream::job]]
jobstream::Multiple<std::string> spread(const std::string& item) {
  if (item != "ok") return {item};
  return jobstream::Multiple<std::string>(2000, "ok");
}

[[jobstream::job]]
std::string work(const std::string& item) {
  std::this_thread::sleep_for(std::chrono::microseconds(20));
  failIf(item, "job");
  return item;
}

struct Tally {
  std::int64_t items = 0;
  std::string command;  // the ITEM that is not "ok", if one reached this store
};

[[jobstream::reduce]]
void tally(Tally& store, std::span<const std::string> inputs, std::span<const Tally> others) {
  for (const std::string& item : inputs) {
    failIf(item, "reduce");
    ++store.items;
    if (item != "ok") store.command = item;
  }
  for (const Tally& other : others) {
    store.items += other.items;
    if (!other.command.empty()) store.command = other.command;
  }
  if (!others.empty()) failIf(store.command, "merge");
}

[[jobstream::emit]]
std::string summary(const Tally& tally) {
  failIf(tally.command, "emit");
  return tally.command.empty() ? "items=" + std::to_string(tally.items) : tally.command;
}

struct Lines {
  std::vector<std::string> lines;
};

[[jobstream::reduce]]
void again(Lines& store, std::span<const std::string> inputs, std::span<const Lines> others) {
  for (const std::string& line : inputs) {
    failIf(line, "again");
    store.lines.push_back(line);
  }
  for (const Lines& other : others) store.lines.insert(store.lines.end(), other.lines.begin(), other.lines.end());
}

[[jobstream::emit]]
std::string joined(const Lines& store) {
  std::string all;
  for (const std::string& line : store.lines) all += (all.empty() ? "" : " ") + line;
  return all;
}

[[jobstream::result]]
void print(const std::string& line) {
  failIf(line, "result");
  std::cout << line << '\n';
}

}  // namespace stage_failures
