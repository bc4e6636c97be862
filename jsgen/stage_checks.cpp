#include "stage_checks.hpp"

#include <string>

#include "clang/AST/DeclCXX.h"
#include "clang/AST/DeclTemplate.h"
#include "clang_types.hpp"
#include "diagnostics.hpp"
#include "store_checks.hpp"
#include "sweep_checks.hpp"

namespace jsgen {

clang::SourceLocation returnLocation(const clang::FunctionDecl& function) {
  clang::SourceLocation at = function.getReturnTypeSourceRange().getBegin();
  return at.isValid() ? at : function.getLocation();
}

Product productOf(const FoundStage& stage) {
  if (keepsStore(stage.kind) && stage.kind != model::StageKind::frame) {
    if (stage.function->getNumParams() == 0) return {};  // reported as a bad signature
    return {storeOf(stage), stage.function->getParamDecl(0)->getBeginLoc(), true};
  }
  if (stage.kind == model::StageKind::sweep)
    return {stage.sweepRow, returnLocation(*stage.function)};
  return {returnShape(stage.function->getReturnType()).item, returnLocation(*stage.function)};
}

namespace {

using model::ReturnForm;
using model::StageKind;

std::string nameOf(const FoundStage& stage) { return stageName(*stage.function); }

bool isTerminal(StageKind kind) { return kind == StageKind::result || kind == StageKind::finish; }

// Another function, function template or using-declaration of the same name
// in the stage's namespace, or null. Generated code calls a stage by its
// qualified name, so overload resolution could pick that one instead.
const clang::NamedDecl* otherOverload(const clang::FunctionDecl& function) {
  const clang::DeclContext* scope = function.getDeclContext()->getRedeclContext();
  const clang::FunctionDecl* self = function.getCanonicalDecl();
  for (const clang::NamedDecl* found : scope->lookup(function.getDeclName())) {
    const clang::NamedDecl* target = found->getUnderlyingDecl();
    if (const auto* other = llvm::dyn_cast<clang::FunctionDecl>(target)) {
      if (other->getCanonicalDecl() != self) return found;
    } else if (llvm::isa<clang::FunctionTemplateDecl>(target)) {
      return found;
    }
  }
  return nullptr;
}

class PipelineChecker {
 public:
  PipelineChecker(clang::ASTContext& context, clang::DiagnosticsEngine& diagnostics)
      : context_(context), diagnostics_(diagnostics) {}

