// A std::unique_ptr with a deleter of its own: a value read back would not
// get that deleter.
// RUN: not %jsgen %s %jsgen_flags 2>&1 | FileCheck %s
#include <jobstream/jobstream.hpp>

#include <cstdio>
#include <memory>

namespace files {
struct Closer {
  void operator()(std::FILE* f) const { std::fclose(f); }
};
struct Log {
  std::unique_ptr<std::FILE, Closer> file;
// CHECK: diag_serialise_unique_ptr_deleter.cpp:[[@LINE-1]]:38: error: cannot generate serialisation for 'files::Log': member 'file' of type 'std::unique_ptr<std::FILE, Closer>' is a std::unique_ptr with a deleter of its own, which a value read back would not get; use std::unique_ptr<T> with the default deleter
};
[[jobstream::job]] Log open(int) { return {}; }
// CHECK: diag_serialise_unique_ptr_deleter.cpp:[[@LINE-1]]:24: note: the type travels between stages at 'files::open'
}  // namespace files
// CHECK: 1 error generated.
