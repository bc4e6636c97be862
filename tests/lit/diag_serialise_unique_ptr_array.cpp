// std::unique_ptr<T[]> does not know its length: cereal cannot serialise it.
// RUN: not %jsgen %s %jsgen_flags 2>&1 | FileCheck %s
#include <jobstream/jobstream.hpp>

#include <memory>

namespace buf {
struct Buffer {
  std::unique_ptr<char[]> bytes;
// CHECK: diag_serialise_unique_ptr_array.cpp:[[@LINE-1]]:27: error: cannot generate serialisation for 'buf::Buffer': member 'bytes' of type 'std::unique_ptr<char[]>' is a std::unique_ptr to an array, which cereal cannot serialise; hold a std::vector
};
[[jobstream::job]] Buffer make(int) { return {}; }
// CHECK: diag_serialise_unique_ptr_array.cpp:[[@LINE-1]]:27: note: the type travels between stages at 'buf::make'
}  // namespace buf
// CHECK: 1 error generated.
