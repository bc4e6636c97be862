// The rules of the stages that keep a store (reduce, frame, frame_end) and of
// emit, which reads one: their signatures, and that the store can be
// value-initialised. The rules between stages are in stage_checks.cpp.
#pragma once

#include "clang/AST/ASTContext.h"
#include "clang/Basic/Diagnostic.h"
#include "clang/Sema/Sema.h"
#include "stage_checks.hpp"

namespace jsgen {

bool keepsStore(model::StageKind kind);

// reduce: R f(Store&, std::span<const In>, std::span<const Store>);
// frame, frame_end: R f(Store&, const X&) (or X by value, or X&&);
// emit: Out f(const Store&) (or Store by value). True if it has that shape.
// `above` (or null) is the stage above, whose items a reduce takes.
bool checkStoreSignature(const FoundStage& stage, const FoundStage* above,
                         clang::ASTContext& context, clang::DiagnosticsEngine& diagnostics);

// The store of a stage that keeps one or of an emit (a checked signature).
clang::QualType storeOf(const FoundStage& stage);

// reduce: In of std::span<const In>; null if the parameter is not such a span.
clang::QualType reduceInputOf(const FoundStage& stage);

// The store is value-initialised for each reduction and frame instance.
bool checkValueInitialisable(const FoundStage& stage, clang::Sema& sema);

}  // namespace jsgen
