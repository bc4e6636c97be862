#include "map_calls.hpp"

#include "attributes.hpp"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Basic/SourceManager.h"
#include "clang_types.hpp"
#include "diagnostics.hpp"

namespace jsgen {
namespace {

bool isJobstreamMap(const clang::FunctionDecl& function) {
  // Operators, constructors and conversions have no identifier (and
  // getName() asserts on them).
  const clang::IdentifierInfo* name = function.getIdentifier();
  if (name == nullptr || name->getName() != "map") return false;
  const auto* ns = llvm::dyn_cast<clang::NamespaceDecl>(function.getDeclContext());
  return ns && ns->getName() == "jobstream" && ns->getParent()->isTranslationUnit();
}

// The function an argument names: `f`, `&f`, `ns::f`, through parentheses
// and the implicit decay to a pointer.
const clang::FunctionDecl* namedFunction(const clang::Expr* argument) {
  argument = argument->IgnoreParenImpCasts();
  if (const auto* address = llvm::dyn_cast<clang::UnaryOperator>(argument))
    if (address->getOpcode() == clang::UO_AddrOf) argument = address->getSubExpr()->IgnoreParenImpCasts();
  if (const auto* reference = llvm::dyn_cast<clang::DeclRefExpr>(argument))
    return llvm::dyn_cast<clang::FunctionDecl>(reference->getDecl());
  return nullptr;
}

class MapCallFinder : public clang::RecursiveASTVisitor<MapCallFinder> {
 public:
  explicit MapCallFinder(clang::ASTContext& context) : context_(context) {}

  bool VisitCallExpr(clang::CallExpr* call) {
    const clang::FunctionDecl* callee = call->getDirectCallee();
    if (!callee || !isJobstreamMap(*callee) || call->getNumArgs() == 0) return true;
    const clang::Expr* argument = call->getArg(0);
    const clang::FunctionDecl* job = namedFunction(argument);
    if (!job) {
      reportError(context_.getDiagnostics(), argument->getBeginLoc(),
                  "jobstream::map needs the name of a [[jobstream::job]] function here, so that jsgen "
                  "can prepare it; a function pointer chosen at run time cannot be mapped");
    }
    calls.push_back({call, job});
    return true;
  }

  bool shouldVisitTemplateInstantiations() const { return false; }

  // Calls in system headers are not the program's own: not walking those
  // headers at all also saves most of the walk's time.
  bool TraverseDecl(clang::Decl* decl) {
    if (decl && context_.getSourceManager().isInSystemHeader(decl->getLocation())) return true;
    return RecursiveASTVisitor::TraverseDecl(decl);
  }

  std::vector<MapCall> calls;

 private:
  clang::ASTContext& context_;
};

}  // namespace

std::vector<MapCall> findMapCalls(clang::ASTContext& context) {
  MapCallFinder finder(context);
  finder.TraverseDecl(context.getTranslationUnitDecl());
  return std::move(finder.calls);
}

bool checkMappable(const MapCall& call, clang::ASTContext& context) {
  if (!call.job) return false;
  clang::DiagnosticsEngine& diagnostics = context.getDiagnostics();
  const clang::FunctionDecl& job = *call.job;
  const clang::SourceLocation at = call.call->getArg(0)->getBeginLoc();
  const std::string name = stageName(job);
  const std::optional<model::StageKind> kind = stageKindOf(job, nullptr);
  if (kind != model::StageKind::job) {
    if (kind) {
      reportError(diagnostics, at,
                  "jobstream::map maps a [[jobstream::job]] function; '%0' is a [[jobstream::%1]] stage")
          << name << model::kindName(*kind);
    } else {
      reportError(diagnostics, at,
                  "jobstream::map maps a [[jobstream::job]] function; '%0' is not marked as one")
          << name;
    }
    reportNote(diagnostics, job.getLocation(), "'%0' is declared here%select{|: add [[jobstream::job]]}1")
        << name << !kind;
    return false;
  }
  // The template takes functions of one parameter only: the compiler has
  // refused any other call already.
  const ReturnShape shape = returnShape(job.getReturnType());
  if (shape.form == model::ReturnForm::none) {
    reportError(diagnostics, at,
                "jobstream::map returns what '%0' returns for each item, but it returns void")
        << name;
    reportNote(diagnostics, job.getLocation(), "'%0' is declared here") << name;
    return false;
  }
  if (shape.form == model::ReturnForm::multiple || shape.form == model::ReturnForm::lazy) {
    reportError(diagnostics, at,
                "'%0' returns jobstream::%select{Multiple|Lazy}2<%1>, which makes items for a next stage; "
                "jobstream::map keeps one value per item: return std::vector<%1> instead")
        << name << spelledName(shape.item, context) << (shape.form == model::ReturnForm::lazy);
    reportNote(diagnostics, job.getLocation(), "'%0' is declared here") << name;
    return false;
  }
  return true;
}

}  // namespace jsgen
