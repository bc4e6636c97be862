// Calls of jobstream::map: each names a [[jobstream::job]] function to run
// over a vector's items on every rank. The front end finds them, checks that
// the function can be mapped, and the emitters register a map for each
// function found (emit_map.cpp).
#pragma once

#include <set>
#include <vector>

#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/AST/Expr.h"
#include "clang/Basic/Diagnostic.h"

namespace jsgen {

struct MapCall {
  const clang::CallExpr* call;
  const clang::FunctionDecl* job;  // the function it names, null if it names none
};

// Every call of jobstream::map in the translation unit, outside system
// headers, in source order. A call whose first argument does not name a
// function is reported here (job null).
std::vector<MapCall> findMapCalls(clang::ASTContext& context);

// Reports why `call`'s function cannot be mapped: not a job, returning void
// or jobstream::Multiple. True when it can.
bool checkMappable(const MapCall& call, clang::ASTContext& context);

}  // namespace jsgen
