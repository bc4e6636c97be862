#include "stage_checks.hpp"

#include <string>

#include "clang/AST/DeclCXX.h"
#include "clang_types.hpp"
#include "diagnostics.hpp"

namespace jsgen {
namespace {

using model::ReturnForm;
using model::StageKind;

std::string nameOf(const FoundStage& stage) {
  std::string name;
  llvm::raw_string_ostream out(name);
  clang::PrintingPolicy policy = stage.function->getASTContext().getPrintingPolicy();
  policy.SuppressUnwrittenScope = true;
  stage.function->printQualifiedName(out, policy);
  return name;
}

clang::SourceLocation returnLocation(const clang::FunctionDecl& function) {
  clang::SourceLocation at = function.getReturnTypeSourceRange().getBegin();
  return at.isValid() ? at : function.getLocation();
}

bool isTerminal(StageKind kind) { return kind == StageKind::result || kind == StageKind::finish; }

class PipelineChecker {
 public:
  PipelineChecker(clang::ASTContext& context, clang::DiagnosticsEngine& diagnostics)
      : context_(context), diagnostics_(diagnostics) {}

  // Checks that do not depend on other stages. False if the stage is unusable.
  bool checkSignature(const FoundStage& stage) {
    const clang::FunctionDecl& function = *stage.function;
    const std::string name = nameOf(stage);
    if (!model::isSupported(stage.kind)) {
      reportError(diagnostics_, stage.attribute,
                  "'jobstream::%0' is not supported yet: this version of jsgen generates code "
                  "for init, job, result and finish stages only")
          << model::kindName(stage.kind);
      return false;
    }
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
    for (const clang::ParmVarDecl* param : function.parameters()) {
      if (passingOf(param->getType()) == model::Passing::lvalue_ref) {
        reportError(diagnostics_, param->getBeginLoc(),
                    "stage '%0' takes '%1' by non-const reference; take the item by value, "
                    "const& or &&")
            << name << spelledName(param->getType(), context_);
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
      default:
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
      } else if (before.kind != StageKind::init && before.function->getReturnType()->isVoidType()) {
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

  // Checks that `stage` accepts what `before` produces.
  void checkFlow(const FoundStage& before, const FoundStage& stage) {
    const ReturnShape produced = returnShape(before.function->getReturnType());
    if (produced.form == ReturnForm::none) return;
    const clang::FunctionDecl& function = *stage.function;
    if (function.getNumParams() == 0) return;
    const clang::ParmVarDecl* first = function.getParamDecl(0);
    bool accepted = true;
    std::string takes;
    if (stage.kind == StageKind::finish) {
      auto elements = templateArguments(itemOf(first->getType()), "std::vector");
      accepted = elements && sameItem(elements->front(), produced.item, context_);
      takes = spelledName(itemOf(first->getType()), context_);
    } else if (function.getNumParams() == 1) {
      accepted = sameItem(first->getType(), produced.item, context_);
      takes = spelledName(itemOf(first->getType()), context_);
    } else {
      auto elements = templateArguments(produced.item, "std::tuple");
      accepted = elements && elements->size() == function.getNumParams();
      takes = "(";
      for (unsigned i = 0; i != function.getNumParams(); ++i) {
        const clang::QualType param = function.getParamDecl(i)->getType();
        takes += (i ? ", " : "") + spelledName(itemOf(param), context_);
        if (accepted) accepted = sameItem((*elements)[i], param, context_);
      }
      takes += ")";
    }
    if (accepted) return;
    const std::string producedName = spelledName(produced.item, context_);
    if (function.getNumParams() > 1) {
      reportError(diagnostics_, first->getBeginLoc(),
                  "stage '%0' takes %1 but '%2' before it produces '%3'; a job with several "
                  "parameters takes a std::tuple of them")
          << nameOf(stage) << takes << nameOf(before) << producedName;
    } else if (stage.kind == StageKind::finish) {
      reportError(diagnostics_, first->getBeginLoc(),
                  "finish stage '%0' takes '%1' but '%2' before it produces '%3'; it takes a "
                  "std::vector of those items")
          << nameOf(stage) << takes << nameOf(before) << producedName;
    } else {
      reportError(diagnostics_, first->getBeginLoc(),
                  "stage '%0' takes '%1' but '%2' before it produces '%3'")
          << nameOf(stage) << takes << nameOf(before) << producedName;
    }
    reportNote(diagnostics_, returnLocation(*before.function), "'%0' produces '%1' here")
        << nameOf(before) << producedName;
  }

 private:
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

bool checkPipeline(const std::vector<FoundStage>& stages, clang::ASTContext& context,
                   clang::DiagnosticsEngine& diagnostics) {
  PipelineChecker checker(context, diagnostics);
  bool signaturesOk = true;
  for (const FoundStage& stage : stages)
    signaturesOk = checker.checkSignature(stage) && signaturesOk;
  if (!signaturesOk) return false;
  if (!checker.checkOrder(stages)) return false;
  // Every init feeds the first other stage; every other stage feeds the next.
  std::size_t entry = 0;
  while (entry != stages.size() && stages[entry].kind == StageKind::init) ++entry;
  const unsigned errorsBefore = diagnostics.getNumErrors();
  if (entry != stages.size()) {
    for (std::size_t i = 0; i != entry; ++i) checker.checkFlow(stages[i], stages[entry]);
  }
  for (std::size_t i = entry + 1; i < stages.size(); ++i)
    checker.checkFlow(stages[i - 1], stages[i]);
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
