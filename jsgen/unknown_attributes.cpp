#include "unknown_attributes.hpp"

#include <string>

#include "attributes.hpp"
#include "clang/Lex/Lexer.h"
#include "diagnostics.hpp"

namespace jsgen {
namespace {

bool isSkipped(const clang::SourceManager& sources, const std::vector<clang::SourceRange>& skipped,
               clang::SourceLocation at) {
  for (const clang::SourceRange& range : skipped) {
    if (!sources.isBeforeInTranslationUnit(at, range.getBegin()) &&
        !sources.isBeforeInTranslationUnit(range.getEnd(), at)) {
      return true;
    }
  }
  return false;
}

// The known name closest to `name`, if it is close enough to be a typo.
std::string closestName(llvm::StringRef name) {
  std::string best;
  unsigned bestDistance = std::max<unsigned>(2, static_cast<unsigned>(name.size() / 3)) + 1;
  for (std::string_view known : attributeNames()) {
    unsigned distance = name.edit_distance(llvm::StringRef(known.data(), known.size()));
    if (distance < bestDistance) {
      bestDistance = distance;
      best = std::string(known);
    }
  }
  return best;
}

bool isRawIdentifier(const clang::Token& token, llvm::StringRef text) {
  return token.is(clang::tok::raw_identifier) && token.getRawIdentifier() == text;
}

void reportOne(const clang::Token& scope, const clang::Token& name,
               clang::DiagnosticsEngine& diagnostics) {
  const llvm::StringRef spelled = name.getRawIdentifier();
  for (std::string_view known : attributeNames()) {
    if (spelled == llvm::StringRef(known.data(), known.size())) return;
  }
  const std::string full = "jobstream::" + spelled.str();
  const std::string suggestion = closestName(spelled);
  if (suggestion.empty()) {
    reportError(diagnostics, scope.getLocation(),
                "unknown jobstream attribute '%0'; the attributes are init, job, frame, "
                "frame_end, reduce, emit, result and finish")
        << full;
    return;
  }
  reportError(diagnostics, scope.getLocation(),
              "unknown jobstream attribute '%0'; did you mean '%1'?")
      << full << ("jobstream::" + suggestion)
      << clang::FixItHint::CreateReplacement(
             clang::CharSourceRange::getTokenRange(name.getLocation()), suggestion);
}

}  // namespace

void reportUnknownAttributes(const clang::SourceManager& sources,
                             const clang::LangOptions& language,
                             const std::vector<clang::SourceRange>& skipped,
                             clang::DiagnosticsEngine& diagnostics) {
  const clang::FileID file = sources.getMainFileID();
  clang::Lexer lexer(file, sources.getBufferOrFake(file), sources, language);
  std::vector<clang::Token> tokens;
  for (clang::Token token;;) {
    const bool atEnd = lexer.LexFromRawLexer(token);
    tokens.push_back(token);
    if (atEnd || token.is(clang::tok::eof)) break;
  }
  // Inside `[[ ... ]]`, bracket depth counts from 2 down to the closing `]]`.
  int depth = 0;
  for (std::size_t i = 0; i + 1 < tokens.size(); ++i) {
    const clang::Token& token = tokens[i];
    if (depth == 0) {
      if (token.is(clang::tok::l_square) && tokens[i + 1].is(clang::tok::l_square)) {
        depth = 2;
        ++i;
      }
      continue;
    }
    if (token.is(clang::tok::l_square)) ++depth;
    if (token.is(clang::tok::r_square)) --depth;
    if (i + 2 < tokens.size() && isRawIdentifier(token, "jobstream") &&
        tokens[i + 1].is(clang::tok::coloncolon) && tokens[i + 2].is(clang::tok::raw_identifier) &&
        !isSkipped(sources, skipped, token.getLocation())) {
      reportOne(token, tokens[i + 2], diagnostics);
      i += 2;
    }
  }
}

}  // namespace jsgen
