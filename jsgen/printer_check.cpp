#include "printer_check.hpp"

#include "clang/AST/ExprConcepts.h"
#include "clang/Sema/EnterExpressionEvaluationContext.h"
#include "clang/Sema/Lookup.h"
#include "clang/Sema/Overload.h"
#include "clang_types.hpp"
#include "diagnostics.hpp"

namespace jsgen {
namespace {

// The declaration `name` in namespace `scope`, if it is a single `Decl`.
template <class Decl>
Decl* lookUp(clang::Sema& sema, clang::DeclContext* scope, llvm::StringRef name,
             clang::SourceLocation at) {
  if (!scope) return nullptr;
  clang::LookupResult found(sema, &sema.getASTContext().Idents.get(name), at,
                            clang::Sema::LookupOrdinaryName);
  if (!sema.LookupQualifiedName(found, scope) || !found.isSingleResult()) return nullptr;
  return llvm::dyn_cast<Decl>(found.getFoundDecl());
}

// printItem's rules, each question asked of Sema in an unevaluated SFINAE
// context at file scope, like a type trait: nothing is reported or defined.
class Printability {
 public:
  Printability(clang::Sema& sema, clang::SourceLocation at) : sema_(sema), at_(at) {
    auto* std = sema.getStdNamespace();
    if (auto* ostream = lookUp<clang::TypedefNameDecl>(sema, std, "ostream", at)) {
      const clang::QualType type = sema.getASTContext().getTypeDeclType(ostream);
      if (sema.isCompleteType(at, type)) ostream_ = type;
    }
    auto* ranges = lookUp<clang::NamespaceDecl>(sema, std, "ranges", at);
    inputRange_ = lookUp<clang::ConceptDecl>(sema, ranges, "input_range", at);
    rangeReference_ = lookUp<clang::TypeAliasTemplateDecl>(sema, ranges, "range_reference_t", at);
  }

  // Without <ostream> and <ranges> in the source, jsgen cannot tell (and the
  // generated code includes them).
  bool known() const { return !ostream_.isNull() && inputRange_ && rangeReference_; }

  // The type inside `item` that has no operator<< and nothing printItem
  // could print part by part; null if `item` can be printed.
  clang::QualType unprintable(clang::QualType item, unsigned depth = 0) {
    if (depth == kMaxDepth || streamable(item)) return {};
    for (llvm::StringRef holder : {"std::tuple", "std::pair", "std::optional", "std::variant"}) {
      const auto parts = templateArguments(item, holder);
      if (!parts) continue;
      for (const clang::QualType part : *parts) {
        const clang::QualType inside = unprintable(part, depth + 1);
        if (!inside.isNull()) return inside;
      }
      return {};
    }
    const clang::QualType element = elementOf(item);
    return element.isNull() ? item : unprintable(element, depth + 1);
  }

 private:
  static constexpr unsigned kMaxDepth = 16;  // a range of itself would not end

  struct Question {
    explicit Question(clang::Sema& sema)
        : unevaluated(sema, clang::Sema::ExpressionEvaluationContext::Unevaluated),
          trap(sema, /*AccessCheckingSFINAE=*/true),
          atFileScope(sema, sema.getASTContext().getTranslationUnitDecl()) {}
    clang::EnterExpressionEvaluationContext unevaluated;
    clang::Sema::SFINAETrap trap;
    clang::Sema::ContextRAII atFileScope;
  };

  // `std::declval<std::ostream&>() << std::declval<const T&>()`: a member of
  // std::ostream or a function found by argument-dependent lookup. The
  // printer's header comes before the user's code in the generated file, so
  // unqualified lookup there finds none of the user's operators.
  bool streamable(clang::QualType type) {
    const Question question(sema_);
    clang::OpaqueValueExpr out(at_, ostream_, clang::VK_LValue);
    clang::OpaqueValueExpr value(at_, itemOf(type).withConst(), clang::VK_LValue);
    const clang::ExprResult written =
        sema_.CreateOverloadedBinOp(at_, clang::BO_Shl, clang::UnresolvedSet<0>(), &out, &value);
    return written.isUsable() && !question.trap.hasErrorOccurred();
  }

