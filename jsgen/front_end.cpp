#include "front_end.hpp"

#include <map>

#include "attributes.hpp"
#include "clang/AST/ASTConsumer.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendAction.h"
#include "clang/Lex/PPCallbacks.h"
#include "clang/Lex/Preprocessor.h"
#include "clang_types.hpp"
#include "diagnostics.hpp"
#include "llvm/Support/Path.h"
#include "scopes.hpp"
#include "serialisation.hpp"
#include "stage_checks.hpp"
#include "store_checks.hpp"
#include "unknown_attributes.hpp"

namespace jsgen {
namespace {

// The pipeline a stage belongs to: its named enclosing namespaces ("a::b").
std::string pipelineOf(const clang::FunctionDecl& function) {
  std::string name;
  for (const clang::DeclContext* context = function.getDeclContext(); !context->isTranslationUnit();
       context = context->getParent()) {
    const auto* ns = llvm::dyn_cast<clang::NamespaceDecl>(context);
    if (!ns || ns->isAnonymousNamespace() || ns->isInline()) continue;
    name = name.empty() ? ns->getName().str() : ns->getName().str() + "::" + name;
  }
  return name;
}

model::Location locationOf(clang::SourceLocation at, const clang::SourceManager& sources) {
  const clang::PresumedLoc presumed = sources.getPresumedLoc(sources.getFileLoc(at));
  if (presumed.isInvalid()) return {};
  return {presumed.getFilename(), presumed.getLine(), presumed.getColumn()};
}

// The item type a stage consumes, for the StageDef (a std::tuple for several
// parameters: the type the stage before it produces).
model::Type inputOf(const FoundStage& stage, const clang::ASTContext& context) {
  const clang::FunctionDecl& function = *stage.function;
  if (stage.kind == model::StageKind::init || function.getNumParams() == 0) return {};
  // A reduce takes its items as std::span<const In>, a frame or frame_end
  // after its store.
  if (stage.kind == model::StageKind::reduce) {
    const clang::QualType in = reduceInputOf(stage);
    return in.isNull() ? model::Type{} : describe(in, context);
  }
  if (stage.kind == model::StageKind::frame || stage.kind == model::StageKind::frame_end) {
    if (function.getNumParams() < 2) return {};
    return describe(itemOf(function.getParamDecl(1)->getType()), context);
  }
  const clang::QualType first = itemOf(function.getParamDecl(0)->getType());
  if (stage.kind == model::StageKind::finish) {
    if (auto elements = templateArguments(first, "std::vector"))
      return describe(elements->front(), context);
    return describe(first, context);
  }
  if (function.getNumParams() == 1 || stage.kind != model::StageKind::job)
    return describe(first, context);
  model::Type tuple{"std::tuple<", "::std::tuple<"};
  for (unsigned i = 0; i != function.getNumParams(); ++i) {
    const model::Type element = describe(itemOf(function.getParamDecl(i)->getType()), context);
    tuple.spelled += (i ? ", " : "") + element.spelled;
    tuple.qualified += (i ? ", " : "") + element.qualified;
  }
  tuple.spelled += ">";
  tuple.qualified += ">";
  return tuple;
}

model::Stage describeStage(const FoundStage& found, const clang::ASTContext& context) {
  const clang::FunctionDecl& function = *found.function;
  model::Stage stage;
  stage.kind = found.kind;
  stage.name = stageName(function);
  stage.callee = "::" + stage.name;
  stage.location = locationOf(function.getLocation(), context.getSourceManager());
  for (const clang::ParmVarDecl* param : function.parameters()) {
    stage.parameters.push_back({param->getName().str(), spelledName(param->getType(), context),
                                describe(itemOf(param->getType()), context),
                                passingOf(param->getType())});
  }
  stage.returnWritten = spelledName(function.getReturnType(), context);
  const ReturnShape shape = returnShape(function.getReturnType());
  stage.returns = shape.form;
  if (shape.form != model::ReturnForm::none) stage.item = describe(shape.item, context);
  stage.input = inputOf(found, context);
  const bool readsStore =
      found.kind == model::StageKind::reduce || found.kind == model::StageKind::frame ||
      found.kind == model::StageKind::frame_end || found.kind == model::StageKind::emit;
  if (readsStore && function.getNumParams() != 0)
    stage.store = describe(itemOf(function.getParamDecl(0)->getType()), context);
  return stage;
}

// Collects stage functions of the main file, in source order.
class StageFinder : public clang::RecursiveASTVisitor<StageFinder> {
 public:
  explicit StageFinder(const clang::SourceManager& sources) : sources_(sources) {}

  bool VisitFunctionDecl(clang::FunctionDecl* function) {
    if (!sources_.isInMainFile(sources_.getFileLoc(function->getLocation()))) return true;
    if (function->isMain() && function->isThisDeclarationADefinition()) hasMain = true;
    clang::SourceLocation attribute;
    const std::optional<model::StageKind> kind = stageKindOf(*function, &attribute);
    if (!kind) return true;
    // A stage declared before it is defined counts once, where first marked.
    if (!seen_.insert(function->getCanonicalDecl()).second) return true;
    const std::string name = pipelineOf(*function);
    auto [at, added] = index_.try_emplace(name, pipelines.size());
    if (added) pipelines.push_back({name, {}});
    pipelines[at->second].second.push_back({function, *kind, attribute});
    return true;
  }

