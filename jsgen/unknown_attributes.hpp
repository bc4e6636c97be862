// Misspelt stage attributes. Clang only warns about an unknown attribute (and
// jobstream.hpp silences that warning for ordinary compilers), so a typo like
// [[jobstream::jbo]] or [[jobsteam::job]] would silently drop a stage. jsgen
// reads the tokens of the main file and of its non-system headers itself and
// reports any unknown `jobstream::` attribute, and any namespace that looks
// like a misspelt `jobstream`, as an error.
#pragma once

#include <string>
#include <vector>

#include "clang/Basic/Diagnostic.h"
#include "clang/Basic/LangOptions.h"
#include "clang/Basic/SourceManager.h"

namespace jsgen {

// A scoped attribute as written between `[[` and `]]`: `scope::name`, or
// `name` after a `using scope:` prefix.
struct WrittenAttribute {
  std::string scope;
  std::string name;
  clang::SourceLocation scopeAt;
  clang::SourceLocation nameAt;
  bool viaUsing = false;  // [[using scope: name]]
};

// Every scoped attribute written in `file`, in order, read from its raw
// tokens: also those in code the preprocessor skips and in macro definitions.
std::vector<WrittenAttribute> writtenAttributes(const clang::SourceManager& sources,
                                                clang::FileID file,
                                                const clang::LangOptions& language);

// Reports unknown `jobstream::` attributes in the main file and in every
// header it includes that is not a system header. `skipped` are the ranges
// the preprocessor skipped (#if 0 ...): not code.
void reportUnknownAttributes(const clang::SourceManager& sources,
                             const clang::LangOptions& language,
                             const std::vector<clang::SourceRange>& skipped,
                             clang::DiagnosticsEngine& diagnostics);

}  // namespace jsgen
