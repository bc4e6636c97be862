// A pipeline of init stages only: several inits add up, and what they make
// goes to the default printer.
// RUN: %jsgen --dump-model %s %jsgen_flags | FileCheck %s --check-prefix=MODEL
// RUN: %jsgen %s %jsgen_flags | FileCheck %s --check-prefix=CODE
#include <jobstream/jobstream.hpp>

namespace seeds {

[[jobstream::init]] int first() { return 1; }
[[jobstream::init]] jobstream::Multiple<int> more() { return {2, 3}; }

}  // namespace seeds

// MODEL:      pipeline seeds
// MODEL-NEXT:   stage 0 init seeds::first
// MODEL-NEXT:     returns value 'int' item int [int]
// MODEL-NEXT:   stage 1 init seeds::more
// MODEL-NEXT:     returns multiple 'jobstream::Multiple<int>' item int [int]

// Both inits deliver to stage 2, the printer, which is the entry.
// CODE:      void init_0(
// CODE:        ::jobstream::detail::Output<int> out(emitter, 2);
// CODE:      void init_1(
// CODE:        ::jobstream::detail::Output<int> out(emitter, 2);
// CODE:      {.kind = ::jobstream::detail::StageKind::print, .name = "jobstream::print", .input = &::jobstream::detail::itemTypeOf<int>, .inputName = "int", .serial = false, .process = &::jobstream::detail::printItems<int>, .owner = ::jobstream::detail::kNoStage, .region = 0, .partner = ::jobstream::detail::kNoStage},
// CODE:      .entry = 2,
// CODE-NEXT: .parseItem = ::jobstream::detail::parserFor<int>(),