  // Checks that do not depend on other stages. False if the stage is unusable.
  // `above` is the stage right above this one, if any.
  bool checkSignature(const FoundStage& stage, const FoundStage* above) {
    const clang::FunctionDecl& function = *stage.function;
    const std::string name = nameOf(stage);
    if (llvm::isa<clang::CXXMethodDecl>(function)) {
      reportError(diagnostics_, function.getLocation(),
                  "stage '%0' is a member function; a jobstream stage must be a function at "
                  "namespace scope")
          << name;
      return false;
    }
    if (function.isTemplated()) {
      reportError(diagnostics_, function.getLocation(),
                  "stage '%0' is a template; a jobstream stage must be a plain function")
          << name;
      return false;
    }
    if (const clang::NamedDecl* other = otherOverload(function)) {
      reportError(diagnostics_, function.getLocation(),
                  "stage '%0' is overloaded; generated code calls a stage by its qualified name, "
                  "so it must be the only '%1' in its namespace: rename the stage or the other "
                  "declaration")
          << name << function.getName();
      reportNote(diagnostics_, other->getLocation(), "other declaration of '%0' is here")
          << function.getName();
      return false;
    }
    if (function.isVariadic()) {
      reportError(diagnostics_, function.getLocation(), "stage '%0' cannot be variadic") << name;
      return false;
    }
    bool ok = true;
    if (function.getReturnType()->isReferenceType() || function.getReturnType()->isPointerType()) {
      reportError(diagnostics_, returnLocation(function),
                  "stage '%0' returns '%1'; a stage returns its items by value")
          << name << spelledName(function.getReturnType(), context_);
      ok = false;
    }
    if (!checkLazyReturn(stage, name)) ok = false;
    for (const clang::ParmVarDecl* param : function.parameters()) {
      // The store is the one parameter a stage changes (store_checks.cpp).
      if (keepsStore(stage.kind) && param == function.getParamDecl(0)) continue;
      // A sweep takes neither by &&: checkSweepSignature says how it takes them.
      if (stage.kind == StageKind::sweep) continue;
      if (passingOf(param->getType()) == model::Passing::lvalue_ref) {
        // Fix-it: `const ` before the type as written, when it is in the file
        // (not in a macro).
        const clang::SourceLocation typeStart = param->getTypeSpecStartLoc();
        auto report = reportError(diagnostics_, param->getBeginLoc(),
                                  "stage '%0' takes '%1' by non-const reference; take the item by "
                                  "value, const& or &&")
                      << name << spelledName(param->getType(), context_);
        if (typeStart.isValid() && typeStart.isFileID())
          report << clang::FixItHint::CreateInsertion(typeStart, "const ");
        ok = false;
      }
    }
    const unsigned count = function.getNumParams();
    switch (stage.kind) {
      case StageKind::init:
        if (count != 0) {
          reportError(diagnostics_, function.getParamDecl(0)->getBeginLoc(),
                      "init stage '%0' takes %1 parameter%s1; an init stage takes none (it "
                      "makes the pipeline's first items)")
              << name << count;
          ok = false;
        }
        break;
      case StageKind::job:
        if (count == 0) {
          reportError(diagnostics_, function.getLocation(),
                      "job stage '%0' takes no parameters; a job takes the item it processes "
                      "(or a std::tuple's elements)")
              << name;
          ok = false;
        }
        break;
      case StageKind::result:
      case StageKind::finish:
        ok = checkTerminalSignature(stage, name) && ok;
        break;
      case StageKind::sweep:
        ok = checkSweepSignature(stage, context_, diagnostics_) && ok;
        break;
      case StageKind::reduce:
      case StageKind::frame:
      case StageKind::frame_end:
      case StageKind::emit:
        ok = checkStoreSignature(stage, above, context_, diagnostics_) && ok;
        break;
    }
    return ok;
  }

  // Checks the order of stages. False if the order is broken.
  bool checkOrder(const std::vector<FoundStage>& stages) {
    bool ok = true;
    const FoundStage* firstOther = nullptr;
    for (std::size_t i = 0; i != stages.size(); ++i) {
      const FoundStage& stage = stages[i];
      if (stage.kind != StageKind::init) {
        if (!firstOther) firstOther = &stage;
      } else if (firstOther) {
        reportError(diagnostics_, stage.attribute,
                    "init stage '%0' comes after a stage that is not init; init stages must "
                    "come first in the pipeline")
            << nameOf(stage);
        reportNote(diagnostics_, firstOther->attribute, "the first non-init stage '%0' is here")
            << nameOf(*firstOther);
        ok = false;
      }
      if (i == 0) continue;
      const FoundStage& before = stages[i - 1];
      if (isTerminal(before.kind)) {
        reportError(diagnostics_, stage.attribute,
                    "stage '%0' comes after %select{result|finish}1 stage '%2'; a pipeline ends "
                    "with at most one result or finish stage")
            << nameOf(stage) << (before.kind == StageKind::finish) << nameOf(before);
        reportNote(diagnostics_, before.attribute, "'%0' is here") << nameOf(before);
        ok = false;
      } else if (before.kind == StageKind::job && before.function->getReturnType()->isVoidType()) {
        reportError(diagnostics_, stage.attribute,
                    "stage '%0' would never run: '%1' before it returns void")
            << nameOf(stage) << nameOf(before);
        reportNote(diagnostics_, returnLocation(*before.function), "'%0' returns void here")
            << nameOf(before);
        ok = false;
      }
    }
    // Inits feed the first other stage; if all of them return void, nothing does.
    const FoundStage* lastVoidInit = nullptr;
    bool someInitProduces = false;
    for (const FoundStage& stage : stages) {
      if (stage.kind != StageKind::init) break;
      if (stage.function->getReturnType()->isVoidType()) {
        lastVoidInit = &stage;
      } else {
        someInitProduces = true;
      }
    }
    if (lastVoidInit && !someInitProduces) {
      if (firstOther) {
        reportError(diagnostics_, firstOther->attribute,
                    "stage '%0' would never run: every init stage before it returns void")
            << nameOf(*firstOther);
        reportNote(diagnostics_, returnLocation(*lastVoidInit->function), "'%0' returns void here")
            << nameOf(*lastVoidInit);
      } else {
        reportError(diagnostics_, lastVoidInit->attribute,
                    "pipeline has nothing to run: its only stages are init stages returning void");
      }
      ok = false;
    }
    return ok;
  }

