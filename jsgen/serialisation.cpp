#include "serialisation.hpp"

#include <array>

#include "clang/AST/DeclCXX.h"
#include "clang/AST/DeclFriend.h"
#include "clang/AST/DeclTemplate.h"
#include "clang_types.hpp"
#include "diagnostics.hpp"

namespace jsgen {
namespace {

constexpr std::array<llvm::StringLiteral, 5> kCerealNames = {"serialize", "save", "load",
                                                             "save_minimal", "load_minimal"};

// std:: and jobstream:: types are cereal's (or the runtime's) business; only
// their template arguments can be user types.
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

bool hasMemberCerealFunction(const clang::CXXRecordDecl& record) {
  for (llvm::StringLiteral name : kCerealNames) {
    if (!record.lookup(&record.getASTContext().Idents.get(name)).empty()) return true;
  }
  if (!record.hasDefinition()) return false;
  for (const clang::CXXBaseSpecifier& base : record.bases()) {
    if (const clang::CXXRecordDecl* parent = base.getType()->getAsCXXRecordDecl()) {
      if (hasMemberCerealFunction(*parent)) return true;
    }
  }
  return false;
}

// A free serialize/save/load with a parameter of exactly this record type.
bool takesRecord(const clang::NamedDecl* decl, const clang::CXXRecordDecl& record) {
  const clang::FunctionDecl* function = decl->getAsFunction();
  if (!function) return false;
  const clang::ASTContext& context = record.getASTContext();
  const clang::QualType wanted = context.getRecordType(&record);
  for (const clang::ParmVarDecl* param : function->parameters()) {
    if (sameItem(param->getType(), wanted, context)) return true;
  }
  return false;
}

bool hasFreeCerealFunction(const clang::CXXRecordDecl& record) {
  clang::ASTContext& context = record.getASTContext();
  std::vector<const clang::DeclContext*> scopes;
  const clang::DeclContext* home = record.getDeclContext();
  while (!home->isFileContext()) home = home->getParent();
  scopes.push_back(home->getRedeclContext());
  // cereal also finds functions declared in its own namespace.
  for (const clang::NamedDecl* found :
       context.getTranslationUnitDecl()->lookup(&context.Idents.get("cereal"))) {
    if (const auto* ns = llvm::dyn_cast<clang::NamespaceDecl>(found)) scopes.push_back(ns);
  }
  for (const clang::DeclContext* scope : scopes) {
    for (llvm::StringLiteral name : kCerealNames) {
      for (const clang::NamedDecl* found : scope->lookup(&context.Idents.get(name))) {
        if (takesRecord(found, record)) return true;
      }
    }
  }
  // Hidden friends: `friend void serialize(Archive&, T&)` defined in the class.
  if (record.hasDefinition()) {
    for (const clang::FriendDecl* befriended : record.friends()) {
      const clang::NamedDecl* friendDecl = befriended->getFriendDecl();
      if (!friendDecl || !friendDecl->getIdentifier()) continue;
      for (llvm::StringLiteral name : kCerealNames) {
        if (friendDecl->getName() == name && takesRecord(friendDecl, record)) return true;
      }
    }
  }
  return false;
}

// The namespaces around `record` (skipping enclosing classes), outermost first;
// nullopt for a class declared inside a function.
std::optional<std::vector<model::SerialisedType::Namespace>> scopeOf(
    const clang::CXXRecordDecl& record) {
  std::vector<model::SerialisedType::Namespace> scope;
  const clang::DeclContext* context = record.getDeclContext();
  for (; !context->isTranslationUnit(); context = context->getParent()) {
    if (context->isFunctionOrMethod()) return std::nullopt;
    if (const auto* ns = llvm::dyn_cast<clang::NamespaceDecl>(context)) {
      scope.insert(scope.begin(),
                   {ns->isAnonymousNamespace() ? "" : ns->getName().str(), ns->isInline()});
    } else if (!llvm::isa<clang::CXXRecordDecl>(context) && !context->isExternCContext() &&
               !llvm::isa<clang::LinkageSpecDecl>(context)) {
      return std::nullopt;
    }
  }
  return scope;
}

// Whether a serialize can be written from outside the class (a shallow look;
// checkMembers reports the details).
bool isGeneratable(const clang::CXXRecordDecl& record) {
  if (record.isUnion() || record.isLambda() || !scopeOf(record)) return false;
  for (const clang::CXXBaseSpecifier& base : record.bases()) {
    if (base.getAccessSpecifier() != clang::AS_public || base.isVirtual()) return false;
  }
  for (const clang::FieldDecl* field : record.fields()) {
    const clang::QualType type = field->getType();
    if (field->getAccess() != clang::AS_public || field->isBitField() || field->getName().empty() ||
        type->isReferenceType() || type->isPointerType() || type->isMemberPointerType() ||
        type.isConstQualified()) {
      return false;
    }
  }
  return true;
}

}  // namespace

SerialisationPlanner::SerialisationPlanner(clang::ASTContext& context,
                                           clang::DiagnosticsEngine& diagnostics,
                                           std::vector<model::SerialisedType>& types)
    : context_(context), diagnostics_(diagnostics), types_(types) {
  for (std::size_t i = 0; i != types_.size(); ++i) {
    known_[types_[i].name] = i;
    verdicts_[types_[i].name] = true;
  }
}

bool SerialisationPlanner::addItem(clang::QualType item, const clang::FunctionDecl& stage) {
  stage_ = &stage;
  return walk(item, /*topLevel=*/true);
}

bool SerialisationPlanner::noteCarryingStage() {
  std::string name;
  llvm::raw_string_ostream out(name);
  clang::PrintingPolicy policy = context_.getPrintingPolicy();
  policy.SuppressUnwrittenScope = true;
  stage_->printQualifiedName(out, policy);
  reportNote(diagnostics_, stage_->getLocation(), "the type travels between stages at '%0'")
      << name;
  return false;
}

bool SerialisationPlanner::walk(clang::QualType type, bool topLevel) {
  const clang::QualType item = type.getCanonicalType().getNonReferenceType().getUnqualifiedType();
  if (item->isBuiltinType() || item->isEnumeralType()) return true;
  if (const auto* array = context_.getAsConstantArrayType(item)) {
    return walk(array->getElementType(), false);
  }
  if (topLevel && (item->isPointerType() || item->isMemberPointerType())) {
    reportError(diagnostics_, stage_->getLocation(),
                "item type '%0' cannot travel between stages: a raw pointer cannot be "
                "serialised; pass the value it points to")
        << spelledName(type, context_);
    return false;
  }
  const clang::CXXRecordDecl* record = item->getAsCXXRecordDecl();
  if (!record) {
    reportError(diagnostics_, stage_->getLocation(),
                "item type '%0' cannot travel between stages: jsgen cannot serialise it")
        << spelledName(type, context_);
    return false;
  }
  return walkRecord(*record, topLevel);
}

bool SerialisationPlanner::walkRecord(const clang::CXXRecordDecl& record, bool topLevel) {
  if (isLibraryRecord(record)) {
    bool ok = true;
    if (const auto* specialisation =
            llvm::dyn_cast<clang::ClassTemplateSpecializationDecl>(&record)) {
      std::vector<clang::QualType> arguments;
      for (const clang::TemplateArgument& argument : specialisation->getTemplateArgs().asArray()) {
        if (argument.getKind() == clang::TemplateArgument::Type) {
          arguments.push_back(argument.getAsType());
        } else if (argument.getKind() == clang::TemplateArgument::Pack) {
          for (const clang::TemplateArgument& element : argument.pack_elements()) {
            if (element.getKind() == clang::TemplateArgument::Type)
              arguments.push_back(element.getAsType());
          }
        }
      }
      // Allocators, comparators and hashers are not items.
      for (clang::QualType argument : arguments) {
        const clang::CXXRecordDecl* argumentRecord = argument->getAsCXXRecordDecl();
        if (argumentRecord && isLibraryRecord(*argumentRecord) && argumentRecord->isEmpty())
          continue;
        ok = walk(argument, false) && ok;
      }
    }
    return ok;
  }
  const clang::QualType recordType = context_.getRecordType(&record);
  const std::string name = qualifiedName(recordType, context_);
  if (auto verdict = verdicts_.find(name); verdict != verdicts_.end()) {
    if (verdict->second && topLevel && known_.count(name)) {
      model::SerialisedType& planned = types_[known_[name]];
      planned.needsNotAsBytes = planned.hasOwnSerialisation && record.isTriviallyCopyable();
    }
    return verdict->second;
  }
  model::SerialisedType planned;
  planned.name = name;
  if (hasMemberCerealFunction(record) || hasFreeCerealFunction(record)) {
    planned.hasOwnSerialisation = true;
    planned.needsNotAsBytes = topLevel && record.hasDefinition() && record.isTriviallyCopyable();
    verdicts_[name] = true;
    known_[name] = types_.size();
    types_.push_back(std::move(planned));
    return true;
  }
  // A trivially copyable item travels as its bytes: if jsgen cannot write its
  // serialize, that only matters where it is nested in another type.
  if (topLevel && record.hasDefinition() && record.isTriviallyCopyable() &&
      !isGeneratable(record)) {
    return true;
  }
  const std::string spelled = spelledName(recordType, context_);
  auto scope = scopeOf(record);
  if (!scope || record.isLambda()) {
    reportError(diagnostics_, record.getLocation(),
                "type '%0' cannot travel between stages: it is declared inside a function; "
                "declare it at namespace scope")
        << spelled;
    verdicts_[name] = false;
    return noteCarryingStage();
  }
  if (!record.hasDefinition()) {
    reportError(diagnostics_, record.getLocation(),
                "type '%0' cannot travel between stages: it is incomplete here")
        << spelled;
    verdicts_[name] = false;
    return noteCarryingStage();
  }
  if (record.isUnion()) {
    reportError(diagnostics_, record.getLocation(),
                "union '%0' cannot travel between stages: jsgen cannot serialise a union; "
                "use std::variant or give it serialize()")
        << spelled;
    verdicts_[name] = false;
    return noteCarryingStage();
  }
  planned.scope = std::move(*scope);
  verdicts_[name] = true;  // provisionally, so that recursive types terminate
  if (!checkMembers(record, planned)) {
    verdicts_[name] = false;
    return false;
  }
  known_[name] = types_.size();
  types_.push_back(std::move(planned));
  return true;
}

bool SerialisationPlanner::checkMembers(const clang::CXXRecordDecl& record,
                                        model::SerialisedType& planned) {
  const std::string owner = spelledName(context_.getRecordType(&record), context_);
  bool ok = true;
  for (const clang::CXXBaseSpecifier& base : record.bases()) {
    const std::string baseName = spelledName(base.getType(), context_);
    if (base.getAccessSpecifier() != clang::AS_public || base.isVirtual()) {
      reportError(diagnostics_, base.getBeginLoc(),
                  "cannot generate serialisation for '%0': its base '%1' is %select{not "
                  "public|virtual}2; give '%0' its own serialize()")
          << owner << baseName << base.isVirtual();
      ok = noteCarryingStage();
      continue;
    }
    planned.bases.push_back(qualifiedName(base.getType(), context_));
    const clang::CXXRecordDecl* baseRecord = base.getType()->getAsCXXRecordDecl();
    if (baseRecord) ok = walkRecord(*baseRecord, false) && ok;
  }
  for (const clang::FieldDecl* field : record.fields()) {
    const std::string member = field->getName().str();
    const std::string type = spelledName(field->getType(), context_);
    const clang::QualType fieldType = field->getType();
    int problem = -1;  // index into the %select below
    if (field->getAccess() != clang::AS_public)
      problem = 0;
    else if (field->isUnnamedBitField() || member.empty())
      problem = 1;
    else if (field->isBitField())
      problem = 2;
    else if (fieldType->isReferenceType())
      problem = 3;
    else if (fieldType->isPointerType() || fieldType->isMemberPointerType())
      problem = 4;
    else if (fieldType.isConstQualified())
      problem = 5;
    if (problem >= 0) {
      reportError(diagnostics_, field->getLocation(),
                  "cannot generate serialisation for '%0': member '%1' of type '%2' is "
                  "%select{not public|unnamed|a bit-field|a reference|a raw pointer|const}3; "
                  "give '%0' its own serialize() or change the member")
          << owner << (member.empty() ? std::string("(unnamed)") : member) << type << problem;
      ok = noteCarryingStage();
      continue;
    }
    planned.fields.push_back(member);
    ok = walk(fieldType, false) && ok;
  }
  return ok;
}

}  // namespace jsgen
