// A stage group from a header, spliced by a using-directive: its stages run
// where the directive stands, and the generated code calls them by their
// qualified names. The generated file compiles under strict flags.
// RUN: %jsgen --dump-model %s %jsgen_flags -I %S/Inputs | FileCheck %s --check-prefix=MODEL
// RUN: %jsgen %s -o %t.cpp %jsgen_flags -I %S/Inputs
// RUN: FileCheck %s --input-file=%t.cpp --check-prefix=CODE
// RUN: %cxx_gcc -I %S/Inputs %t.cpp
// RUN: %cxx_clang -I %S/Inputs %t.cpp
#include "group_text.hpp"

#include <string>

namespace app {

[[jobstream::job]] std::string lower(std::string word) { return word; }

using namespace lib::jobs_text;

[[jobstream::result]] void show(long n) { (void)n; }

}  // namespace app

// MODEL:      pipeline app in
// MODEL-NEXT:   stage 0 job app::lower at {{.*}}group_header.cpp:
// MODEL:        stage 1 job lib::jobs_text::length at {{.*}}group_text.hpp:10:
// MODEL:          group lib::jobs_text
// MODEL:        stage 2 job lib::jobs_text::twice at {{.*}}group_text.hpp:12:
// MODEL:          group lib::jobs_text
// MODEL:        stage 3 result app::show at
// MODEL-NOT:      group lib
// MODEL-NOT:  pipeline

// CODE: ::lib::jobs_text::length(
// CODE: ::lib::jobs_text::twice(
// CODE: ::app::show(
// CODE: .name = "lib::jobs_text::length"