  // Init stages that feed the same stage must make the same items.
  void checkSameProduct(const FoundStage& first, const FoundStage& other) {
    const ReturnShape a = returnShape(first.function->getReturnType());
    const ReturnShape b = returnShape(other.function->getReturnType());
    if (sameItem(a.item, b.item, context_)) return;
    reportError(diagnostics_, returnLocation(*other.function),
                "init stage '%0' produces '%1' but init stage '%2' produces '%3'; all init "
                "stages feed the same stage")
        << nameOf(other) << spelledName(b.item, context_) << nameOf(first)
        << spelledName(a.item, context_);
    reportNote(diagnostics_, returnLocation(*first.function), "'%0' produces '%1' here")
        << nameOf(first) << spelledName(a.item, context_);
  }

  // Checks that `stage` accepts what `before` produces: its returned items,
  // or for a reduce or frame_end (without an emit), its store.
  void checkFlow(const FoundStage& before, const FoundStage& stage) {
    if (stage.kind == StageKind::emit) return;  // it reads the store: checkEmitStore
    const Product product = productOf(before);
    const clang::QualType produced = product.item;
    if (produced.isNull()) return;
    const Acceptance taken = accepts(stage, produced);
    if (taken.accepted) return;
    const std::string producedName = spelledName(produced, context_);
    if (taken.tuple) {
      reportError(diagnostics_, taken.at,
                  "stage '%0' takes %1 but '%2' before it produces '%3'; a job with several "
                  "parameters takes a std::tuple of them")
          << nameOf(stage) << taken.takes << nameOf(before) << producedName;
    } else if (stage.kind == StageKind::finish) {
      reportError(diagnostics_, taken.at,
                  "finish stage '%0' takes '%1' but '%2' before it produces '%3'; it takes a "
                  "std::vector of those items")
          << nameOf(stage) << taken.takes << nameOf(before) << producedName;
    } else {
      reportError(diagnostics_, taken.at, "stage '%0' takes '%1' but '%2' before it produces '%3'")
          << nameOf(stage) << taken.takes << nameOf(before) << producedName;
    }
    reportNote(diagnostics_, product.at, "'%0' produces '%1' here")
        << nameOf(before) << producedName;
    if (!product.store) suggestMultiple(before, produced, stage);
  }

  // What a reduce, frame or frame_end returns re-enters the pipeline at
  // `target`, which must take it.
  void checkRecursion(const FoundStage& stage, const FoundStage& target) {
    const ReturnShape shape = returnShape(stage.function->getReturnType());
    if (shape.form == ReturnForm::none) return;
    const Acceptance taken = accepts(target, shape.item);
    if (taken.accepted) return;
    reportError(diagnostics_, returnLocation(*stage.function),
                "%0 stage '%1' returns '%2', which re-enters %select{its scope|the frame body}3 "
                "at stage '%4', but '%4' takes '%5'")
        << model::kindName(stage.kind) << nameOf(stage) << spelledName(shape.item, context_)
        << (stage.kind != StageKind::reduce) << nameOf(target) << taken.takes;
    reportNote(diagnostics_, taken.at, "'%0' takes '%1' here") << nameOf(target) << taken.takes;
    suggestMultiple(stage, shape.item, target);
  }

  // A stage that returns a std::vector<T> to a stage that would take its
  // elements surely meant jobstream::Multiple<T>: each element an item.
  void suggestMultiple(const FoundStage& producer, clang::QualType produced,
                       const FoundStage& taker) {
    const auto elements = templateArguments(produced, "std::vector");
    if (!elements || elements->empty() || !accepts(taker, elements->front()).accepted) return;
    const std::string element = spelledName(elements->front(), context_);
    auto note = reportNote(diagnostics_, returnLocation(*producer.function),
                           "return 'jobstream::Multiple<%0>' to pass on each element as an item "
                           "of its own; a 'std::vector<%0>' is one item")
                << element;
    const clang::SourceRange written = producer.function->getReturnTypeSourceRange();
    if (written.isValid() && written.getBegin().isFileID() && written.getEnd().isFileID())
      note << clang::FixItHint::CreateReplacement(written, "jobstream::Multiple<" + element + ">");
  }

