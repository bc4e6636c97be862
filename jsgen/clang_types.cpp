#include "clang_types.hpp"

#include <cctype>

#include "clang/AST/DeclTemplate.h"
#include "clang/AST/QualTypeNames.h"

namespace jsgen {
namespace {

clang::PrintingPolicy policyFor(const clang::ASTContext& context) {
  clang::PrintingPolicy policy = context.getPrintingPolicy();
  policy.SuppressUnwrittenScope = true;  // no "(anonymous namespace)::", no inline namespaces
  policy.SuppressTagKeyword = true;
  policy.PrintCanonicalTypes = false;
  policy.Bool = true;
  return policy;
}

bool isTemplateNamed(const clang::ClassTemplateSpecializationDecl& specialisation,
                     llvm::StringRef qualifiedTemplate) {
  const clang::ClassTemplateDecl* primary = specialisation.getSpecializedTemplate();
  auto [scope, name] = qualifiedTemplate.rsplit("::");
  if (primary->getName() != name) return false;
  const clang::DeclContext* context = primary->getDeclContext();
  while (context->isInlineNamespace()) context = context->getParent();
  if (scope == "std") return context->isStdNamespace();
  const auto* ns = llvm::dyn_cast<clang::NamespaceDecl>(context);
  return ns && ns->getName() == scope &&
         ns->getDeclContext()->getRedeclContext()->isTranslationUnit();
}

void appendArgument(const clang::TemplateArgument& argument, std::vector<clang::QualType>& out) {
  if (argument.getKind() == clang::TemplateArgument::Pack) {
    for (const clang::TemplateArgument& element : argument.pack_elements())
      appendArgument(element, out);
  } else if (argument.getKind() == clang::TemplateArgument::Type) {
    out.push_back(argument.getAsType());
  }
}

}  // namespace

std::string spelledName(clang::QualType type, const clang::ASTContext& context) {
  return type.getAsString(policyFor(context));
}

namespace {

// getFullyQualifiedName drops the leading "::" of a name whose scope holds an
// anonymous namespace ("geo::Hidden" for geo::(anonymous)::Hidden). Every
// qualified name it prints starts at the global namespace, so add it back.
std::string withGlobalPrefixes(const std::string& text) {
  // Bytes of a UTF-8 sequence belong to an identifier (C++ allows Unicode ones).
  const auto isIdentifierChar = [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return std::isalnum(byte) || c == '_' || byte >= 0x80;
  };
  std::string fixed;
  for (std::size_t i = 0; i < text.size();) {
    if (!isIdentifierChar(text[i])) {
      fixed += text[i++];
      continue;
    }
    std::size_t end = i;
    while (end < text.size() && isIdentifierChar(text[end])) ++end;
    const bool startsQualifiedName = text.compare(end, 2, "::") == 0 &&
                                     (i < 2 || text.compare(i - 2, 2, "::") != 0) &&
                                     !std::isdigit(static_cast<unsigned char>(text[i]));
    if (startsQualifiedName) fixed += "::";
    fixed.append(text, i, end - i);
    i = end;
  }
  return fixed;
}

}  // namespace

std::string qualifiedName(clang::QualType type, const clang::ASTContext& context) {
  return withGlobalPrefixes(clang::TypeName::getFullyQualifiedName(
      type, context, policyFor(context), /*WithGlobalNsPrefix=*/true));
}

model::Type describe(clang::QualType type, const clang::ASTContext& context) {
  return {spelledName(type, context), qualifiedName(type, context)};
}

std::string stageName(const clang::FunctionDecl& function) {
  std::string name;
  llvm::raw_string_ostream out(name);
  clang::PrintingPolicy policy = function.getASTContext().getPrintingPolicy();
  policy.SuppressUnwrittenScope = true;
  function.printQualifiedName(out, policy);
  return name;
}

bool isLibraryRecord(const clang::CXXRecordDecl& record) {
  const clang::DeclContext* context = record.getDeclContext();
  while (context && !context->isFileContext()) context = context->getParent();
  for (; context && !context->isTranslationUnit(); context = context->getParent()) {
    if (context->isStdNamespace()) return true;
    const auto* ns = llvm::dyn_cast<clang::NamespaceDecl>(context);
    if (ns && ns->getName() == "jobstream" &&
        ns->getParent()->getRedeclContext()->isTranslationUnit()) {
      return true;
    }
  }
  return false;
}

clang::QualType itemOf(clang::QualType parameter) {
  return parameter.getNonReferenceType().getUnqualifiedType();
}

model::Passing passingOf(clang::QualType parameter) {
  if (parameter->isRValueReferenceType()) return model::Passing::rvalue_ref;
  if (parameter->isLValueReferenceType()) {
    return parameter.getNonReferenceType().isConstQualified() ? model::Passing::const_ref
                                                              : model::Passing::lvalue_ref;
  }
  return model::Passing::value;
}

bool sameItem(clang::QualType a, clang::QualType b, const clang::ASTContext& context) {
  return context.hasSameUnqualifiedType(a.getNonReferenceType(), b.getNonReferenceType());
}

std::optional<std::vector<clang::QualType>> templateArguments(clang::QualType type,
                                                              llvm::StringRef qualifiedTemplate) {
  const auto* specialisation = llvm::dyn_cast_or_null<clang::ClassTemplateSpecializationDecl>(
      type.getCanonicalType()->getAsCXXRecordDecl());
  if (!specialisation || !isTemplateNamed(*specialisation, qualifiedTemplate)) return std::nullopt;
  std::vector<clang::QualType> arguments;
  // Prefer the arguments as written (they keep typedefs like std::string).
  if (const auto* written = type->getAs<clang::TemplateSpecializationType>()) {
    for (const clang::TemplateArgument& argument : written->template_arguments()) {
      appendArgument(argument, arguments);
    }
    bool dependentOrPack = false;
    for (clang::QualType argument : arguments) dependentOrPack |= argument->isDependentType();
    if (!dependentOrPack) return arguments;
    arguments.clear();
  }
  for (const clang::TemplateArgument& argument : specialisation->getTemplateArgs().asArray()) {
    appendArgument(argument, arguments);
  }
  return arguments;
}

ReturnShape returnShape(clang::QualType returned) {
  if (returned->isVoidType()) return {};
  if (auto arguments = templateArguments(returned, "std::optional");
      arguments && !arguments->empty()) {
    return {model::ReturnForm::optional, arguments->front()};
  }
  if (auto arguments = templateArguments(returned, "jobstream::Multiple");
      arguments && !arguments->empty()) {
    return {model::ReturnForm::multiple, arguments->front()};
  }
  if (auto arguments = templateArguments(returned, "jobstream::Lazy");
      arguments && !arguments->empty()) {
    return {model::ReturnForm::lazy, arguments->front()};
  }
  return {model::ReturnForm::value, itemOf(returned)};
}

}  // namespace jsgen
