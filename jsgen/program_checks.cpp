#include "program_checks.hpp"

#include <memory>
#include <string>

#include "attribute_spellings.hpp"
#include "clang/Basic/Diagnostic.h"
#include "clang/Basic/DiagnosticOptions.h"
#include "clang/Basic/FileManager.h"
#include "clang/Basic/LangOptions.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Frontend/TextDiagnosticPrinter.h"
#include "diagnostics.hpp"
#include "llvm/Support/raw_ostream.h"
#include "unknown_attributes.hpp"

namespace jsgen {
namespace {

std::string displayName(const std::string& pipeline) {
  return pipeline.empty() ? std::string("(global namespace)") : "'" + pipeline + "'";
}

// The files are parsed again only as far as diagnostics need: their text for
// the source line under each message.
class ProgramDiagnostics {
 public:
  ProgramDiagnostics()
      : options_(new clang::DiagnosticOptions),
        printer_(llvm::errs(), options_.get()),
        engine_(new clang::DiagnosticIDs, options_, &printer_, /*ShouldOwnClient=*/false),
        files_(clang::FileSystemOptions()),
        sources_(engine_, files_) {
    language_.CPlusPlus = language_.CPlusPlus11 = language_.CPlusPlus14 = 1;
    language_.CPlusPlus17 = language_.CPlusPlus20 = 1;
    printer_.BeginSourceFile(language_, nullptr);
  }
  ~ProgramDiagnostics() { printer_.EndSourceFile(); }

  clang::DiagnosticsEngine& engine() { return engine_; }
  const clang::SourceManager& sources() const { return sources_; }
  const clang::LangOptions& language() const { return language_; }

  clang::FileID fileOf(const std::string& path) {
    auto entry = files_.getOptionalFileRef(path);
    if (!entry) return {};
    return sources_.getOrCreateFileID(*entry, clang::SrcMgr::C_User);
  }

  // Where a pipeline starts: its first stage, or its source.
  clang::SourceLocation at(const model::Pipeline& pipeline) {
    if (!pipeline.stages.empty()) return at(pipeline.stages.front().location);
    const clang::FileID file = fileOf(pipeline.source);
    return file.isValid() ? sources_.getLocForStartOfFile(file) : clang::SourceLocation();
  }

  clang::SourceLocation at(const model::Location& location) {
    const clang::FileID file = fileOf(location.file);
    if (file.isInvalid()) return {};
    return sources_.translateLineCol(file, location.line, location.column);
  }

 private:
  llvm::IntrusiveRefCntPtr<clang::DiagnosticOptions> options_;
  clang::TextDiagnosticPrinter printer_;
  clang::DiagnosticsEngine engine_;
  clang::FileManager files_;
  clang::SourceManager sources_;
  clang::LangOptions language_;
};

// No source has a stage. Stage attributes that are written but made no stage
// were skipped by the preprocessor or sit in a group nothing splices: say where.
void reportNoPipeline(const model::Program& program, ProgramDiagnostics& out) {
  if (program.sources.empty()) return;
  const clang::FileID first = out.fileOf(program.sources.front());
  const clang::SourceLocation start =
      first.isValid() ? out.sources().getLocForStartOfFile(first) : clang::SourceLocation();
  reportError(out.engine(), start,
              "no jobstream pipeline in %select{this file|these %1 files}0; a pipeline is the "
              "functions of one namespace marked with stage attributes such as "
              "[[jobstream::job]]")
      << (program.sources.size() > 1) << static_cast<unsigned>(program.sources.size());
  for (const std::string& source : program.sources) {
    const clang::FileID file = out.fileOf(source);
    if (file.isInvalid()) continue;
    for (const WrittenAttribute& written :
         writtenAttributes(out.sources(), file, out.language())) {
      if (written.scope != kAttributeNamespace) continue;
      reportNote(out.engine(), written.viaUsing ? written.nameAt : written.scopeAt,
                 "'jobstream::%0' here marks no stage: the preprocessor skipped it, or it is in "
                 "a stage group that no pipeline splices")
          << written.name;
      return;  // one is enough to show what happened
    }
  }
}

// A generated main runs the program's one pipeline: with several, it could
// only fail at run time.
void reportSeveralPipelines(const model::Program& program, ProgramDiagnostics& out) {
  const model::Pipeline& first = program.pipelines[0];
  const model::Pipeline& second = program.pipelines[1];
  reportError(out.engine(), out.at(second),
              "pipeline %0 is this program's second, after %1, and no source defines main(); "
              "the main() that jsgen writes runs one pipeline: build each pipeline as a program "
              "of its own, or write main() and choose one with jobstream::run(\"%2\", argc, "
              "argv)")
      << displayName(second.name) << displayName(first.name) << second.name;
  reportNote(out.engine(), out.at(first), "pipeline %0 starts here")
      << displayName(first.name);
  for (std::size_t i = 2; i < program.pipelines.size(); ++i) {
    const model::Pipeline& other = program.pipelines[i];
    reportNote(out.engine(), out.at(other), "pipeline %0 starts here")
        << displayName(other.name);
  }
}

// Map calls and no pipeline: the main() that jsgen writes would have nothing
// to run, and the calls would never be reached.
void reportMapsWithoutMain(const model::Program& program, ProgramDiagnostics& out) {
  const model::MappedJob& first = program.maps.front();
  reportError(out.engine(), out.at(first.location),
              "this program maps '%0' with jobstream::map, but no source defines main(); "
              "jobstream::map is called from a program's own main() (or code it calls)")
      << first.name;
}

}  // namespace

bool checkProgram(const model::Program& program, bool generatesMain) {
  ProgramDiagnostics out;
  if (program.pipelines.empty() && program.maps.empty()) {
    reportNoPipeline(program, out);
  } else if (program.pipelines.empty() && generatesMain) {
    reportMapsWithoutMain(program, out);
  } else if (generatesMain && program.pipelines.size() > 1) {
    reportSeveralPipelines(program, out);
  }
  const unsigned errors = out.engine().getNumErrors();
  if (errors != 0) llvm::errs() << errors << " error" << (errors == 1 ? "" : "s") << " generated.\n";
  return errors == 0;
}

}  // namespace jsgen
