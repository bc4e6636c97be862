// jsgen as a library call: parse the sources, build the model, write the
// generated file (or the model dump) and the depfile.
#pragma once

#include <string>
#include <vector>

#include "clang/Tooling/CompilationDatabase.h"

namespace jsgen {

struct Options {
  std::vector<std::string> sources;
  std::string output;   // empty: standard output
  std::string depfile;  // empty: none
  std::string dot;      // empty: none; else where the Graphviz graph goes
  bool dumpModel = false;
  bool noMain = false;
};

// Returns the exit code: 0 on success, 1 when an error was reported.
int run(const Options& options, const clang::tooling::CompilationDatabase& compilations);

}  // namespace jsgen
