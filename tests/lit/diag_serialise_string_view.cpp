// std::string_view does not own its characters.
// RUN: not %jsgen %s %jsgen_flags 2>&1 | FileCheck %s
#include <jobstream/jobstream.hpp>

#include <string_view>

namespace text {
struct Word {
  std::string_view letters;
// CHECK: diag_serialise_string_view.cpp:[[@LINE-1]]:20: error: cannot generate serialisation for 'text::Word': member 'letters' of type 'std::string_view' is a view of characters it does not own; hold a std::string
};
[[jobstream::job]] Word word(int) { return {}; }
// CHECK: diag_serialise_string_view.cpp:[[@LINE-1]]:25: note: the type travels between stages at 'text::word'
}  // namespace text
// CHECK: 1 error generated.
