#include "store_checks.hpp"

#include <string>

#include "clang/AST/DeclCXX.h"
#include "clang/Lex/Lexer.h"
#include "clang_types.hpp"
#include "diagnostics.hpp"
#include "type_traits.hpp"

namespace jsgen {
namespace {

using model::StageKind;

// `std::span<const E>`: E; null otherwise (also for a span of non-const E,
// which is not the contract's shape).
clang::QualType constSpanElement(clang::QualType parameter) {
  auto arguments = templateArguments(itemOf(parameter), "std::span");
  if (!arguments || arguments->empty() || !arguments->front().isConstQualified()) return {};
  return arguments->front().getUnqualifiedType();
}

// The parameter that holds the store must be `Store&`: the stage changes it.
bool checkStoreParameter(const FoundStage& stage, const clang::ParmVarDecl& param,
                         clang::ASTContext& context, clang::DiagnosticsEngine& diagnostics) {
  const clang::QualType type = param.getType();
  if (passingOf(type) == model::Passing::lvalue_ref) return true;
  auto report = reportError(diagnostics, param.getBeginLoc(),
                            "%0 stage '%1' takes its store as '%2'; it takes it as '%3&', the "
                            "store it updates")
                << model::kindName(stage.kind) << stageName(*stage.function)
                << spelledName(type, context) << spelledName(itemOf(type), context);
  if (!type->isReferenceType() && !type.isConstQualified()) {
    const clang::SourceLocation typeEnd =
        clang::Lexer::getLocForEndOfToken(param.getTypeSourceInfo()->getTypeLoc().getEndLoc(), 0,
                                          context.getSourceManager(), context.getLangOpts());
    if (typeEnd.isValid()) report << clang::FixItHint::CreateInsertion(typeEnd, "&");
  }
  return false;
}

// What a reduce's inputs parameter holds when it is not a std::span<const In>:
// the element of a span or vector, or else the item itself.
clang::QualType writtenInput(clang::QualType parameter) {
  const clang::QualType item = itemOf(parameter);
  for (llvm::StringRef container : {"std::span", "std::vector"}) {
    const auto arguments = templateArguments(item, container);
    if (arguments && !arguments->empty()) return itemOf(arguments->front());
  }
  return item;
}

bool checkReduce(const FoundStage& stage, const FoundStage* above, clang::ASTContext& context,
                 clang::DiagnosticsEngine& diagnostics) {
  const clang::FunctionDecl& function = *stage.function;
  const std::string name = stageName(function);
  if (function.getNumParams() != 3) {
    reportError(diagnostics, function.getLocation(),
                "reduce stage '%0' takes %1 parameter%s1; a reduce is 'R f(Store&, "
                "std::span<const In> inputs, std::span<const Store> others)'")
        << name << function.getNumParams();
    return false;
  }
  bool ok = checkStoreParameter(stage, *function.getParamDecl(0), context, diagnostics);
  const clang::ParmVarDecl& inputs = *function.getParamDecl(1);
  if (constSpanElement(inputs.getType()).isNull()) {
    // In is what the stage above produces; without one, what was written.
    const Product fed = above ? productOf(*above) : Product{};
    const clang::QualType input = fed.item.isNull() ? writtenInput(inputs.getType()) : itemOf(fed.item);
    reportError(diagnostics, inputs.getBeginLoc(),
                "reduce stage '%0' takes its inputs as '%1'; it takes them as "
                "'std::span<const %2>'")
        << name << spelledName(inputs.getType(), context) << spelledName(input, context);
    if (!fed.item.isNull())
      reportNote(diagnostics, fed.at, "'%0' produces '%1' here")
          << stageName(*above->function) << spelledName(input, context);
    ok = false;
  }
  const clang::ParmVarDecl& others = *function.getParamDecl(2);
  const clang::QualType otherStore = constSpanElement(others.getType());
  const clang::QualType store = itemOf(function.getParamDecl(0)->getType());
  if (otherStore.isNull()) {
    reportError(diagnostics, others.getBeginLoc(),
                "reduce stage '%0' takes the other stores as '%1'; it takes them as "
                "'std::span<const %2>'")
        << name << spelledName(others.getType(), context) << spelledName(store, context);
    ok = false;
  } else if (!sameItem(otherStore, store, context)) {
    reportError(diagnostics, others.getBeginLoc(),
                "reduce stage '%0' merges others of type '%1' but its store is '%2'; the others "
                "are partial stores of the same reduction: 'std::span<const %2>'")
        << name << spelledName(otherStore, context) << spelledName(store, context);
    reportNote(diagnostics, function.getParamDecl(0)->getBeginLoc(), "the store is '%0' here")
        << spelledName(store, context);
    ok = false;
  }
  return ok;
}

bool checkFrame(const FoundStage& stage, clang::ASTContext& context,
                clang::DiagnosticsEngine& diagnostics) {
  const clang::FunctionDecl& function = *stage.function;
  if (function.getNumParams() != 2) {
    reportError(diagnostics, function.getLocation(),
                "%0 stage '%1' takes %2 parameter%s2; a %0 is 'R f(Store&, const %select{First|"
                "Next}3&)'")
        << model::kindName(stage.kind) << stageName(function) << function.getNumParams()
        << (stage.kind == StageKind::frame_end);
    return false;
  }
  return checkStoreParameter(stage, *function.getParamDecl(0), context, diagnostics);
}

bool checkEmit(const FoundStage& stage, clang::DiagnosticsEngine& diagnostics) {
  const clang::FunctionDecl& function = *stage.function;
  const std::string name = stageName(function);
  bool ok = true;
  if (function.getNumParams() != 1) {
    reportError(diagnostics, function.getLocation(),
                "emit stage '%0' takes %1 parameter%s1; an emit is 'Out f(const Store&)'")
        << name << function.getNumParams();
    ok = false;
  }
  if (function.getReturnType()->isVoidType()) {
    reportError(diagnostics, returnLocation(function),
                "emit stage '%0' returns void; an emit returns the item that leaves the reduce "
                "or frame above it (without an emit, the store leaves)")
        << name;
    ok = false;
  }
  return ok;
}

}  // namespace

bool keepsStore(StageKind kind) {
  return kind == StageKind::reduce || kind == StageKind::frame || kind == StageKind::frame_end;
}

bool checkStoreSignature(const FoundStage& stage, const FoundStage* above,
                         clang::ASTContext& context, clang::DiagnosticsEngine& diagnostics) {
  switch (stage.kind) {
    case StageKind::reduce:
      return checkReduce(stage, above, context, diagnostics);
    case StageKind::frame:
    case StageKind::frame_end:
      return checkFrame(stage, context, diagnostics);
    case StageKind::emit:
      return checkEmit(stage, diagnostics);
    default:
      return true;
  }
}

clang::QualType storeOf(const FoundStage& stage) {
  if (stage.function->getNumParams() == 0) return {};
  return itemOf(stage.function->getParamDecl(0)->getType());
}

clang::QualType reduceInputOf(const FoundStage& stage) {
  if (stage.function->getNumParams() < 2) return {};
  return constSpanElement(stage.function->getParamDecl(1)->getType());
}

bool checkValueInitialisable(const FoundStage& stage, clang::Sema& sema) {
  const clang::QualType store = storeOf(stage);
  if (store.isNull()) return true;
  const clang::SourceLocation at = stage.function->getParamDecl(0)->getBeginLoc();
  if (isValueInitialisable(sema, store, at)) return true;
  const clang::ASTContext& context = sema.getASTContext();
  clang::DiagnosticsEngine& diagnostics = sema.getDiagnostics();
  reportError(diagnostics, at,
              "store type '%0' of %1 stage '%2' cannot be value-initialised; each %select{"
              "reduction|frame instance}3 starts from '%0{}': give it a public default "
              "constructor")
      << spelledName(store, context) << model::kindName(stage.kind) << stageName(*stage.function)
      << (stage.kind != StageKind::reduce);
  const clang::NamedDecl* blocker = valueInitialisationBlocker(sema, store, at);
  if (!blocker) return false;
  if (const auto* field = llvm::dyn_cast<clang::FieldDecl>(blocker)) {
    reportNote(diagnostics, field->getLocation(),
               "member '%0' of type '%1' has no default value and cannot be value-initialised")
        << field->getName() << spelledName(field->getType(), context);
  } else {
    reportNote(diagnostics, blocker->getLocation(), "'%0' has no usable default constructor")
        << blocker->getName();
  }
  return false;
}

}  // namespace jsgen
