#include "depfile.hpp"

#include <algorithm>
#include <ostream>

namespace jsgen {
namespace {

// Make's escapes: a space or '#' takes a backslash, '$' doubles.
std::string escaped(const std::string& path) {
  std::string text;
  for (char c : path) {
    if (c == ' ' || c == '#') text += '\\';
    if (c == '$') text += '$';
    text += c;
  }
  return text;
}

}  // namespace

void writeDepfile(const std::string& target, const std::vector<std::string>& sources,
                  const std::set<std::string>& dependencies, std::ostream& out) {
  out << escaped(target) << ':';
  for (const std::string& source : sources) out << " \\\n  " << escaped(source);
  for (const std::string& file : dependencies) {
    if (std::find(sources.begin(), sources.end(), file) != sources.end()) continue;
    out << " \\\n  " << escaped(file);
  }
  out << '\n';
}

}  // namespace jsgen