  // An emit reads the store of the reduce or frame_end right above it.
  void checkEmitStore(const FoundStage& keeper, const FoundStage& emit) {
    const clang::QualType store = storeOf(keeper);
    const clang::QualType read = storeOf(emit);
    if (store.isNull() || read.isNull() || sameItem(store, read, context_)) return;
    reportError(diagnostics_, emit.function->getParamDecl(0)->getBeginLoc(),
                "emit stage '%0' takes '%1' but the store of %2 stage '%3' above it is '%4'")
        << nameOf(emit) << spelledName(read, context_) << model::kindName(keeper.kind)
        << nameOf(keeper) << spelledName(store, context_);
    reportNote(diagnostics_, keeper.function->getParamDecl(0)->getBeginLoc(),
               "'%0' keeps a '%1' here")
        << nameOf(keeper) << spelledName(store, context_);
  }

  // A frame must be able to return items (or its body never runs) and to
  // return nothing (or its instances never end).
  void checkFrameReturns(const FoundStage& frame, const FoundStage& end) {
    const ReturnShape shape = returnShape(frame.function->getReturnType());
    if (shape.form == ReturnForm::none) {
      reportError(diagnostics_, returnLocation(*frame.function),
                  "frame stage '%0' returns void, so its body and frame_end '%1' would never "
                  "run; a frame returns std::optional<T> or jobstream::Multiple<T>: work for "
                  "the body, or nothing to end the instance")
          << nameOf(frame) << nameOf(end);
      reportNote(diagnostics_, end.attribute, "'%0' closes the frame here") << nameOf(end);
    } else if (shape.form == ReturnForm::value) {
      const std::string item = spelledName(shape.item, context_);
      reportError(diagnostics_, returnLocation(*frame.function),
                  "frame stage '%0' returns '%1', an item on every call, so its instances "
                  "never end; return std::optional<%1> or jobstream::Multiple<%1>, and "
                  "nothing to end an instance")
          << nameOf(frame) << item;
      reportNote(diagnostics_, end.attribute,
                 "an instance's store leaves at '%0' here once the instance ends")
          << nameOf(end);
    }
  }

  // A frame and its frame_end work on one store.
  void checkSameStore(const FoundStage& frame, const FoundStage& end) {
    const clang::QualType a = storeOf(frame);
    const clang::QualType b = storeOf(end);
    if (a.isNull() || b.isNull() || sameItem(a, b, context_)) return;
    reportError(diagnostics_, end.function->getParamDecl(0)->getBeginLoc(),
                "frame_end stage '%0' keeps a '%1' but its frame '%2' keeps a '%3'; a frame and "
                "its frame_end share one store")
        << nameOf(end) << spelledName(b, context_) << nameOf(frame) << spelledName(a, context_);
    reportNote(diagnostics_, frame.function->getParamDecl(0)->getBeginLoc(),
               "'%0' keeps a '%1' here")
        << nameOf(frame) << spelledName(a, context_);
  }