  // What a `const T` range yields (std::ranges::input_range), or null.
  clang::QualType elementOf(clang::QualType type) {
    clang::ASTContext& context = sema_.getASTContext();
    const Question question(sema_);
    const clang::QualType range = itemOf(type).withConst();
    clang::TemplateArgumentListInfo arguments(at_, at_);
    arguments.addArgument(clang::TemplateArgumentLoc(clang::TemplateArgument(range),
                                                     context.getTrivialTypeSourceInfo(range, at_)));
    const clang::ExprResult isRange = sema_.CheckConceptTemplateId(
        clang::CXXScopeSpec(), at_, clang::DeclarationNameInfo(inputRange_->getDeclName(), at_),
        inputRange_, inputRange_, &arguments);
    const auto* answer = isRange.isUsable()
                             ? llvm::dyn_cast<clang::ConceptSpecializationExpr>(isRange.get())
                             : nullptr;
    if (!answer || !answer->isSatisfied() || question.trap.hasErrorOccurred()) return {};
    const clang::QualType reference =
        sema_.CheckTemplateIdType(clang::TemplateName(rangeReference_), at_, arguments);
    if (reference.isNull() || question.trap.hasErrorOccurred()) return {};
    return itemOf(reference);
  }

  clang::Sema& sema_;
  clang::SourceLocation at_;
  clang::QualType ostream_;
  clang::ConceptDecl* inputRange_ = nullptr;
  clang::TypeAliasTemplateDecl* rangeReference_ = nullptr;
};

}  // namespace

clang::QualType unprintablePart(clang::Sema& sema, clang::QualType item, clang::SourceLocation at) {
  Printability printability(sema, at);
  return printability.known() ? printability.unprintable(item) : clang::QualType();
}

bool isOrdered(clang::Sema& sema, clang::QualType type, clang::SourceLocation at) {
  clang::EnterExpressionEvaluationContext unevaluated(
      sema, clang::Sema::ExpressionEvaluationContext::Unevaluated);
  clang::Sema::SFINAETrap trap(sema, /*AccessCheckingSFINAE=*/true);
  clang::Sema::ContextRAII atFileScope(sema, sema.getASTContext().getTranslationUnitDecl());
  clang::OpaqueValueExpr x(at, itemOf(type).withConst(), clang::VK_LValue);
  clang::OpaqueValueExpr y(at, itemOf(type).withConst(), clang::VK_LValue);
  const clang::ExprResult less =
      sema.CreateOverloadedBinOp(at, clang::BO_LT, clang::UnresolvedSet<0>(), &x, &y);
  if (!less.isUsable() || trap.hasErrorOccurred()) return false;
  // Generated code writes `if (x.a < y.a)`.
  const clang::ExprResult asBool = sema.PerformContextuallyConvertToBool(less.get());
  return asBool.isUsable() && !trap.hasErrorOccurred();
}

bool checkPrintable(const std::vector<FoundStage>& stages, clang::Sema& sema) {
  // The last stage, or in a pipeline of init stages only, one that makes
  // items (they all make the same).
  auto last = stages.rbegin();
  while (last != stages.rend() && last->kind == model::StageKind::init &&
         last->function->getReturnType()->isVoidType())
    ++last;
  // A sweep's rows leaving the pipeline are printed as its table
  // (sweep_checks.cpp checks its columns).
  if (last == stages.rend() || last->kind == model::StageKind::result ||
      last->kind == model::StageKind::finish || last->kind == model::StageKind::sweep)
    return true;
  const Product leaving = productOf(*last);
  if (leaving.item.isNull()) return true;
  Printability printability(sema, leaving.at);
  if (!printability.known()) return true;
  const clang::QualType unprintable = printability.unprintable(leaving.item);
  if (unprintable.isNull()) return true;
  const clang::ASTContext& context = sema.getASTContext();
  clang::DiagnosticsEngine& diagnostics = sema.getDiagnostics();
  const std::string item = spelledName(itemOf(leaving.item), context);
  const std::string part = spelledName(unprintable, context);
  reportError(diagnostics, leaving.at,
              "the items of type '%0' that leave the pipeline at stage '%1' go to the default "
              "printer, but '%2' has no operator<<")
      << item << stageName(*last->function) << part;
  // At the user's type that lacks it, where the operator would go; a std
  // type's namespace is not the user's to add to.
  const clang::TagDecl* declared = unprintable->getAsTagDecl();
  const bool own = declared && !declared->isInStdNamespace();
  reportNote(diagnostics, own ? declared->getLocation() : leaving.at,
             "%select{end|declare 'std::ostream& operator<<(std::ostream&, const %1&)' in the "
             "namespace of '%1', or end}0 the pipeline with a result or finish stage")
      << own << part;
  return false;
}

}  // namespace jsgen