  bool shouldVisitTemplateInstantiations() const { return false; }

  std::vector<std::pair<std::string, std::vector<FoundStage>>> pipelines;
  bool hasMain = false;

 private:
  const clang::SourceManager& sources_;
  std::set<const clang::Decl*> seen_;
  std::map<std::string, std::size_t> index_;
};

class PipelineConsumer : public clang::ASTConsumer {
 public:
  PipelineConsumer(FrontEndResult& result, const std::vector<clang::SourceRange>& skipped)
      : result_(result), skipped_(skipped) {}

  void HandleTranslationUnit(clang::ASTContext& context) override {
    clang::DiagnosticsEngine& diagnostics = context.getDiagnostics();
    const clang::SourceManager& sources = context.getSourceManager();
    reportUnknownAttributes(sources, context.getLangOpts(), skipped_, diagnostics);
    StageFinder finder(sources);
    finder.TraverseDecl(context.getTranslationUnitDecl());
    result_.program.hasMain |= finder.hasMain;
    const clang::OptionalFileEntryRef mainFile =
        sources.getFileEntryRefForID(sources.getMainFileID());
    const std::string source = mainFile ? mainFile->getName().str() : std::string();
    for (auto& [name, found] : finder.pipelines) {
      model::Pipeline pipeline{name, source, {}};
      for (const FoundStage& stage : found)
        pipeline.stages.push_back(describeStage(stage, context));
      const std::vector<StructureProblem> problems = layOutScopes(pipeline.stages);
      // A pipeline with errors is still described (for --dump-model), but
      // its types are not planned: no code is generated after an error.
      const bool valid = checkPipeline(found, pipeline.stages, problems, context, diagnostics) &&
                         checkUnique(name, found.front(), diagnostics);
      if (valid) {
        // Every item type and store (the first parameter of reduce, frame and
        // frame_end) crosses ranks and goes into checkpoints.
        SerialisationPlanner planner(context, diagnostics, result_.program.types);
        for (const FoundStage& stage : found) {
          const ReturnShape shape = returnShape(stage.function->getReturnType());
          if (shape.form != model::ReturnForm::none) planner.addItem(shape.item, *stage.function);
          for (const clang::ParmVarDecl* param : stage.function->parameters()) {
            planner.addItem(itemOf(param->getType()), *stage.function);
          }
        }
      }
      result_.program.pipelines.push_back(std::move(pipeline));
    }
  }

 private:
  // Two sources defining the same pipeline would register it twice.
  bool checkUnique(const std::string& name, const FoundStage& first,
                   clang::DiagnosticsEngine& diagnostics) {
    for (const model::Pipeline& other : result_.program.pipelines) {
      if (other.name != name) continue;
      reportError(diagnostics, first.attribute,
                  "pipeline '%0' is already defined in '%1'; all stages of a pipeline must be in "
                  "one source file")
          << (name.empty() ? std::string("(global namespace)") : name) << other.source;
      return false;
    }
    return true;
  }

  FrontEndResult& result_;
  const std::vector<clang::SourceRange>& skipped_;
};

// Remembers what the preprocessor skipped (#if 0 ...), which is not code.
class SkippedRanges : public clang::PPCallbacks {
 public:
  explicit SkippedRanges(std::vector<clang::SourceRange>& ranges) : ranges_(ranges) {}
  void SourceRangeSkipped(clang::SourceRange range, clang::SourceLocation) override {
    ranges_.push_back(range);
  }

 private:
  std::vector<clang::SourceRange>& ranges_;
};

class FrontEndAction : public clang::ASTFrontendAction {
 public:
  explicit FrontEndAction(FrontEndResult& result) : result_(result) {}

 protected:
  std::unique_ptr<clang::ASTConsumer> CreateASTConsumer(clang::CompilerInstance& compiler,
                                                        llvm::StringRef) override {
    compiler.getPreprocessor().addPPCallbacks(std::make_unique<SkippedRanges>(skipped_));
    return std::make_unique<PipelineConsumer>(result_, skipped_);
  }

  void EndSourceFileAction() override {
    const clang::SourceManager& sources = getCompilerInstance().getSourceManager();
    const clang::FileManager& files = getCompilerInstance().getFileManager();
    for (auto it = sources.fileinfo_begin(); it != sources.fileinfo_end(); ++it) {
      llvm::SmallString<256> path(it->first.getName());
      files.makeAbsolutePath(path);
      llvm::sys::path::remove_dots(path, /*remove_dot_dot=*/true);
      if (!result_.resourceDir.empty() && path.str().starts_with(result_.resourceDir)) continue;
      result_.dependencies.insert(path.str().str());
    }
  }

 private:
  FrontEndResult& result_;
  std::vector<clang::SourceRange> skipped_;
};

class FrontEndFactory : public clang::tooling::FrontendActionFactory {
 public:
  explicit FrontEndFactory(FrontEndResult& result) : result_(result) {}
  std::unique_ptr<clang::FrontendAction> create() override {
    return std::make_unique<FrontEndAction>(result_);
  }

 private:
  FrontEndResult& result_;
};

}  // namespace

std::unique_ptr<clang::tooling::FrontendActionFactory> makeFrontEndFactory(FrontEndResult& result) {
  return std::make_unique<FrontEndFactory>(result);
}

}  // namespace jsgen
