// A checkpoint holds the bytes of the types that travel, so the pipeline's
// fingerprint covers their members: changing a member's type or name (here
// with -D) changes it, while the same source gives the same one.
// RUN: %jsgen --no-main %s -o %t.int.cpp %jsgen_flags -DCOUNT=int -DNAME=count
// RUN: %jsgen --no-main %s -o %t.int2.cpp %jsgen_flags -DCOUNT=int -DNAME=count
// RUN: %jsgen --no-main %s -o %t.long.cpp %jsgen_flags -DCOUNT=long -DNAME=count
// RUN: %jsgen --no-main %s -o %t.renamed.cpp %jsgen_flags -DCOUNT=int -DNAME=total
// RUN: grep '\.fingerprint = ' %t.int.cpp > %t.int
// RUN: grep '\.fingerprint = ' %t.int2.cpp > %t.int2
// RUN: grep '\.fingerprint = ' %t.long.cpp > %t.long
// RUN: grep '\.fingerprint = ' %t.renamed.cpp > %t.renamed
// RUN: diff %t.int %t.int2
// RUN: not diff %t.int %t.long
// RUN: not diff %t.int %t.renamed
// RUN: not diff %t.long %t.renamed
#include <jobstream/jobstream.hpp>

#include <ostream>
#include <span>

namespace tally {
struct Inner {
  COUNT NAME = 0;
};
struct Sum {
  // Printed by the default printer.
  friend std::ostream& operator<<(std::ostream& out, const Sum&) { return out << "Sum"; }
  Inner inner;  // nested: its members count too
};

[[jobstream::reduce]] void add(Sum& s, std::span<const int> in, std::span<const Sum> others) {
  for (int n : in) s.inner.NAME += n;
  for (const Sum& o : others) s.inner.NAME += o.inner.NAME;
}
}  // namespace tally
