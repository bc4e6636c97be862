// A multi-parameter job takes its tuple apart (const& parameters by lvalue,
// the others moved), an init delivers to the entry stage, and a finish stage
// receives every item at once. The result compiles under strict flags.
// RUN: %jsgen %s -o %t.cpp %jsgen_flags
// RUN: FileCheck %s --input-file=%t.cpp
// RUN: %cxx_gcc %t.cpp
// RUN: %cxx_clang %t.cpp
#include <jobstream/jobstream.hpp>

#include <string>
#include <tuple>
#include <vector>

namespace totals {

[[jobstream::init]] jobstream::Multiple<std::tuple<std::string, int>> seed() {
  return {{"a", 1}, {"b", 2}};
}
[[jobstream::job]] std::size_t weigh(const std::string& name, int weight) {
  return name.size() * static_cast<std::size_t>(weight);
}
[[jobstream::finish]] void total(std::vector<std::size_t> all) { (void)all; }

}  // namespace totals

// CHECK-LABEL: void init_0(::jobstream::detail::Emitter& emitter) {
// CHECK-NEXT:    emitter.current = 0;
// CHECK-NEXT:    ::jobstream::detail::Output<::std::tuple< ::std::string, int>> out(emitter, 1);
// CHECK-NEXT:    out.push(::totals::seed());
// CHECK-LABEL: void process_1(
// CHECK:         auto& items = static_cast<::jobstream::detail::Batch<::std::tuple<::std::string, int>>&>(batch).items;
// CHECK:         out.push(::totals::weigh(std::get<0>(items[i]), std::get<1>(std::move(items[i]))));
// CHECK-LABEL: void finish_2(::jobstream::detail::BatchBase& batch) {
// CHECK-NEXT:    auto& items = static_cast<::jobstream::detail::Batch<::std::size_t>&>(batch).items;
// CHECK-NEXT:    ::std::vector<::std::size_t> all(std::make_move_iterator(items.begin()), std::make_move_iterator(items.end()));
// CHECK-NEXT:    ::totals::total(std::move(all));
// CHECK:       {.kind = ::jobstream::detail::StageKind::init, .name = "totals::seed", .input = nullptr, .inputName = "", .serial = false, .init = &init_0, .owner = ::jobstream::detail::kNoStage, .region = 0, .partner = ::jobstream::detail::kNoStage},
// CHECK:       {.kind = ::jobstream::detail::StageKind::finish, .name = "totals::total", .input = &::jobstream::detail::itemTypeOf<::std::size_t>, .inputName = "std::size_t", .serial = false, .finish = &finish_2, .owner = ::jobstream::detail::kNoStage, .region = 0, .partner = ::jobstream::detail::kNoStage},
// CHECK:       .entry = 1,
// CHECK-NEXT:  .parseItem = ::jobstream::detail::parserFor<::std::tuple<::std::string, int>>(),
