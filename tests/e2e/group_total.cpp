// The stage group of group_words.hpp in one program: the letters of every
// word of the input, added up by a reduce.
#include <span>
#include <string>

#include "group_words.hpp"

namespace total {

using namespace jobs_words;

[[jobstream::job]] long letters(const std::string& word) { return static_cast<long>(word.size()); }

[[jobstream::reduce]] void add(long& sum, std::span<const long> counts, std::span<const long> others) {
  for (long n : counts) sum += n;
  for (long n : others) sum += n;
}

}  // namespace total
