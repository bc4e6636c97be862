// The front end: a Clang frontend action run on each source. It finds the
// stage functions, checks each pipeline and adds it to the program model.
#pragma once

#include <memory>
#include <set>
#include <string>

#include "clang/Tooling/Tooling.h"
#include "model.hpp"

namespace jsgen {

// What the front end gathers over all sources of one program.
struct FrontEndResult {
  model::Program program;
  std::set<std::string> dependencies;  // every file read, for the depfile
  std::string resourceDir;             // files below it are not dependencies
};

std::unique_ptr<clang::tooling::FrontendActionFactory> makeFrontEndFactory(FrontEndResult& result);

}  // namespace jsgen
