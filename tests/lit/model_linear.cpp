// The model of a linear pipeline: stages in source order, with how each takes
// its item and what it returns.
// RUN: %jsgen --dump-model %s %jsgen_flags | FileCheck %s
#include <jobstream/jobstream.hpp>

#include <string>

namespace wordlen {

[[jobstream::init]] jobstream::Multiple<std::string> words() { return {"a", "bb"}; }
// CHECK:      pipeline wordlen in {{.*}}model_linear.cpp
// CHECK-NEXT:   stage 0 init wordlen::words at {{.*}}model_linear.cpp:[[@LINE-2]]:54
// CHECK-NEXT:     returns multiple 'jobstream::Multiple<std::string>' item std::string [::std::string]

[[jobstream::job]] int length(const std::string& word) { return static_cast<int>(word.size()); }
// CHECK-NEXT:   stage 1 job wordlen::length at {{.*}}:[[@LINE-1]]:24
// CHECK-NEXT:     param word const_ref 'const std::string &' item std::string [::std::string]
// CHECK-NEXT:     input std::string [::std::string]
// CHECK-NEXT:     returns value 'int' item int [int]

[[jobstream::job]] long twice(int&& n) { return 2L * n; }
// CHECK-NEXT:   stage 2 job wordlen::twice at {{.*}}:[[@LINE-1]]:25
// CHECK-NEXT:     param n rvalue_ref 'int &&' item int [int]
// CHECK-NEXT:     input int [int]
// CHECK-NEXT:     returns value 'long' item long [long]

[[jobstream::result]] void show(long n) { (void)n; }
// CHECK-NEXT:   stage 3 result wordlen::show at {{.*}}:[[@LINE-1]]:28
// CHECK-NEXT:     param n value 'long' item long [long]
// CHECK-NEXT:     input long [long]
// CHECK-NEXT:     returns void 'void'
// CHECK-NOT:  stage

}  // namespace wordlen

// CHECK-NOT: type
