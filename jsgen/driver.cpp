#include "driver.hpp"

#include <algorithm>
#include <sstream>

#include "clang/Tooling/ArgumentsAdjusters.h"
#include "clang/Tooling/Tooling.h"
#include "depfile.hpp"
#include "emitters.hpp"
#include "front_end.hpp"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"
#include "program_checks.hpp"

namespace jsgen {
namespace {

std::string absolutePath(const std::string& path) {
  llvm::SmallString<256> absolute(path);
  llvm::sys::fs::make_absolute(absolute);
  llvm::sys::path::remove_dots(absolute, /*remove_dot_dot=*/true);
  return absolute.str().str();
}

// Flags every parse needs, whatever the compilation database says.
clang::tooling::CommandLineArguments adjust(const clang::tooling::CommandLineArguments& arguments,
                                            llvm::StringRef) {
  clang::tooling::CommandLineArguments adjusted = arguments;
  const bool hasStandard =
      std::any_of(arguments.begin(), arguments.end(), [](const std::string& a) {
        return llvm::StringRef(a).starts_with("-std=") || llvm::StringRef(a).starts_with("--std");
      });
  // Flags made for g++ (-Wno-attributes=jobstream::) must not fail the parse;
  // unknown attributes are jsgen's own check (unknown_attributes.cpp).
  std::vector<std::string> extra = {"-Wno-unknown-warning-option", "-Wno-unknown-attributes",
                                    "-resource-dir=" JSGEN_RESOURCE_DIR};
  if (!hasStandard) extra.push_back("-std=c++20");
  // A command that the database infers for a file it does not list ends in
  // `-- FILE`: flags after that `--` would be taken for file names.
  const auto end = std::find(adjusted.begin(), adjusted.end(), "--");
  adjusted.insert(end, extra.begin(), extra.end());
  return adjusted;
}

bool writeFile(const std::string& path, const std::string& text) {
  if (path.empty() || path == "-") {
    llvm::outs() << text;
    llvm::outs().flush();
    return true;
  }
  std::error_code error;
  llvm::raw_fd_ostream file(path, error);
  if (!error) {
    file << text;
    file.close();
    if (!file.has_error()) return true;
    error = file.error();
    file.clear_error();
  }
  llvm::errs() << "jsgen: error: cannot write '" << path << "': " << error.message() << '\n';
  return false;
}

// The Graphviz graph, when asked for (`path` not empty).
bool writeDot(const std::string& path, const model::Program& program) {
  if (path.empty()) return true;
  std::ostringstream graph;
  emitDot(program, graph);
  return writeFile(path, graph.str());
}

}  // namespace

int run(const Options& options, const clang::tooling::CompilationDatabase& compilations) {
  std::vector<std::string> sources;
  for (const std::string& source : options.sources) sources.push_back(absolutePath(source));

  // An empty compilation database has no command to lend a file it does not
  // list; ClangTool would only say "Skipping" and exit 1.
  for (const std::string& source : sources) {
    if (compilations.getCompileCommands(source).empty()) {
      llvm::errs() << "jsgen: error: the compilation database has no command for '" << source
                   << "'; add the file to it or give the flags after '--'\n";
      return 1;
    }
  }

  FrontEndResult result;
  result.program.sources = sources;
  result.resourceDir = JSGEN_RESOURCE_DIR;
  // One tool per source: a tool given several prints "[1/2] Processing file
  // ..." for each, on every build.
  const std::unique_ptr<clang::tooling::FrontendActionFactory> frontEnd =
      makeFrontEndFactory(result);
  int status = 0;
  for (const std::string& source : sources) {
    clang::tooling::ClangTool tool(compilations, source);
    tool.appendArgumentsAdjuster(&adjust);
    tool.setPrintErrorMessage(false);  // the diagnostics say it all
    status = tool.run(frontEnd.get()) || status;
  }

  if (options.dumpModel) {
    std::ostringstream text;
    model::dump(result.program, text);
    const bool dumped = writeFile(options.output, text.str());
    if (status == 0 && !writeDot(options.dot, result.program)) return 1;
    return dumped && status == 0 ? 0 : 1;
  }
  if (status != 0 || !checkProgram(result.program, !options.noMain && !result.program.hasMain))
    return 1;

  if (!writeDot(options.dot, result.program)) return 1;
  std::ostringstream text;
  emitProgram(result.program, !options.noMain && !result.program.hasMain, text);
  if (!writeFile(options.output, text.str())) return 1;
  if (!options.depfile.empty()) {
    std::ostringstream deps;
    writeDepfile(options.output.empty() ? "-" : options.output, sources, result.dependencies, deps);
    if (!writeFile(options.depfile, deps.str())) return 1;
  }
  return 0;
}

}  // namespace jsgen
