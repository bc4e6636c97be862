// The spellings of the [[jobstream::NAME]] attributes (the user contract):
// the one list that jsgen registers with Clang, recognises on declarations,
// suggests for typos and prints in messages, dumps and generated code.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

namespace jsgen {

inline constexpr std::string_view kAttributeNamespace = "jobstream";

// Spelled in full: the stage kinds in model::StageKind order, then the marker
// that may stand beside one of them. String literals, because Clang's
// attribute registry keeps pointers to them.
inline constexpr std::array<const char*, 10> kAttributeSpellings = {
    "jobstream::init",   "jobstream::job",    "jobstream::frame",
    "jobstream::frame_end", "jobstream::reduce", "jobstream::sweep",
    "jobstream::emit",   "jobstream::result", "jobstream::finish",
    "jobstream::not_thread_safe"};
inline constexpr std::size_t kStageKindCount = 9;
inline constexpr std::size_t kNotThreadSafe = 9;  // index of the marker

// The same without the namespace: "init", "job", ..., "not_thread_safe". Each
// ends where its literal does, so data() is a C string.
inline constexpr std::array<std::string_view, kAttributeSpellings.size()> kAttributeNames = [] {
  std::array<std::string_view, kAttributeSpellings.size()> names;
  for (std::size_t i = 0; i != names.size(); ++i) {
    const std::string_view full = kAttributeSpellings[i];
    if (!full.starts_with(kAttributeNamespace) || full.substr(kAttributeNamespace.size(), 2) != "::")
      throw "every spelling starts with jobstream::";  // a compile error in a constant expression
    names[i] = full.substr(kAttributeNamespace.size() + 2);
  }
  return names;
}();

}  // namespace jsgen
