// The [[jobstream::NAME]] attributes: registered with Clang so that they reach
// the AST as an AnnotateAttr "jobstream::NAME" on the function they mark.
#pragma once

#include <optional>

#include "attribute_spellings.hpp"
#include "model.hpp"

namespace clang {
class Decl;
class SourceLocation;
}  // namespace clang

namespace jsgen {

// The stage kind a declaration is marked with, and where the attribute is;
// nullopt when the declaration carries no jobstream attribute.
std::optional<model::StageKind> stageKindOf(const clang::Decl& decl, clang::SourceLocation* where);

// True when the declaration is marked [[jobstream::not_thread_safe]]; `where`
// gets the attribute's location.
bool isNotThreadSafe(const clang::Decl& decl, clang::SourceLocation* where);

}  // namespace jsgen
