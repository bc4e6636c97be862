// Without result or finish, items leaving the pipeline go to a print stage;
// with one of them, there is no print stage.
// RUN: %jsgen %s %jsgen_flags | FileCheck %s
// RUN: %jsgen %s %jsgen_flags -DWITH_RESULT | FileCheck %s --check-prefix=RESULT
#include <jobstream/jobstream.hpp>

#include <string>

namespace printed {

[[jobstream::job]] std::string name(int n) { return std::to_string(n); }
#ifdef WITH_RESULT
[[jobstream::result]] void show(const std::string&) {}
#endif

}  // namespace printed

// CHECK:      constexpr ::jobstream::detail::StageDef kStages[] = {
// CHECK-NEXT:   {.kind = ::jobstream::detail::StageKind::job, .name = "printed::name", .input = &::jobstream::detail::itemTypeOf<int>, .inputName = "int", .serial = false, .process = &process_0, .owner = ::jobstream::detail::kNoStage, .region = 0, .partner = ::jobstream::detail::kNoStage},
// CHECK-NEXT:   {.kind = ::jobstream::detail::StageKind::print, .name = "jobstream::print", .input = &::jobstream::detail::itemTypeOf<::std::string>, .inputName = "std::string", .serial = false, .process = &::jobstream::detail::printItems<::std::string>, .owner = ::jobstream::detail::kNoStage, .region = 0, .partner = ::jobstream::detail::kNoStage},
// CHECK-NEXT: };

// RESULT:      constexpr ::jobstream::detail::StageDef kStages[] = {
// RESULT-NEXT:   {.kind = ::jobstream::detail::StageKind::job, .name = "printed::name"
// RESULT-NEXT:   {.kind = ::jobstream::detail::StageKind::result, .name = "printed::show", .input = &::jobstream::detail::itemTypeOf<::std::string>, .inputName = "std::string", .serial = false, .process = &process_1, .owner = ::jobstream::detail::kNoStage, .region = 0, .partner = ::jobstream::detail::kNoStage},
// RESULT-NEXT: };
// RESULT-NOT:  StageKind::print
