// The stage group of group_words.hpp in a second program: the words of five
// letters or more, printed one per line.
#include <optional>
#include <string>

#include "group_words.hpp"

namespace long_words {

using namespace jobs_words;

[[jobstream::job]] std::optional<std::string> keepLong(const std::string& word) {
  if (word.size() < 5) return std::nullopt;
  return word;
}

}  // namespace long_words
