#include "type_traits.hpp"

#include "clang/AST/DeclCXX.h"
#include "clang/AST/ExprCXX.h"

namespace jsgen {

bool isValueInitialisable(clang::Sema& sema, clang::QualType type, clang::SourceLocation at) {
  // The trait requires a complete type; isCompleteType instantiates a
  // template if it must and, unlike the trait, never reports an error.
  if (type->isReferenceType() || !sema.isCompleteType(at, type)) return false;
  clang::ASTContext& context = sema.getASTContext();
  clang::TypeSourceInfo* written = context.getTrivialTypeSourceInfo(type, at);
  const clang::ExprResult trait = sema.BuildTypeTrait(clang::TT_IsConstructible, at, {written}, at);
  const auto* answer =
      trait.isUsable() ? llvm::dyn_cast<clang::TypeTraitExpr>(trait.get()) : nullptr;
  return answer && !answer->isValueDependent() && answer->getValue();
}

const clang::NamedDecl* valueInitialisationBlocker(clang::Sema& sema, clang::QualType type,
                                                   clang::SourceLocation at) {
  if (const clang::ArrayType* array = sema.getASTContext().getAsArrayType(type))
    return valueInitialisationBlocker(sema, array->getElementType(), at);
  clang::CXXRecordDecl* record = type->getAsCXXRecordDecl();
  if (!record || !record->hasDefinition()) return record;
  record = record->getDefinition();
  // A default constructor the user wrote (or none, or a private one) is the
  // reason itself; an implicit or defaulted one is deleted by what it builds.
  const clang::CXXConstructorDecl* constructor = sema.LookupDefaultConstructor(record);
  if (!constructor || constructor->isUserProvided() || constructor->getAccess() != clang::AS_public)
    return record;
  for (const clang::CXXBaseSpecifier& base : record->bases()) {
    if (!isValueInitialisable(sema, base.getType(), at))
      return valueInitialisationBlocker(sema, base.getType(), at);
  }
  for (const clang::FieldDecl* field : record->fields()) {
    if (field->hasInClassInitializer()) continue;
    if (!isValueInitialisable(sema, field->getType(), at)) return field;
  }
  return record;
}

}  // namespace jsgen
