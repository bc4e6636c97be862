// The rules of a pipeline (init* then jobs, frames and reductions, then at most
// one result or finish), checked on the user's declarations so that every violation is a
// compiler-style diagnostic at the user's code instead of a template error in generated code.
#pragma once

#include <string>
#include <vector>

#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/Basic/Diagnostic.h"
#include "clang/Sema/Sema.h"
#include "model.hpp"
#include "scopes.hpp"

namespace jsgen {

// A function marked with a jobstream attribute.
struct FoundStage {
  const clang::FunctionDecl* function;
  model::StageKind kind;
  clang::SourceLocation attribute;
  // sweep: the jobstream::SweepRow<P, O> it emits (sweepRowOf); null otherwise.
  clang::QualType sweepRow = {};
};

// What a stage hands to the stage below it: its returned items or, for a
// reduce or frame_end (without an emit), its store. Null item: nothing.
struct Product {
  clang::QualType item;
  clang::SourceLocation at;  // where the stage says so
  bool store = false;
};
Product productOf(const FoundStage& stage);

// Where a stage's return type is written (for notes about what it produces).
clang::SourceLocation returnLocation(const clang::FunctionDecl& function);

// Reports every rule the pipeline breaks; true when it breaks none.
// `described` is the model of the same pipeline with its structure laid out,
// and `problems` what layOutScopes found.
bool checkPipeline(const std::vector<FoundStage>& stages, const model::Pipeline& described,
                   const std::vector<StructureProblem>& problems, clang::Sema& sema);

}  // namespace jsgen
