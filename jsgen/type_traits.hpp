// Questions about a user's types that only Clang's Sema can answer the way the
// C++ compiler will when it builds the generated code: Sema declares special
// members lazily and resolves overloads, so a record's flags are not enough.
#pragma once

#include "clang/AST/Decl.h"
#include "clang/AST/Type.h"
#include "clang/Sema/Sema.h"

namespace jsgen {

// `T()` is well-formed and accessible (std::is_default_constructible_v<T>):
// how the runtime makes each store and each item cereal reads into.
bool isValueInitialisable(clang::Sema& sema, clang::QualType type, clang::SourceLocation at);

// The declaration that keeps a type that is not value-initialisable from being
// so: the member (or base's member) in the way of its implicit or defaulted
// default constructor, or else the type's own declaration.
const clang::NamedDecl* valueInitialisationBlocker(clang::Sema& sema, clang::QualType type,
                                                   clang::SourceLocation at);

}  // namespace jsgen
