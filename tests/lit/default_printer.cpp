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
// CHECK-NEXT:   {::jobstream::detail::StageKind::job, "printed::name", &::jobstream::detail::itemTypeOf<int>, "int", false, nullptr, &process_0, nullptr},
// CHECK-NEXT:   {::jobstream::detail::StageKind::print, "jobstream::print", &::jobstream::detail::itemTypeOf<::std::string>, "std::string", false, nullptr, &::jobstream::detail::printItems<::std::string>, nullptr},
// CHECK-NEXT: };

// RESULT:      constexpr ::jobstream::detail::StageDef kStages[] = {
// RESULT-NEXT:   {::jobstream::detail::StageKind::job, "printed::name"
// RESULT-NEXT:   {::jobstream::detail::StageKind::result, "printed::show", &::jobstream::detail::itemTypeOf<::std::string>, "std::string", false, nullptr, &process_1, nullptr},
// RESULT-NEXT: };
// RESULT-NOT:  StageKind::print
