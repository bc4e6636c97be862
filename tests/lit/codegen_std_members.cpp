// Every std container and wrapper that jsgen serialises may be a member of a
// store (value-initialised for each reduction and frame instance) and of an
// item, without an initialiser, and the store may have a defaulted default
// constructor: whether a store can be value-initialised is Sema's answer.
// RUN: %jsgen %s -o %t.cpp %jsgen_flags
// RUN: %cxx_gcc %t.cpp
// RUN: %cxx_clang %t.cpp
#include <jobstream/jobstream.hpp>

#include <array>
#include <bitset>
#include <chrono>
#include <complex>
#include <deque>
#include <forward_list>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <variant>
#include <vector>

namespace members {

enum class Colour { red, green };

// An aggregate: its default constructor is implicit.
struct Every {
  std::string string;
  std::vector<int> vector;
  std::deque<int> deque;
  std::list<int> list;
  std::forward_list<int> forwardList;
  std::array<int, 2> array;
  std::map<std::string, long> map;
  std::multimap<std::string, long> multimap;
  std::unordered_map<std::string, long> unorderedMap;
  std::unordered_multimap<std::string, long> unorderedMultimap;
  std::set<int> set;
  std::multiset<int> multiset;
  std::unordered_set<std::string> unorderedSet;
  std::unordered_multiset<std::string> unorderedMultiset;
  std::optional<int> optional;
  std::variant<std::monostate, int, std::string> variant;
  std::tuple<int, std::string> tuple;
  std::pair<int, long> pair;
  std::unique_ptr<int> uniquePtr;
  std::bitset<8> bitset;
  std::complex<double> complex;
  std::chrono::milliseconds duration;
  std::chrono::system_clock::time_point timePoint;
  Colour colour;
};

// A class with a defaulted default constructor.
class Defaulted {
 public:
  Defaulted() = default;
  void add(const Every& item) { counts[item.string] += item.unorderedMap.size(); }

 private:
  std::unordered_map<std::string, std::size_t> counts;
  std::unordered_set<std::string> seen;
  std::deque<long> recent;
  Every every;
};

// Every is an item, from a job to a reduce, and the reduce's store.
[[jobstream::job]] Every make(const std::string& word) {
  Every every;
  every.unorderedMap[word] = 1;
  return every;
}

[[jobstream::reduce]] void collect(Every& store, std::span<const Every> inputs,
                                   std::span<const Every> others) {
  for (const Every& item : inputs) store.unorderedMap.insert(item.unorderedMap.begin(), item.unorderedMap.end());
  for (const Every& other : others) store.unorderedMap.insert(other.unorderedMap.begin(), other.unorderedMap.end());
}

// Defaulted is a frame's store.
[[jobstream::frame]] std::optional<int> start(Defaulted& store, const Every& first) {
  store.add(first);
  return std::nullopt;
}
[[jobstream::frame_end]] void end(Defaulted& store, int) { (void)store; }

[[jobstream::result]] void show(const Defaulted&) {}

}  // namespace members
