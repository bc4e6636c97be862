// Without a result or finish stage, the items leaving a pipeline go to the
// runtime's default printer (printItem in jobstream/detail/text.hpp): written
// with operator<<, or part by part for tuples, pairs, optionals, variants and
// ranges. An item it could not print is an error at the stage the items leave
// from, asked of Sema the way the compiler will resolve the printer's `<<`.
#pragma once

#include <vector>

#include "clang/Sema/Sema.h"
#include "stage_checks.hpp"

namespace jsgen {

// The stages of a pipeline that passed checkPipeline. True if it ends with
// result or finish, or if what leaves it can be printed.
bool checkPrintable(const std::vector<FoundStage>& stages, clang::Sema& sema);

// The same questions for other printed values (a sweep's parameter columns,
// which sweepText prints with printItem). The type inside `item` that
// printItem cannot print; null if it can, or if the source declares no
// std::ostream to ask about (then the compiler says it).
clang::QualType unprintablePart(clang::Sema& sema, clang::QualType item, clang::SourceLocation at);

// Whether `x < y` works for two `const T&` (a member operator<, one that
// argument-dependent lookup finds, or the built-in one) and converts to bool.
bool isOrdered(clang::Sema& sema, clang::QualType type, clang::SourceLocation at);

}  // namespace jsgen
