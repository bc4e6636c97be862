// jsgen's own diagnostics go through Clang's DiagnosticsEngine, so they look
// like (and count as) compiler diagnostics: `file:line:col: error: ...`.
#pragma once

#include "clang/Basic/Diagnostic.h"

namespace jsgen {

template <unsigned N>
clang::DiagnosticBuilder reportError(clang::DiagnosticsEngine& engine, clang::SourceLocation at,
                                     const char (&format)[N]) {
  return engine.Report(at, engine.getCustomDiagID(clang::DiagnosticsEngine::Error, format));
}

template <unsigned N>
clang::DiagnosticBuilder reportNote(clang::DiagnosticsEngine& engine, clang::SourceLocation at,
                                    const char (&format)[N]) {
  return engine.Report(at, engine.getCustomDiagID(clang::DiagnosticsEngine::Note, format));
}

}  // namespace jsgen
