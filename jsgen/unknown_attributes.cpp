#include "unknown_attributes.hpp"

#include <algorithm>
#include <string>

#include "attribute_spellings.hpp"
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

bool isKnown(llvm::StringRef name) {
  for (std::string_view known : kAttributeNames) {
    if (name == llvm::StringRef(known.data(), known.size())) return true;
  }
  return false;
}

// The known name closest to `name`, if it is close enough to be a typo.
std::string closestName(llvm::StringRef name) {
  std::string best;
  unsigned bestDistance = std::max<unsigned>(2, static_cast<unsigned>(name.size() / 3)) + 1;
  for (std::string_view known : kAttributeNames) {
    unsigned distance = name.edit_distance(llvm::StringRef(known.data(), known.size()));
    if (distance < bestDistance) {
      bestDistance = distance;
      best = std::string(known);
    }
  }
  return best;
}

// "init, job, ...", from the list jsgen registers.
std::string knownNames() {
  std::string names;
  for (std::string_view known : kAttributeNames) {
    if (!names.empty()) names += ", ";
    names += known;
  }
  return names;
}

// `jobsteam`, `job_stream`, `JobStream`: a namespace meant to be jobstream.
bool looksLikeJobstream(llvm::StringRef scope) {
  const llvm::StringRef wanted(kAttributeNamespace.data(), kAttributeNamespace.size());
  if (scope == wanted) return false;
  std::string folded;
  for (char c : scope.lower())
    if (c != '_') folded += c;
  return llvm::StringRef(folded).edit_distance(wanted) <= 2;
}

bool isRawIdentifier(const clang::Token& token, llvm::StringRef text) {
  return token.is(clang::tok::raw_identifier) && token.getRawIdentifier() == text;
}

std::vector<clang::Token> rawTokens(const clang::SourceManager& sources, clang::FileID file,
                                    const clang::LangOptions& language) {
  clang::Lexer lexer(file, sources.getBufferOrFake(file), sources, language);
  std::vector<clang::Token> tokens;
  for (clang::Token token;;) {
    const bool atEnd = lexer.LexFromRawLexer(token);
    tokens.push_back(token);
    if (atEnd || token.is(clang::tok::eof)) break;
  }
  return tokens;
}

// Reads one attribute specifier, from just after its `[[`, into `out`;
// returns the index just after its `]]`. Arguments in parentheses are skipped.
std::size_t readSpecifier(const std::vector<clang::Token>& tokens, std::size_t i,
                          std::vector<WrittenAttribute>& out) {
  const std::size_t n = tokens.size();
  const clang::Token* usingScope = nullptr;  // [[using NS: a, b]]
  if (i + 2 < n && isRawIdentifier(tokens[i], "using") &&
      tokens[i + 1].is(clang::tok::raw_identifier) && tokens[i + 2].is(clang::tok::colon)) {
    usingScope = &tokens[i + 1];
    i += 3;
  }
  while (i < n && !tokens[i].is(clang::tok::eof)) {
    const clang::Token& token = tokens[i];
    if (token.is(clang::tok::r_square))
      return i + (i + 1 < n && tokens[i + 1].is(clang::tok::r_square) ? 2 : 1);
    if (!token.is(clang::tok::raw_identifier)) {
      ++i;  // `,`, `...`, or something that is not an attribute
      continue;
    }
    if (i + 2 < n && tokens[i + 1].is(clang::tok::coloncolon) &&
        tokens[i + 2].is(clang::tok::raw_identifier)) {
      out.push_back({token.getRawIdentifier().str(), tokens[i + 2].getRawIdentifier().str(),
                     token.getLocation(), tokens[i + 2].getLocation(), false});
      i += 3;
    } else {
      if (usingScope) {
        out.push_back({usingScope->getRawIdentifier().str(), token.getRawIdentifier().str(),
                       usingScope->getLocation(), token.getLocation(), true});
      }
      ++i;
    }
    if (i < n && tokens[i].is(clang::tok::l_paren)) {
      for (int depth = 0; i < n && !tokens[i].is(clang::tok::eof); ++i) {
        if (tokens[i].is(clang::tok::l_paren)) ++depth;
        if (tokens[i].is(clang::tok::r_paren) && --depth == 0) {
          ++i;
          break;
        }
      }
    }
  }
  return i;
}

