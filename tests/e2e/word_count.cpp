// A word count whose reduce store is made of unordered containers and a
// deque, with a defaulted constructor: the first thing a new user writes
// (issue: such stores were refused as not value-initialisable). Partial
// stores from every rank and thread merge through `others`.
#include <jobstream/jobstream.hpp>

#include <algorithm>
#include <cctype>
#include <deque>
#include <span>
#include <sstream>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace word_count {

struct Counts {
  Counts() = default;
  std::unordered_map<std::string, long> counts;
  std::unordered_set<std::string> lines;  // distinct input lines
  std::deque<std::string> longWords;      // words of 8 letters or more, once per occurrence
};

// One line: its words, lower case, letters only.
[[jobstream::job]]
jobstream::Multiple<std::string> words(const std::string& line) {
  jobstream::Multiple<std::string> out;
  std::istringstream in(line);
  for (std::string word; in >> word;) {
    std::string letters;
    for (char c : word)
      if (std::isalpha(static_cast<unsigned char>(c))) letters += static_cast<char>(std::tolower(c));
    if (!letters.empty()) out.push_back(letters + "\t" + line);
  }
  return out;
}

[[jobstream::reduce]]
void count(Counts& store, std::span<const std::string> inputs, std::span<const Counts> others) {
  for (const std::string& input : inputs) {
    const std::string word = input.substr(0, input.find('\t'));
    ++store.counts[word];
    store.lines.insert(input.substr(input.find('\t') + 1));
    if (word.size() >= 8) store.longWords.push_back(word);
  }
  for (const Counts& other : others) {
    for (const auto& [word, n] : other.counts) store.counts[word] += n;
    store.lines.insert(other.lines.begin(), other.lines.end());
    store.longWords.insert(store.longWords.end(), other.longWords.begin(), other.longWords.end());
  }
}

[[jobstream::emit]]
jobstream::Multiple<std::string> table(const Counts& store) {
  std::vector<std::string> rows;
  for (const auto& [word, n] : store.counts) rows.push_back(word + " " + std::to_string(n));
  std::sort(rows.begin(), rows.end());
  jobstream::Multiple<std::string> out(rows.begin(), rows.end());
  out.push_back("distinct lines " + std::to_string(store.lines.size()));
  out.push_back("long words " + std::to_string(store.longWords.size()));
  return out;
}

}  // namespace word_count
