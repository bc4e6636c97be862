// A sweep's checkpoint holds its combinations and rows, so the pipeline's
// fingerprint changes with P and with O (here with -D), and not otherwise.
// RUN: %jsgen %s -o %t.base.cpp %jsgen_flags -DPARAM=double -DOUTCOME=double
// RUN: %jsgen %s -o %t.same.cpp %jsgen_flags -DPARAM=double -DOUTCOME=double
// RUN: %jsgen %s -o %t.p.cpp %jsgen_flags -DPARAM=int -DOUTCOME=double
// RUN: %jsgen %s -o %t.o.cpp %jsgen_flags -DPARAM=double -DOUTCOME=float
// RUN: grep '\.fingerprint = ' %t.base.cpp > %t.base
// RUN: grep '\.fingerprint = ' %t.same.cpp > %t.same
// RUN: grep '\.fingerprint = ' %t.p.cpp > %t.p
// RUN: grep '\.fingerprint = ' %t.o.cpp > %t.o
// RUN: diff %t.base %t.same
// RUN: not diff %t.base %t.p
// RUN: not diff %t.base %t.o
#include <jobstream/jobstream.hpp>

#include <cstdint>

namespace print {
[[jobstream::sweep]] OUTCOME trial(PARAM p, std::uint64_t t) {
  return static_cast<OUTCOME>(p) + static_cast<OUTCOME>(t);
}
}  // namespace print
