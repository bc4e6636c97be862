// The contract's word-average pipeline: a top-level reduce with an emit. The
// reduce gets a new store, adds a range of inputs as a span, merges partial
// stores through `others`, and its leave calls the emit (reported as the
// emit) and sends the double to the stage after the emit. The emit has a row
// of its own without functions; the result is in the next region.
// RUN: %jsgen %s -o %t.cpp %jsgen_flags
// RUN: FileCheck %s --input-file=%t.cpp
// RUN: %cxx_gcc %t.cpp
// RUN: %cxx_clang %t.cpp
#include <jobstream/jobstream.hpp>

#include <iostream>
#include <span>
#include <sstream>
#include <string>

namespace wordlen {

[[jobstream::init]] jobstream::Multiple<std::string> words() {
  std::istringstream in("Hello there world, how are you?");
  jobstream::Multiple<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

[[jobstream::job]] int length(const std::string& word) { return static_cast<int>(word.size()); }

struct Mean {
  double sum = 0;
  int count = 0;
};

[[jobstream::reduce]] void average(Mean& store, std::span<const int> inputs,
                                   std::span<const Mean> others) {
  for (int n : inputs) {
    store.sum += n;
    ++store.count;
  }
  for (const Mean& o : others) {
    store.sum += o.sum;
    store.count += o.count;
  }
}

[[jobstream::emit]] double value(const Mean& m) { return m.sum / m.count; }

[[jobstream::result]] void print(double mean) { std::cout << mean << '\n'; }

}  // namespace wordlen

// The store is serialised like an item.
// CHECK:       void serialize(Archive& jsgen_archive, ::wordlen::Mean& jsgen_value) {

// The job before the reduce delivers to it.
// CHECK-LABEL: void process_1(
// CHECK:         ::jobstream::detail::Output<int> out(emitter, 2);

// CHECK-LABEL: std::unique_ptr<::jobstream::detail::BatchBase> newStore_2() {
// CHECK-NEXT:    auto store = std::make_unique<::jobstream::detail::Batch<::wordlen::Mean>>();
// CHECK-NEXT:    store->items.emplace_back();
// CHECK-NEXT:    return store;
// CHECK-NEXT:  }

// CHECK-LABEL: void reduce_2(::jobstream::detail::BatchBase& storeBatch, ::jobstream::detail::BatchBase& batch, std::size_t begin, std::size_t end, ::jobstream::detail::Emitter& emitter) {
// CHECK-NEXT:    auto& store = static_cast<::jobstream::detail::Batch<::wordlen::Mean>&>(storeBatch).items[0];
// CHECK-NEXT:    auto& items = static_cast<::jobstream::detail::Batch<int>&>(batch).items;
// CHECK-NEXT:    emitter.current = 2;
// CHECK-NEXT:    ::wordlen::average(store, std::span<const int>(items.data() + begin, end - begin), std::span<const ::wordlen::Mean>());
// CHECK-NEXT:  }

// CHECK-LABEL: void merge_2(::jobstream::detail::BatchBase& storesBatch, ::jobstream::detail::Emitter& emitter) {
// CHECK-NEXT:    auto& stores = static_cast<::jobstream::detail::Batch<::wordlen::Mean>&>(storesBatch).items;
// CHECK-NEXT:    emitter.current = 2;
// CHECK-NEXT:    ::wordlen::average(stores[0], std::span<const int>(), std::span<const ::wordlen::Mean>(stores.data() + 1, stores.size() - 1));
// CHECK-NEXT:  }

// CHECK-LABEL: void leave_2(::jobstream::detail::BatchBase& storeBatch, ::jobstream::detail::Emitter& emitter) {
// CHECK-NEXT:    auto& store = static_cast<::jobstream::detail::Batch<::wordlen::Mean>&>(storeBatch).items[0];
// CHECK-NEXT:    ::jobstream::detail::Output<double> out(emitter, 4);
// CHECK-NEXT:    emitter.current = 3;
// CHECK-NEXT:    out.push(::wordlen::value(store));
// CHECK-NEXT:    out.close();
// CHECK-NEXT:  }

// CHECK-NOT:   _3(
// CHECK-LABEL: void process_4(

// CHECK:      constexpr ::jobstream::detail::StageDef kStages[] = {
// CHECK-NEXT:   {.kind = ::jobstream::detail::StageKind::init, .name = "wordlen::words", .input = nullptr, .inputName = "", .serial = false, .init = &init_0, .owner = ::jobstream::detail::kNoStage, .region = 0, .partner = ::jobstream::detail::kNoStage},
// CHECK-NEXT:   {.kind = ::jobstream::detail::StageKind::job, .name = "wordlen::length", .input = &::jobstream::detail::itemTypeOf<::std::string>, .inputName = "std::string", .serial = false, .process = &process_1, .owner = ::jobstream::detail::kNoStage, .region = 0, .partner = ::jobstream::detail::kNoStage},
// CHECK-NEXT:   {.kind = ::jobstream::detail::StageKind::reduce, .name = "wordlen::average", .input = &::jobstream::detail::itemTypeOf<int>, .inputName = "int", .serial = false, .owner = ::jobstream::detail::kNoStage, .region = 0, .partner = ::jobstream::detail::kNoStage, .store = &::jobstream::detail::itemTypeOf<::wordlen::Mean>, .newStore = &newStore_2, .reduce = &reduce_2, .merge = &merge_2, .leave = &leave_2},
// CHECK-NEXT:   {.kind = ::jobstream::detail::StageKind::emit, .name = "wordlen::value", .input = &::jobstream::detail::itemTypeOf<::wordlen::Mean>, .inputName = "Mean", .serial = false, .owner = ::jobstream::detail::kNoStage, .region = 1, .partner = ::jobstream::detail::kNoStage},
// CHECK-NEXT:   {.kind = ::jobstream::detail::StageKind::result, .name = "wordlen::print", .input = &::jobstream::detail::itemTypeOf<double>, .inputName = "double", .serial = false, .process = &process_4, .owner = ::jobstream::detail::kNoStage, .region = 1, .partner = ::jobstream::detail::kNoStage},
// CHECK-NEXT: };
// CHECK:        .entry = 1,