  void reportStructure(const StructureProblem& problem, const std::vector<FoundStage>& stages) {
    const FoundStage& stage = stages[problem.stage];
    const FoundStage* related =
        problem.related != model::kNoStage ? &stages[problem.related] : nullptr;
    switch (problem.kind) {
      case StructureProblem::Kind::frame_without_end:
        reportError(diagnostics_, stage.attribute,
                    "frame stage '%0' has no frame_end; a frame body ends at a "
                    "[[jobstream::frame_end]] stage below it")
            << nameOf(stage);
        break;
      case StructureProblem::Kind::end_without_frame:
        reportError(diagnostics_, stage.attribute,
                    "frame_end stage '%0' closes no frame; put a [[jobstream::frame]] stage "
                    "above the frame body")
            << nameOf(stage);
        break;
      case StructureProblem::Kind::emit_misplaced:
        reportError(diagnostics_, stage.attribute,
                    "emit stage '%0' is not right after a reduce or frame_end; an emit says "
                    "what leaves the reduce or frame_end above it")
            << nameOf(stage);
        if (related)
          reportNote(diagnostics_, related->attribute, "'%0' is above it") << nameOf(*related);
        break;
      case StructureProblem::Kind::emit_twice:
        reportError(diagnostics_, stage.attribute,
                    "emit stage '%0' follows emit stage '%1'; a reduce or frame_end has at most "
                    "one emit")
            << nameOf(stage) << nameOf(*related);
        reportNote(diagnostics_, related->attribute, "the first emit '%0' is here")
            << nameOf(*related);
        break;
      case StructureProblem::Kind::last_in_frame:
        reportError(diagnostics_, stage.attribute,
                    "%select{result|finish}0 stage '%1' is inside the body of frame '%2'; it "
                    "must be the pipeline's last stage, after every frame_end")
            << (stage.kind == StageKind::finish) << nameOf(stage) << nameOf(*related);
        reportNote(diagnostics_, related->attribute, "the frame '%0' starts here")
            << nameOf(*related);
        break;
    }
  }

 private:
  // Whether `stage` takes `item`, and how it says what it takes.
  struct Acceptance {
    bool accepted = true;
    bool tuple = false;  // a job with several parameters
    std::string takes;   // as written: "int", "(int, long)"
    clang::SourceLocation at;
  };

  Acceptance accepts(const FoundStage& stage, clang::QualType item) {
    const clang::FunctionDecl& function = *stage.function;
    Acceptance taken;
    if (function.getNumParams() == 0) return taken;
    const clang::ParmVarDecl* first = function.getParamDecl(0);
    taken.at = first->getBeginLoc();
    clang::QualType takes;
    switch (stage.kind) {
      case StageKind::finish: {
        auto elements = templateArguments(itemOf(first->getType()), "std::vector");
        taken.accepted = elements && sameItem(elements->front(), item, context_);
        taken.takes = spelledName(itemOf(first->getType()), context_);
        return taken;
      }
      case StageKind::reduce:
        takes = reduceInputOf(stage);
        taken.at = function.getParamDecl(1)->getBeginLoc();
        break;
      case StageKind::frame:
      case StageKind::frame_end:
        takes = itemOf(function.getParamDecl(1)->getType());
        taken.at = function.getParamDecl(1)->getBeginLoc();
        break;
      case StageKind::sweep:  // each item is one combination
        takes = itemOf(first->getType());
        break;
      default:
        if (function.getNumParams() == 1) takes = itemOf(first->getType());
        break;
    }
    if (!takes.isNull()) {
      taken.accepted = sameItem(takes, item, context_);
      taken.takes = spelledName(takes, context_);
      return taken;
    }
    if (stage.kind != StageKind::job) return taken;
    auto elements = templateArguments(item, "std::tuple");
    taken.tuple = true;
    taken.accepted = elements && elements->size() == function.getNumParams();
    taken.takes = "(";
    for (unsigned i = 0; i != function.getNumParams(); ++i) {
      const clang::QualType param = function.getParamDecl(i)->getType();
      taken.takes += (i ? ", " : "") + spelledName(itemOf(param), context_);
      if (taken.accepted) taken.accepted = sameItem((*elements)[i], param, context_);
    }
    taken.takes += ")";
    return taken;
  }

  // A jobstream::Lazy's items are drawn after its stage has returned, and a
  // resumed run rebuilds it by calling the stage again: only an init can.
  // (result and finish return void, a sweep one outcome: their own checks
  // say so.)
  bool checkLazyReturn(const FoundStage& stage, const std::string& name) {
    const StageKind kind = stage.kind;
    if (kind == StageKind::init || isTerminal(kind) || kind == StageKind::sweep) return true;
    const clang::FunctionDecl& function = *stage.function;
    const ReturnShape shape = returnShape(function.getReturnType());
    if (shape.form != ReturnForm::lazy) return true;
    const std::string item = spelledName(shape.item, context_);
    auto report = reportError(diagnostics_, returnLocation(function),
                              "%0 stage '%1' returns jobstream::Lazy<%2>, which only an init stage can return; "
                              "return jobstream::Multiple<%2> to make several items at once")
                  << model::kindName(kind) << name << item;
    const clang::SourceRange written = function.getReturnTypeSourceRange();
    if (written.isValid() && written.getBegin().isFileID() && written.getEnd().isFileID())
      report << clang::FixItHint::CreateReplacement(written, "jobstream::Multiple<" + item + ">");
    return false;
  }

