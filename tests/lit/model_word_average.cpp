// The word-average pipeline of the contract (init, job, reduce, emit, result):
// the reduce keeps a Mean, takes the job's ints, recurs into the top-level
// scope's first stage and lets the emit's double leave; the result starts
// the next region. The Mean store is planned for serialisation.
// RUN: %jsgen --dump-model %s %jsgen_flags 2>/dev/null | FileCheck %s
#include <jobstream/jobstream.hpp>

#include <span>
#include <string>

namespace wordlen {

[[jobstream::init]] jobstream::Multiple<std::string> words() { return {"Hello", "there"}; }
// CHECK-LABEL: stage 0 init wordlen::words
// CHECK-NOT:     scope

[[jobstream::job]] int length(const std::string& word) { return static_cast<int>(word.size()); }
// CHECK-LABEL: stage 1 job wordlen::length
// CHECK:         scope top region 1

struct Mean {
  double sum = 0;
  int count = 0;
};

[[jobstream::reduce]] void average(Mean& store, std::span<const int> inputs,
                                   std::span<const Mean> others) {
  for (int n : inputs) store.sum += n, ++store.count;
  for (const Mean& o : others) store.sum += o.sum, store.count += o.count;
}
// CHECK-LABEL: stage 2 reduce wordlen::average
// CHECK-SAME:    at {{.*}}model_word_average.cpp:[[@LINE-6]]:28
// CHECK:         input int [int]
// CHECK-NEXT:    returns void 'void'
// CHECK-NEXT:    store Mean [::wordlen::Mean]
// CHECK-NEXT:    scope top region 1
// CHECK-NEXT:    recurs to 1
// CHECK-NEXT:    leaves double [double]

[[jobstream::emit]] double value(const Mean& m) { return m.sum / m.count; }
// CHECK-LABEL: stage 3 emit wordlen::value
// CHECK:         returns value 'double' item double [double]
// CHECK-NEXT:    store Mean [::wordlen::Mean]
// CHECK-NEXT:    scope top region 1
// CHECK-NOT:     recurs
// CHECK-NOT:     leaves

[[jobstream::result]] void print(double mean) { (void)mean; }
// CHECK-LABEL: stage 4 result wordlen::print
// CHECK:         input double [double]
// CHECK-NEXT:    returns void 'void'
// CHECK-NEXT:    scope top region 4

}  // namespace wordlen

// CHECK:      type ::wordlen::Mean generate
// CHECK-NEXT:   scope wordlen
// CHECK-NEXT:   field sum
// CHECK-NEXT:   field count
