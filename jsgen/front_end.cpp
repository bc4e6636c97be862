#include "front_end.hpp"

#include <algorithm>
#include <map>
#include <optional>

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
#include "map_calls.hpp"
#include "printer_check.hpp"
#include "scopes.hpp"
#include "serialisation.hpp"
#include "stage_checks.hpp"
#include "store_checks.hpp"
#include "sweep_checks.hpp"
#include "sweeps.hpp"
#include "unknown_attributes.hpp"

namespace jsgen {
namespace {

// The named namespaces enclosing `context`, itself included ("a::b"): the
// pipeline of a stage or a using-directive there, or a stage group's name.
std::string namespaceName(const clang::DeclContext* context) {
  std::string name;
  for (; !context->isTranslationUnit(); context = context->getParent()) {
    const auto* ns = llvm::dyn_cast<clang::NamespaceDecl>(context);
    if (!ns || ns->isAnonymousNamespace() || ns->isInline()) continue;
    name = name.empty() ? ns->getName().str() : ns->getName().str() + "::" + name;
  }
  return name;
}

// A stage group is a namespace named jobs_NAME (the seed's convention).
bool isGroup(const clang::NamespaceDecl& ns) {
  return !ns.isAnonymousNamespace() && ns.getName().starts_with("jobs_");
}

// The stage group whose stages are declared directly in `context` (named
// namespaces only count: inline and anonymous ones are see-through), or null.
const clang::NamespaceDecl* groupAround(const clang::DeclContext* context) {
  for (; !context->isTranslationUnit(); context = context->getParent()) {
    const auto* ns = llvm::dyn_cast<clang::NamespaceDecl>(context);
    if (!ns) return nullptr;  // a function, a class, extern "C++": no group
    if (ns->isAnonymousNamespace() || ns->isInline()) continue;
    return isGroup(*ns) ? ns->getFirstDecl() : nullptr;
  }
  return nullptr;
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
  stage.serial = isNotThreadSafe(function, nullptr);
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

// One step of a stage group splice: the group and its using-directive.
struct Splice {
  std::string group;  // "lib::jobs_text"
  clang::SourceLocation at;
};

// A pipeline's stages after splicing, each with the splices that brought it
// there, outermost first (empty for a stage written in the pipeline).
struct SplicedStages {
  std::vector<FoundStage> stages;
  std::vector<std::vector<Splice>> splices;
};

// Collects, in source order, the stages and stage group splices of each
// pipeline namespace of the main file and of each stage group (in any file),
// then expands the splices.
class StageFinder : public clang::RecursiveASTVisitor<StageFinder> {
 public:
  StageFinder(const clang::SourceManager& sources, clang::DiagnosticsEngine& diagnostics)
      : sources_(sources), diagnostics_(diagnostics) {}

  bool VisitFunctionDecl(clang::FunctionDecl* function) {
    const bool inMainFile = sources_.isInMainFile(sources_.getFileLoc(function->getLocation()));
    if (inMainFile && function->isMain() && function->isThisDeclarationADefinition()) hasMain = true;
    clang::SourceLocation attribute;
    const std::optional<model::StageKind> kind = stageKindOf(*function, &attribute);
    // A stage declared before it is defined counts once, where first marked.
    if (!kind) {
      clang::SourceLocation marker;
      if (isNotThreadSafe(*function, &marker) && seen_.insert(function->getCanonicalDecl()).second) {
        reportError(diagnostics_, marker,
                    "'jobstream::not_thread_safe' marks '%0', which is not a stage; put it beside "
                    "a stage attribute such as [[jobstream::job]]")
            << stageName(*function);
      }
      return true;
    }
    if (!seen_.insert(function->getCanonicalDecl()).second) return true;
    const Entry entry{FoundStage{function, *kind, attribute}, nullptr, {}};
    if (const clang::NamespaceDecl* group = groupAround(function->getDeclContext())) {
      groupEntriesOf(group).push_back(entry);
    } else if (inMainFile) {
      pipelineEntries(namespaceName(function->getDeclContext())).push_back(entry);
    }
    return true;
  }

  // A lambda's call operator is a member of a closure type that has no name
  // to call it by (Clang accepts the attribute there as a C++23 extension).
  bool VisitLambdaExpr(clang::LambdaExpr* lambda) {
    const clang::CXXMethodDecl* call = lambda->getCallOperator();
    clang::SourceLocation attribute;
    if (!call || !seen_.insert(call->getCanonicalDecl()).second) return true;
    if (const std::optional<model::StageKind> kind = stageKindOf(*call, &attribute)) {
      reportError(diagnostics_, attribute,
                  "'jobstream::%0' marks a lambda; a stage must be a named function at namespace "
                  "scope")
          << model::kindName(*kind);
    } else if (isNotThreadSafe(*call, &attribute)) {
      reportError(diagnostics_, attribute,
                  "'jobstream::not_thread_safe' marks a lambda; put it beside a stage attribute "
                  "on a function at namespace scope");
    }
    return true;
  }

  // `using namespace jobs_x;` splices the stage group jobs_x where it stands:
  // directly in a pipeline namespace of the main file, or in another group.
  bool VisitUsingDirectiveDecl(clang::UsingDirectiveDecl* directive) {
    const clang::NamespaceDecl* nominated = directive->getNominatedNamespace();
    if (!nominated || !isGroup(*nominated)) return true;
    const clang::DeclContext* context = directive->getDeclContext();
    if (!llvm::isa<clang::NamespaceDecl>(context) && !context->isTranslationUnit()) return true;
    const Entry entry{FoundStage{nullptr, model::StageKind::job, {}}, nominated->getFirstDecl(),
                      directive->getBeginLoc()};
    if (const clang::NamespaceDecl* group = groupAround(context)) {
      groupEntriesOf(group).push_back(entry);
    } else if (sources_.isInMainFile(sources_.getFileLoc(directive->getBeginLoc()))) {
      pipelineEntries(namespaceName(context)).push_back(entry);
    }
    return true;
  }

  bool shouldVisitTemplateInstantiations() const { return false; }

  // The standard library and other system headers hold no stages: walking
  // them was most of the time jsgen spent after parsing.
  bool TraverseDecl(clang::Decl* decl) {
    if (decl && sources_.isInSystemHeader(decl->getLocation())) return true;
    return RecursiveASTVisitor::TraverseDecl(decl);
  }

  // Each pipeline in order of first appearance, its splices expanded. A
  // cycle of groups is reported (once per using-directive that closes it).
  std::vector<std::pair<std::string, SplicedStages>> pipelines() {
    std::vector<std::pair<std::string, SplicedStages>> expanded;
    for (const auto& [name, entries] : pipelines_) {
      SplicedStages stages;
      std::vector<Splice> chain;
      std::vector<const clang::NamespaceDecl*> open;
      expand(entries, chain, open, stages);
      expanded.emplace_back(name, std::move(stages));
    }
    // A cycle among groups that no pipeline splices is still an error.
    for (const clang::NamespaceDecl* group : groupOrder_) {
      const std::vector<Entry>& entries = groupEntries_[group];
      SplicedStages ignored;
      std::vector<Splice> chain{{namespaceName(group), group->getLocation()}};
      std::vector<const clang::NamespaceDecl*> open{group};
      expand(entries, chain, open, ignored);
    }
    return expanded;
  }

  bool hasMain = false;

 private:
  // A stage, or (when `group` is set) a splice of that group at `at`.
  struct Entry {
    FoundStage stage;
    const clang::NamespaceDecl* group;
    clang::SourceLocation at;
  };

  std::vector<Entry>& groupEntriesOf(const clang::NamespaceDecl* group) {
    auto [at, added] = groupEntries_.try_emplace(group);
    if (added) groupOrder_.push_back(group);
    return at->second;
  }

  std::vector<Entry>& pipelineEntries(const std::string& name) {
    auto [at, added] = pipelineIndex_.try_emplace(name, pipelines_.size());
    if (added) pipelines_.push_back({name, {}});
    return pipelines_[at->second].second;
  }

  // `open` holds the groups being expanded, outermost first, `chain` their splices.
  void expand(const std::vector<Entry>& entries, std::vector<Splice>& chain,
              std::vector<const clang::NamespaceDecl*>& open, SplicedStages& out) {
    for (const Entry& entry : entries) {
      if (!entry.group) {
        out.stages.push_back(entry.stage);
        out.splices.push_back(chain);
        continue;
      }
      const std::string name = namespaceName(entry.group);
      const auto cycleStart = std::find(open.begin(), open.end(), entry.group);
      if (cycleStart != open.end()) {
        const std::set<const clang::NamespaceDecl*> members(cycleStart, open.end());
        if (reportedCycles_.insert(members).second) {
          std::string cycle;
          for (auto it = cycleStart; it != open.end(); ++it) cycle += namespaceName(*it) + " -> ";
          reportError(diagnostics_, entry.at,
                      "stage groups splice each other in a cycle: %0; remove one of these "
                      "using-directives")
              << cycle + name;
        }
        continue;
      }
      const auto found = groupEntries_.find(entry.group);
      if (found == groupEntries_.end()) continue;  // a group without stages adds none
      open.push_back(entry.group);
      chain.push_back({name, entry.at});
      expand(found->second, chain, open, out);
      chain.pop_back();
      open.pop_back();
    }
  }

  const clang::SourceManager& sources_;
  clang::DiagnosticsEngine& diagnostics_;
  std::set<const clang::Decl*> seen_;
  std::vector<std::pair<std::string, std::vector<Entry>>> pipelines_;
  std::map<std::string, std::size_t> pipelineIndex_;
  std::map<const clang::NamespaceDecl*, std::vector<Entry>> groupEntries_;
  std::vector<const clang::NamespaceDecl*> groupOrder_;  // in order of first appearance
  std::set<std::set<const clang::NamespaceDecl*>> reportedCycles_;
};

// Holds back the diagnostics reported while it lives; `replay` then reports
// them, each error followed by a note at every splice that brought a stage it
// (or one of its notes) points into: "in stage group 'jobs_x' spliced here".
class SpliceNotes : public clang::DiagnosticConsumer {
 public:
  SpliceNotes(clang::DiagnosticsEngine& diagnostics, const SplicedStages& stages)
      : diagnostics_(diagnostics), stages_(stages) {
    ownedClient_ = diagnostics_.takeClient();
    client_ = diagnostics_.getClient();
    diagnostics_.setClient(this, /*ShouldOwnClient=*/false);
  }
  SpliceNotes(const SpliceNotes&) = delete;
  SpliceNotes& operator=(const SpliceNotes&) = delete;
  ~SpliceNotes() override { restore(); }

  void HandleDiagnostic(clang::DiagnosticsEngine::Level level,
                        const clang::Diagnostic& info) override {
    held_.emplace_back(level, info);
  }

  void replay() {
    restore();
    const clang::SourceManager* sources = nullptr;
    std::vector<const Splice*> pending;
    const auto flush = [&] {
      for (const Splice* splice : pending)
        reportNote(diagnostics_, splice->at, "in stage group '%0' spliced here") << splice->group;
      pending.clear();
    };
    for (const clang::StoredDiagnostic& stored : held_) {
      if (stored.getLevel() != clang::DiagnosticsEngine::Note) flush();
      diagnostics_.Report(stored);
      if (stored.getLevel() < clang::DiagnosticsEngine::Note || !stored.getLocation().isValid())
        continue;
      sources = &stored.getLocation().getManager();
      for (std::size_t i = 0; i != stages_.stages.size(); ++i) {
        if (stages_.splices[i].empty() || !within(*sources, stored.getLocation(), stages_.stages[i]))
          continue;
        // Innermost splice first, as an include stack reads.
        for (auto it = stages_.splices[i].rbegin(); it != stages_.splices[i].rend(); ++it) {
          const bool known = std::any_of(pending.begin(), pending.end(),
                                         [&](const Splice* p) { return p->at == it->at; });
          if (!known) pending.push_back(&*it);
        }
      }
    }
    flush();
    held_.clear();
  }

 private:
  static bool within(const clang::SourceManager& sources, clang::SourceLocation at,
                     const FoundStage& stage) {
    const clang::SourceLocation begin = sources.getFileLoc(stage.attribute);
    const clang::SourceLocation end = sources.getFileLoc(stage.function->getEndLoc());
    at = sources.getFileLoc(at);
    return at == begin || at == end ||
           (sources.isBeforeInTranslationUnit(begin, at) && sources.isBeforeInTranslationUnit(at, end));
  }

  void restore() {
    if (diagnostics_.getClient() != this) return;
    if (ownedClient_)
      diagnostics_.setClient(ownedClient_.release(), /*ShouldOwnClient=*/true);
    else
      diagnostics_.setClient(client_, /*ShouldOwnClient=*/false);
  }

  clang::DiagnosticsEngine& diagnostics_;
  const SplicedStages& stages_;
  std::unique_ptr<clang::DiagnosticConsumer> ownedClient_;
  clang::DiagnosticConsumer* client_ = nullptr;
  std::vector<clang::StoredDiagnostic> held_;
};

class PipelineConsumer : public clang::ASTConsumer {
 public:
  PipelineConsumer(FrontEndResult& result, const std::vector<clang::SourceRange>& skipped,
                   clang::CompilerInstance& compiler)
      : result_(result), skipped_(skipped), compiler_(compiler) {}

  void HandleTranslationUnit(clang::ASTContext& context) override {
    // The checks ask Sema what the compiler will make of the user's types.
    clang::Sema& sema = compiler_.getSema();
    clang::DiagnosticsEngine& diagnostics = context.getDiagnostics();
    const clang::SourceManager& sources = context.getSourceManager();
    reportUnknownAttributes(sources, context.getLangOpts(), skipped_, diagnostics);
    StageFinder finder(sources, diagnostics);
    finder.TraverseDecl(context.getTranslationUnitDecl());
    result_.program.hasMain |= finder.hasMain;
    const clang::OptionalFileEntryRef mainFile =
        sources.getFileEntryRefForID(sources.getMainFileID());
    const std::string source = mainFile ? mainFile->getName().str() : std::string();
    const std::vector<MapCall> mapCalls = findMapCalls(context);
    std::set<const clang::Decl*> mapped;
    for (const MapCall& call : mapCalls)
      if (call.job) mapped.insert(call.job->getCanonicalDecl());
    for (auto& [name, spliced] : finder.pipelines()) {
      std::vector<FoundStage> found = spliced.stages;
      if (found.empty()) continue;  // only splices of groups without stages
      // A namespace of jobs that are all mapped holds map functions, not a
      // pipeline: each is checked as a stage on its own, and nothing flows
      // from one to the next.
      const bool onlyMapped = std::all_of(found.begin(), found.end(), [&](const FoundStage& stage) {
        return stage.kind == model::StageKind::job && mapped.count(stage.function->getCanonicalDecl()) != 0;
      });
      if (onlyMapped) {
        for (const FoundStage& stage : found) checkAlone(stage, source, context, sema);
        continue;
      }
      model::Pipeline pipeline;
      pipeline.name = name;
      pipeline.source = source;
      for (std::size_t i = 0; i != found.size(); ++i) {
        pipeline.stages.push_back(describeStage(found[i], context));
        if (!spliced.splices[i].empty()) pipeline.stages.back().group = spliced.splices[i].back().group;
        if (found[i].kind == model::StageKind::sweep) {
          found[i].sweepRow = sweepRowOf(found[i], sema);
          pipeline.stages.back().sweep = pipeline.sweeps.size();
          pipeline.sweeps.push_back(describeSweep(found[i], context));
        }
      }
      const std::vector<StructureProblem> problems = layOutScopes(pipeline);
      // A pipeline with errors is still described (for --dump-model), but
      // its types are not planned: no code is generated after an error.
      bool valid;
      {
        // Spliced stages are checked where they are written; notes say
        // where their group was spliced.
        const bool spliceNotes = std::any_of(spliced.splices.begin(), spliced.splices.end(),
                                             [](const auto& chain) { return !chain.empty(); });
        std::optional<SpliceNotes> notes;
        if (spliceNotes) notes.emplace(diagnostics, spliced);
        valid = checkPipeline(found, pipeline, problems, sema);
        if (notes) notes->replay();
      }
      valid = valid && checkUnique(name, found.front(), diagnostics);
      if (valid) {
        // Every item type and store (the first parameter of reduce, frame and
        // frame_end) crosses ranks and goes into checkpoints.
        const unsigned errorsBefore = diagnostics.getNumErrors();
        SerialisationPlanner planner(sema, result_.program.types);
        for (const FoundStage& stage : found) {
          const ReturnShape shape = returnShape(stage.function->getReturnType());
          if (shape.form != model::ReturnForm::none) planner.addItem(shape.item, *stage.function);
          for (const clang::ParmVarDecl* param : stage.function->parameters()) {
            planner.addItem(itemOf(param->getType()), *stage.function);
          }
        }
        // A type that cannot even travel is the error to fix first.
        if (diagnostics.getNumErrors() == errorsBefore) checkPrintable(found, sema);
        valid = diagnostics.getNumErrors() == errorsBefore;
      }
      // Checked as written, generated as frames: the one place sweeps are lowered.
      if (valid && !pipeline.sweeps.empty()) {
        pipeline = lowerSweeps(pipeline);
        layOutScopes(pipeline);  // a sweep's parts nest: no problem to report
      }
      result_.program.pipelines.push_back(std::move(pipeline));
    }
    addMaps(mapCalls, context, sema);
  }

 private:
  // A mapped job outside any pipeline: the rules of a one-stage pipeline.
  static void checkAlone(const FoundStage& stage, const std::string& source, clang::ASTContext& context,
                         clang::Sema& sema) {
    model::Pipeline alone;
    alone.source = source;
    alone.stages.push_back(describeStage(stage, context));
    const std::vector<StructureProblem> problems = layOutScopes(alone);
    checkPipeline({stage}, alone, problems, sema);
  }

  // Each mapped function once, with its item and result planned for travel.
  void addMaps(const std::vector<MapCall>& calls, clang::ASTContext& context, clang::Sema& sema) {
    for (const MapCall& call : calls) {
      if (!checkMappable(call, context)) continue;
      const clang::FunctionDecl& job = *call.job;
      model::MappedJob map;
      map.name = stageName(job);
      map.callee = "::" + map.name;
      const bool known = std::any_of(result_.program.maps.begin(), result_.program.maps.end(),
                                     [&](const model::MappedJob& other) { return other.name == map.name; });
      if (known) continue;
      const clang::QualType input = itemOf(job.getParamDecl(0)->getType());
      const clang::QualType result = job.getReturnType().getUnqualifiedType();
      map.input = describe(input, context);
      map.result = describe(result, context);
      map.location = locationOf(call.call->getArg(0)->getBeginLoc(), context.getSourceManager());
      SerialisationPlanner planner(sema, result_.program.types);
      const bool travels = planner.addItem(input, job) && planner.addItem(result, job);
      if (travels) result_.program.maps.push_back(std::move(map));
    }
  }

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
  clang::CompilerInstance& compiler_;  // its Sema is made after this consumer
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
    return std::make_unique<PipelineConsumer>(result_, skipped_, compiler);
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
