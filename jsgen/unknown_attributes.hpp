// Misspelt stage attributes. Clang only warns about an unknown attribute (and
// jobstream.hpp silences that warning for ordinary compilers), so a typo like
// [[jobstream::jbo]] would silently drop a stage. jsgen reads the main file's
// tokens itself and reports any unknown `jobstream::` attribute as an error.
#pragma once

#include <vector>

#include "clang/Basic/Diagnostic.h"
#include "clang/Basic/LangOptions.h"
#include "clang/Basic/SourceManager.h"

namespace jsgen {

// `skipped` are the ranges the preprocessor skipped (#if 0 ...): not code.
void reportUnknownAttributes(const clang::SourceManager& sources,
                             const clang::LangOptions& language,
                             const std::vector<clang::SourceRange>& skipped,
                             clang::DiagnosticsEngine& diagnostics);

}  // namespace jsgen
