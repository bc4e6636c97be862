// What a sweep's trial returns is an arithmetic type (the column 'value') or
// a class whose data members are all public, plain arithmetic members (a
// column each). Anything else is an error at the member, naming it and its
// type, with a note at the sweep.
// RUN: not %jsgen %s %jsgen_flags 2>&1 | FileCheck %s
#include <jobstream/jobstream.hpp>

#include <cstdint>
#include <string>

namespace text {
struct Outcome {
  double value = 0;
  std::string label;
  // CHECK: diag_sweep_outcome.cpp:[[@LINE-1]]:15: error: member 'label' of sweep outcome 'Outcome' has type 'std::string'; each member of an outcome is an arithmetic type (a number or bool: one column of the table)
  // CHECK: diag_sweep_outcome.cpp:[[@LINE+2]]:22: note: sweep stage 'text::trial' returns 'Outcome' here
};
[[jobstream::sweep]] Outcome trial(double p, std::uint64_t t);
}  // namespace text

namespace based {
struct Common { double cost = 0; };
struct Outcome : Common { double value = 0; };
// CHECK: diag_sweep_outcome.cpp:[[@LINE-1]]:18: error: sweep outcome 'Outcome' has a base class 'Common'; an outcome's columns are its own data members: move the members of 'Common' into 'Outcome'
[[jobstream::sweep]] Outcome trial(double p, std::uint64_t t);
}  // namespace based

namespace hidden {
class Outcome {
  double value = 0;
  // CHECK: diag_sweep_outcome.cpp:[[@LINE-1]]:10: error: member 'value' of sweep outcome 'Outcome' is private; generated code reads and writes each column: make it public
 public:
  const double cost = 0;
  // CHECK: diag_sweep_outcome.cpp:[[@LINE-1]]:16: error: member 'cost' of sweep outcome 'Outcome' is const; the row's mean, dev and err are written into it
  int flags : 3 = 0;
  // CHECK: diag_sweep_outcome.cpp:[[@LINE-1]]:7: error: member 'flags' of sweep outcome 'Outcome' is a bit-field; make it a plain arithmetic member
};
[[jobstream::sweep]] Outcome trial(double p, std::uint64_t t);
}  // namespace hidden

namespace empty {
struct Outcome {};
// CHECK: diag_sweep_outcome.cpp:[[@LINE-1]]:8: error: sweep outcome 'Outcome' has no data members; each of its members is a column of the table, and a sweep measures at least one
[[jobstream::sweep]] Outcome trial(double p, std::uint64_t t);
}  // namespace empty

namespace library {
[[jobstream::sweep]] std::string trial(double p, std::uint64_t t);
// CHECK: diag_sweep_outcome.cpp:[[@LINE-1]]:22: error: sweep stage 'library::trial' returns 'std::string'; what a trial measures is an arithmetic type (the table's column 'value') or a struct whose data members are all arithmetic (a column each)
}  // namespace library

// Accepted: numbers and bool, whole or as members.
namespace fine {
struct Outcome { bool hit = false; long count = 0; float share = 0; };
[[jobstream::sweep]] Outcome trial(double p, std::uint64_t t);
}  // namespace fine
namespace fine_whole {
[[jobstream::sweep]] bool hit(double p, std::uint64_t t);
}  // namespace fine_whole
// CHECK-NOT: fine
// CHECK: 7 errors generated.
