// A sweep's combination P is one column 'param' (a number, an enum or a
// string) or a class whose public data members are the columns. Each column
// is printed in the table (with operator<<, as the default printer prints)
// and the table is sorted by the columns in order (operator<): a column that
// cannot be is an error naming the member and its type.
// RUN: not %jsgen %s %jsgen_flags 2>&1 | FileCheck %s
#include <jobstream/jobstream.hpp>

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace unprintable {
enum class Shape { round, square };
struct Params {
  Shape shape{};
  // CHECK: diag_sweep_params.cpp:[[@LINE-1]]:9: error: member 'shape' of sweep parameters 'Params' has type 'Shape', which is printed in the table, but 'Shape' has no operator<<; declare 'std::ostream& operator<<(std::ostream&, const Shape&)' in the namespace of 'Shape'
  // CHECK: diag_sweep_params.cpp:[[@LINE+2]]:35: note: sweep stage 'unprintable::trial' takes 'Params' here
};
[[jobstream::sweep]] double trial(const Params& p, std::uint64_t t);
}  // namespace unprintable

namespace unordered {
struct Size { int bytes = 0; };
std::ostream& operator<<(std::ostream& out, const Size& size);
struct Params {
  Size size;
  // CHECK: diag_sweep_params.cpp:[[@LINE-1]]:8: error: member 'size' of sweep parameters 'Params' has type 'Size', which has no operator<; the table is sorted by its parameters (member by member): declare 'bool operator<(const Size&, const Size&)' in the namespace of 'Size'
};
[[jobstream::sweep]] double trial(const Params& p, std::uint64_t t);
}  // namespace unordered

namespace whole {
enum class Shape { round, square };
[[jobstream::sweep]] double trial(Shape p, std::uint64_t t);
// CHECK: diag_sweep_params.cpp:[[@LINE-1]]:35: error: sweep parameters 'Shape' are printed in the table, but 'Shape' has no operator<<; declare 'std::ostream& operator<<(std::ostream&, const Shape&)' in the namespace of 'Shape'
}  // namespace whole

namespace packed {
struct Params {
  int small : 4 = 0;
  // CHECK: diag_sweep_params.cpp:[[@LINE-1]]:7: error: member 'small' of sweep parameters 'Params' is a bit-field, which cannot travel inside the sweep's work items; make it a plain named member
};
[[jobstream::sweep]] double trial(const Params& p, std::uint64_t t);
}  // namespace packed

namespace closed {
class Params {
  int secret = 0;
};
// CHECK: diag_sweep_params.cpp:[[@LINE-3]]:7: error: sweep parameters 'Params' have no public data members; the table's parameter columns are its public data members
[[jobstream::sweep]] double trial(const Params& p, std::uint64_t t);
}  // namespace closed

namespace derived {
struct Common { int n = 0; };
struct Params : Common { double a = 0; };
// CHECK: diag_sweep_params.cpp:[[@LINE-1]]:17: error: sweep parameters 'Params' have a base class 'Common'; the table's parameter columns are the class's own public data members: move the members of 'Common' into 'Params'
[[jobstream::sweep]] double trial(const Params& p, std::uint64_t t);
}  // namespace derived

namespace container {
[[jobstream::sweep]] double trial(const std::vector<int>& p, std::uint64_t t);
// CHECK: diag_sweep_params.cpp:[[@LINE-1]]:35: error: sweep stage 'container::trial' takes 'std::vector<int>' as its combination; a combination is an arithmetic type, an enum or std::string (the table's column 'param'), or a class whose public data members are the columns
}  // namespace container

// Accepted: a string; an unscoped enum (printed and compared as a number);
// a class whose private members are not columns; members that are strings
// or vectors (printed element by element, compared by the library).
namespace fine {
enum Mode { fast, slow };
class Params {
 public:
  std::string name;
  Mode mode = fast;
  std::vector<int> sizes;

 private:
  int cache = 0;
};
[[jobstream::sweep]] double trial(const Params& p, std::uint64_t t);
}  // namespace fine
namespace fine_string {
[[jobstream::sweep]] double trial(std::string p, std::uint64_t t);
}  // namespace fine_string
// CHECK-NOT: fine
// CHECK: 7 errors generated.
