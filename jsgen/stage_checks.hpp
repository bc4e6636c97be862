// The rules of a linear pipeline (init* job* [result|finish]), checked on the
// user's declarations so that every violation is a compiler-style diagnostic
// at the user's code instead of a template error in generated code.
#pragma once

#include <vector>

#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/Basic/Diagnostic.h"
#include "model.hpp"

namespace jsgen {

// A function marked with a jobstream attribute.
struct FoundStage {
  const clang::FunctionDecl* function;
  model::StageKind kind;
  clang::SourceLocation attribute;
};

// Reports every rule the pipeline breaks; true when it breaks none.
bool checkPipeline(const std::vector<FoundStage>& stages, clang::ASTContext& context,
                   clang::DiagnosticsEngine& diagnostics);

}  // namespace jsgen
