// The rules of a [[jobstream::sweep]] `O f(const P&, std::uint64_t trial)`
// (contract, section 7): its signature, and that generated code can make the
// table's columns of P (printable and ordered) and O (arithmetic). Also what
// the front end learns of a sweep for the model: the row type it emits and
// its columns. The lowering into a frame is in sweeps.cpp.
#pragma once

#include "clang/AST/ASTContext.h"
#include "clang/Basic/Diagnostic.h"
#include "clang/Sema/Sema.h"
#include "model.hpp"
#include "stage_checks.hpp"

namespace jsgen {

// The parameters and the return form. True if the stage has a sweep's shape.
bool checkSweepSignature(const FoundStage& stage, clang::ASTContext& context,
                         clang::DiagnosticsEngine& diagnostics);

// P's and O's columns, for a stage whose signature passed. True if generated
// code can make them.
bool checkSweepColumns(const FoundStage& stage, clang::Sema& sema);

// `jobstream::SweepRow<P, O>`, what the sweep emits per combination; null
// when the stage does not have a sweep's shape or jobstream.hpp is not included.
clang::QualType sweepRowOf(const FoundStage& stage, clang::Sema& sema);

// The sweep for the model (without Sweep::description, which the lowering
// names). Columns of a shape that checkSweepColumns refuses are best guesses.
model::Sweep describeSweep(const FoundStage& stage, const clang::ASTContext& context);

}  // namespace jsgen
