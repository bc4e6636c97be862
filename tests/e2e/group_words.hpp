// A stage group shared by group_total.cpp and group_long_words.cpp: a line
// of text -> its words, lower-cased, without punctuation.
#pragma once

#include <jobstream/jobstream.hpp>

#include <cctype>
#include <optional>
#include <sstream>
#include <string>

namespace jobs_words {

[[jobstream::job]] jobstream::Multiple<std::string> split(const std::string& line) {
  std::istringstream in(line);
  jobstream::Multiple<std::string> words;
  for (std::string word; in >> word;) words.push_back(word);
  return words;
}

[[jobstream::job]] std::optional<std::string> clean(const std::string& word) {
  std::string letters;
  for (char c : word) {
    if (std::isalpha(static_cast<unsigned char>(c)))
      letters += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (letters.empty()) return std::nullopt;
  return letters;
}

}  // namespace jobs_words