  bool checkTerminalSignature(const FoundStage& stage, const std::string& name) {
    const clang::FunctionDecl& function = *stage.function;
    const bool finish = stage.kind == StageKind::finish;
    bool ok = true;
    if (!function.getReturnType()->isVoidType()) {
      reportError(diagnostics_, returnLocation(function),
                  "%select{result|finish}0 stage '%1' returns '%2'; it must return void (it is "
                  "the pipeline's last stage)")
          << finish << name << spelledName(function.getReturnType(), context_);
      ok = false;
    }
    if (function.getNumParams() != 1) {
      reportError(diagnostics_, function.getLocation(),
                  "%select{result|finish}0 stage '%1' takes %2 parameter%s2; it takes exactly "
                  "one (%select{the item|a std::vector of every item}0)")
          << finish << name << function.getNumParams();
      return false;
    }
    const clang::ParmVarDecl* param = function.getParamDecl(0);
    if (finish && !templateArguments(itemOf(param->getType()), "std::vector")) {
      reportError(diagnostics_, param->getBeginLoc(),
                  "finish stage '%0' takes '%1'; it takes every item at once, as a "
                  "std::vector<T>")
          << name << spelledName(param->getType(), context_);
      ok = false;
    }
    return ok;
  }

  clang::ASTContext& context_;
  clang::DiagnosticsEngine& diagnostics_;
};

}  // namespace

bool checkPipeline(const std::vector<FoundStage>& stages, const model::Pipeline& described,
                   const std::vector<StructureProblem>& problems, clang::Sema& sema) {
  clang::DiagnosticsEngine& diagnostics = sema.getDiagnostics();
  PipelineChecker checker(sema.getASTContext(), diagnostics);
  bool signaturesOk = true;
  for (std::size_t i = 0; i != stages.size(); ++i)
    signaturesOk = checker.checkSignature(stages[i], i ? &stages[i - 1] : nullptr) && signaturesOk;
  for (const StructureProblem& problem : problems) checker.reportStructure(problem, stages);
  if (!signaturesOk || !problems.empty()) return false;
  if (!checker.checkOrder(stages)) return false;
  // Every init feeds the first other stage; every other stage feeds the next.
  const std::size_t entry = described.entry;
  const unsigned errorsBefore = diagnostics.getNumErrors();
  if (entry != stages.size()) {
    for (std::size_t i = 0; i != entry; ++i) checker.checkFlow(stages[i], stages[entry]);
  }
  for (std::size_t i = entry + 1; i < stages.size(); ++i)
    checker.checkFlow(stages[i - 1], stages[i]);
  for (std::size_t i = entry; i < stages.size(); ++i) {
    const FoundStage& stage = stages[i];
    const model::Structure& structure = described.stages[i].structure;
    if (stage.kind == StageKind::emit) checker.checkEmitStore(stages[i - 1], stage);
    if (stage.kind == StageKind::frame_end)
      checker.checkSameStore(stages[structure.partner], stage);
    if (stage.kind == StageKind::frame) checker.checkFrameReturns(stage, stages[structure.partner]);
    // A frame recurs into the stage right after it: checkFlow covers that.
    if (structure.recursTo != model::kNoStage && stage.kind != StageKind::frame)
      checker.checkRecursion(stage, stages[structure.recursTo]);
    if (stage.kind == StageKind::reduce || stage.kind == StageKind::frame)
      checkValueInitialisable(stage, sema);
    if (stage.kind == StageKind::sweep) checkSweepColumns(stage, sema);
  }
  // Without other stages, all inits feed the default printer: one item type.
  if (entry == stages.size()) {
    const FoundStage* first = nullptr;
    for (const FoundStage& stage : stages) {
      if (stage.function->getReturnType()->isVoidType()) continue;
      if (first)
        checker.checkSameProduct(*first, stage);
      else
        first = &stage;
    }
  }
  return diagnostics.getNumErrors() == errorsBefore;
}

}  // namespace jsgen