clang::FixItHint replace(clang::SourceLocation at, const std::string& text) {
  return clang::FixItHint::CreateReplacement(clang::CharSourceRange::getTokenRange(at), text);
}

void reportOne(const WrittenAttribute& written, clang::DiagnosticsEngine& diagnostics) {
  const bool rightScope = written.scope == kAttributeNamespace;
  if (rightScope && isKnown(written.name)) return;
  if (!rightScope && !looksLikeJobstream(written.scope)) return;
  // The error points at what is wrong: the namespace, or the name after a
  // `using jobstream:` prefix.
  const clang::SourceLocation at =
      rightScope && written.viaUsing ? written.nameAt : written.scopeAt;
  const std::string full = written.scope + "::" + written.name;
  const std::string name =
      isKnown(written.name) ? written.name : closestName(written.name);
  if (name.empty()) {
    if (rightScope) {
      reportError(diagnostics, at, "unknown jobstream attribute '%0'; the attributes are %1")
          << full << knownNames();
    } else {
      reportError(diagnostics, at,
                  "unknown attribute namespace '%0' in '%1'; did you mean 'jobstream'? its "
                  "attributes are %2")
          << written.scope << full << knownNames()
          << replace(written.scopeAt, std::string(kAttributeNamespace));
    }
    return;
  }
  auto report =
      rightScope
          ? reportError(diagnostics, at,
                        "unknown jobstream attribute '%0'; did you mean 'jobstream::%1'?")
                << full << name
          : reportError(diagnostics, at,
                        "unknown attribute namespace '%0' in '%1'; did you mean 'jobstream::%2'?")
                << written.scope << full << name;
  if (!rightScope) report << replace(written.scopeAt, std::string(kAttributeNamespace));
  if (name != written.name) report << replace(written.nameAt, name);
}

}  // namespace

std::vector<WrittenAttribute> writtenAttributes(const clang::SourceManager& sources,
                                                clang::FileID file,
                                                const clang::LangOptions& language) {
  const std::vector<clang::Token> tokens = rawTokens(sources, file, language);
  std::vector<WrittenAttribute> written;
  for (std::size_t i = 0; i + 1 < tokens.size();) {
    if (tokens[i].is(clang::tok::l_square) && tokens[i + 1].is(clang::tok::l_square)) {
      i = readSpecifier(tokens, i + 2, written);
    } else {
      ++i;
    }
  }
  return written;
}

void reportUnknownAttributes(const clang::SourceManager& sources,
                             const clang::LangOptions& language,
                             const std::vector<clang::SourceRange>& skipped,
                             clang::DiagnosticsEngine& diagnostics) {
  // The main file and every header it includes that is not a system header:
  // a stage group may live in any of them. In the order they were entered,
  // each once (a header included twice is entered again only if unguarded).
  std::vector<clang::FileID> files;
  for (auto it = sources.fileinfo_begin(); it != sources.fileinfo_end(); ++it) {
    const clang::FileID file = sources.translateFile(it->first);
    if (file.isInvalid()) continue;
    const clang::SourceLocation start = sources.getLocForStartOfFile(file);
    if (sources.getFileCharacteristic(start) == clang::SrcMgr::C_User) files.push_back(file);
  }
  std::sort(files.begin(), files.end());
  for (const clang::FileID file : files) {
    for (const WrittenAttribute& written : writtenAttributes(sources, file, language)) {
      if (!isSkipped(sources, skipped, written.scopeAt)) reportOne(written, diagnostics);
    }
  }
}

}  // namespace jsgen
