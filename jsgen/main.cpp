// jsgen [-p BUILD_DIR] [-o OUT] [--depfile FILE] [--dot FILE] [--dump-model]
//       [--no-main] SOURCE... [-- FLAGS]
// Reads the jobstream pipelines of SOURCE... and writes one C++ file that
// includes them and adds the generated glue (and main()); --dot also writes
// the pipelines as a Graphviz graph.
#include "clang/Tooling/CommonOptionsParser.h"
#include "driver.hpp"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/raw_ostream.h"

namespace {

llvm::cl::OptionCategory category("jsgen options");

llvm::cl::opt<std::string> output(
    "o", llvm::cl::desc("Write the generated code to <file> (default: stdout)"),
    llvm::cl::value_desc("file"), llvm::cl::cat(category));
llvm::cl::opt<std::string> depfile("depfile",
                                   llvm::cl::desc("Write a Make-style depfile for the output"),
                                   llvm::cl::value_desc("file"), llvm::cl::cat(category));
llvm::cl::opt<std::string> dot("dot",
                               llvm::cl::desc("Also write the pipelines as a Graphviz graph"),
                               llvm::cl::value_desc("file"), llvm::cl::cat(category));
llvm::cl::opt<bool> dumpModel("dump-model",
                              llvm::cl::desc("Print the pipeline model instead of code"),
                              llvm::cl::cat(category));
llvm::cl::opt<bool> noMain("no-main", llvm::cl::desc("Do not generate main()"),
                           llvm::cl::cat(category));

}  // namespace

int main(int argc, const char** argv) {
  auto parser =
      clang::tooling::CommonOptionsParser::create(argc, argv, category, llvm::cl::OneOrMore);
  if (!parser) {
    llvm::errs() << "jsgen: error: " << llvm::toString(parser.takeError()) << '\n';
    return 1;
  }
  jsgen::Options options;
  options.sources = parser->getSourcePathList();
  options.output = output;
  options.depfile = depfile;
  options.dot = dot;
  options.dumpModel = dumpModel;
  options.noMain = noMain;
  return jsgen::run(options, parser->getCompilations());
}
