#include "serialisation.hpp"

#include <algorithm>
#include <array>

#include "clang/AST/DeclCXX.h"
#include "clang/AST/DeclFriend.h"
#include "clang/AST/DeclTemplate.h"
#include "clang_types.hpp"
#include "diagnostics.hpp"
#include "type_traits.hpp"

namespace jsgen {
namespace {

constexpr std::array<llvm::StringLiteral, 5> kCerealNames = {"serialize", "save", "load",
                                                             "save_minimal", "load_minimal"};

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


// "std::vector", "std::chrono::duration": a library record's name with its
// namespaces, inline ones (std::__cxx11) left out.
std::string libraryName(const clang::CXXRecordDecl& record) {
  std::string name = record.getName().str();
  for (const clang::DeclContext* context = record.getDeclContext();
       context && !context->isTranslationUnit(); context = context->getParent()) {
    if (const auto* ns = llvm::dyn_cast<clang::NamespaceDecl>(context)) {
      if (!ns->isInline()) name = ns->getName().str() + "::" + name;
    } else if (const auto* parent = llvm::dyn_cast<clang::CXXRecordDecl>(context)) {
      name = parent->getName().str() + "::" + name;
    }
  }
  return name;
}

// Why a library type cannot travel, completing "... is ", and what to do.
struct Refused {
  llvm::StringLiteral name;
  const char* why;
  const char* advice;
};

constexpr const char* kCodeWhy = "a callable: code cannot be sent to another process";
constexpr const char* kCodeAdvice = "send the data that chooses the behaviour instead";
constexpr const char* kLocalWhy =
    "tied to this process (a thread or a synchronisation object), and can be neither copied "
    "nor moved";
constexpr const char* kLocalAdvice = "keep it outside the items and stores";

constexpr std::array<Refused, 24> kRefused = {{
    {"std::shared_ptr",
     "a std::shared_ptr, which shares its object instead of owning it: each pointer would "
     "arrive with an object of its own",
     "use std::unique_ptr or hold the value"},
    {"std::weak_ptr", "a std::weak_ptr, which does not own its object",
     "hold the value, or a std::unique_ptr"},
    {"std::function", "a std::function: code cannot be sent to another process", kCodeAdvice},
    {"std::move_only_function", kCodeWhy, kCodeAdvice},
    {"std::packaged_task", kCodeWhy, kCodeAdvice},
    {"std::thread", kLocalWhy, kLocalAdvice},
    {"std::jthread", kLocalWhy, kLocalAdvice},
    {"std::mutex", kLocalWhy, kLocalAdvice},
    {"std::recursive_mutex", kLocalWhy, kLocalAdvice},
    {"std::timed_mutex", kLocalWhy, kLocalAdvice},
    {"std::recursive_timed_mutex", kLocalWhy, kLocalAdvice},
    {"std::shared_mutex", kLocalWhy, kLocalAdvice},
    {"std::shared_timed_mutex", kLocalWhy, kLocalAdvice},
    {"std::condition_variable", kLocalWhy, kLocalAdvice},
    {"std::condition_variable_any", kLocalWhy, kLocalAdvice},
    {"std::future", kLocalWhy, kLocalAdvice},
    {"std::shared_future", kLocalWhy, kLocalAdvice},
    {"std::promise", kLocalWhy, kLocalAdvice},
    {"std::atomic",
     "a std::atomic, which can be neither copied nor moved, so a batch cannot hold it",
     "hold a plain value (an item is never shared between threads)"},
    {"std::atomic_flag", "a std::atomic_flag, which can be neither copied nor moved",
     "hold a plain bool"},
    {"std::reference_wrapper", "a reference, which means nothing in another process",
     "hold the value"},
    {"std::basic_string_view", "a view of characters it does not own", "hold a std::string"},
    {"std::span", "a view of elements it does not own", "hold a std::vector or std::array"},
    {"std::any", "a std::any, whose content's type is not known when jsgen runs",
     "use std::variant"},
}};

// Library templates cereal serialises (generated.hpp includes their cereal
// headers), with how many of their leading type arguments are items: the rest
// are allocators, comparators, hashers (-1: all of them are items).
struct Supported {
  llvm::StringLiteral name;
  int items;
};

constexpr std::array<Supported, 25> kSupported = {{
    {"std::basic_string", 0},      {"std::vector", 1},
    {"std::deque", 1},             {"std::list", 1},
    {"std::forward_list", 1},      {"std::array", 1},
    {"std::map", 2},               {"std::multimap", 2},
    {"std::unordered_map", 2},     {"std::unordered_multimap", 2},
    {"std::set", 1},               {"std::multiset", 1},
    {"std::unordered_set", 1},     {"std::unordered_multiset", 1},
    {"std::optional", -1},         {"std::variant", -1},
    {"std::tuple", -1},            {"std::pair", -1},
    {"std::unique_ptr", 1},        {"std::monostate", 0},
    {"std::bitset", 0},            {"std::complex", 1},
    {"std::chrono::duration", 0},  {"std::chrono::time_point", 0},
    {"jobstream::SweepRow", -1},  // what a sweep emits: its own serialize, of P and O
}};

void appendArguments(llvm::ArrayRef<clang::TemplateArgument> arguments,
                     std::vector<clang::QualType>& out) {
  for (const clang::TemplateArgument& argument : arguments) {
    if (argument.getKind() == clang::TemplateArgument::Pack) {
      appendArguments(argument.pack_elements(), out);
    } else if (argument.getKind() == clang::TemplateArgument::Type) {
      out.push_back(argument.getAsType());
    }
  }
}

// The type arguments of a specialisation, as the user wrote them where Clang
// kept that (std::string rather than std::basic_string<char>), through alias
// templates to the class template itself.
std::vector<clang::QualType> typeArguments(clang::QualType type,
                                           const clang::ClassTemplateSpecializationDecl& record) {
  std::vector<clang::QualType> arguments;
  const auto* written = type->getAs<clang::TemplateSpecializationType>();
  while (written && written->isTypeAlias())
    written = written->getAliasedType()->getAs<clang::TemplateSpecializationType>();
  if (written && !written->isDependentType()) {
    appendArguments(written->template_arguments(), arguments);
    return arguments;
  }
  appendArguments(record.getTemplateArgs().asArray(), arguments);
  return arguments;
}

// Whether a raw pointer hides anywhere in the type's object representation.
bool holdsPointer(clang::QualType type, const clang::ASTContext& context) {
  const clang::QualType canonical = type.getCanonicalType();
  if (canonical->isPointerType() || canonical->isMemberPointerType() ||
      canonical->isReferenceType())
    return true;
  if (const auto* array = context.getAsArrayType(canonical))
    return holdsPointer(array->getElementType(), context);
  const clang::CXXRecordDecl* record = canonical->getAsCXXRecordDecl();
  if (!record || !record->hasDefinition()) return false;
  for (const clang::CXXBaseSpecifier& base : record->bases()) {
    if (holdsPointer(base.getType(), context)) return true;
  }
  for (const clang::FieldDecl* field : record->fields()) {
    if (holdsPointer(field->getType(), context)) return true;
  }
  return false;
}

// Whether a serialize can be written for the class at all (a shallow look;
// plan() reports the details).
bool isGeneratable(const clang::CXXRecordDecl& record) {
  for (const clang::CXXBaseSpecifier& base : record.bases()) {
    if (base.isVirtual()) return false;
  }
  for (const clang::FieldDecl* field : record.fields()) {
    const clang::QualType type = field->getType();
    if (field->isBitField() || field->getName().empty() || type->isUnionType())
      return false;
  }
  return true;
}

// A class nested in another as a private or protected member cannot be named
// from outside.
bool isNameable(const clang::CXXRecordDecl& record) {
  for (const clang::Decl* decl = &record; decl; decl = llvm::dyn_cast<clang::CXXRecordDecl>(
                                                    decl->getDeclContext())) {
    if (decl->getAccess() == clang::AS_private || decl->getAccess() == clang::AS_protected)
      return false;
  }
  return true;
}

// Batches move their items; a class that can be neither copied nor moved
// cannot be held in one. Special members that Sema has not declared yet are
// judged from the record's flags (Sema declares them eagerly whenever that
// takes overload resolution, so the flags are then settled).
bool isMovable(const clang::CXXRecordDecl& record) {
  for (const clang::CXXConstructorDecl* constructor : record.ctors()) {
    unsigned qualifiers = 0;
    const bool copiesFromConst =
        constructor->isCopyConstructor(qualifiers) && (qualifiers & clang::Qualifiers::Const);
    if ((copiesFromConst || constructor->isMoveConstructor()) && !constructor->isDeleted() &&
        constructor->getAccess() == clang::AS_public)
      return true;
  }
  if (record.needsImplicitMoveConstructor() && !record.needsOverloadResolutionForMoveConstructor() &&
      !record.defaultedMoveConstructorIsDeleted())
    return true;
  if (record.needsImplicitCopyConstructor() && !record.needsOverloadResolutionForCopyConstructor() &&
      !record.defaultedCopyConstructorIsDeleted())
    return true;
  return false;
}

// Batches also assign their items (std::vector's insert): a class with a
// deleted or private assignment cannot be held in one either.
bool isAssignable(const clang::CXXRecordDecl& record) {
  for (const clang::CXXMethodDecl* method : record.methods()) {
    if ((method->isCopyAssignmentOperator() || method->isMoveAssignmentOperator()) &&
        !method->isDeleted() && method->getAccess() == clang::AS_public)
      return true;
  }
  if (record.needsImplicitMoveAssignment() && !record.needsOverloadResolutionForMoveAssignment() &&
      record.hasSimpleMoveAssignment())
    return true;
  if (record.needsImplicitCopyAssignment() && !record.needsOverloadResolutionForCopyAssignment() &&
      record.hasSimpleCopyAssignment())
    return true;
  return false;
}

}  // namespace

SerialisationPlanner::SerialisationPlanner(clang::Sema& sema,
                                           std::vector<model::SerialisedType>& types)
    : sema_(sema),
      context_(sema.getASTContext()),
      diagnostics_(sema.getDiagnostics()),
      types_(types) {
  for (std::size_t i = 0; i != types_.size(); ++i) {
    known_[types_[i].name] = i;
    verdicts_[types_[i].name] = true;
  }
}

bool SerialisationPlanner::addItem(clang::QualType item, const clang::FunctionDecl& stage) {
  stage_ = &stage;
  // A reduce's std::span<const In> parameters carry In items.
  if (auto elements = templateArguments(item, "std::span"); elements && !elements->empty())
    item = itemOf(elements->front());
  item_ = item;
  return walk(item, Site{});
}

void SerialisationPlanner::noteCarryingStage() {
  reportNote(diagnostics_, stage_->getLocation(), "the type travels between stages at '%0'")
      << stageName(*stage_);
}

bool SerialisationPlanner::refuse(const Site& site, clang::QualType offending,
                                  const std::string& why, const std::string& advice) {
  const clang::QualType whole = site.field   ? site.field->getType()
                                : site.base  ? site.base->getType()
                                             : item_;
  const std::string what =
      context_.hasSameType(offending, whole)
          ? "is " + why
          : "holds '" + spelledName(offending, context_) + "', which is " + why;
  if (!site.owner) {
    reportError(diagnostics_, stage_->getLocation(),
                "item type '%0' cannot travel between stages: it %1")
        << spelledName(item_, context_) << (advice.empty() ? what : what + "; " + advice);
    return false;
  }
  const std::string owner = spelledName(context_.getRecordType(site.owner), context_);
  const std::string fix =
      advice.empty() ? "give '" + owner + "' its own serialize() or change the member" : advice;
  if (site.field) {
    const std::string member = site.field->getName().empty() ? std::string("(unnamed)")
                                                              : site.field->getName().str();
    reportError(diagnostics_, site.field->getLocation(),
                "cannot generate serialisation for '%0': member '%1' of type '%2' %3; %4")
        << owner << member << spelledName(whole, context_) << what << fix;
  } else {
    reportError(diagnostics_, site.base->getBeginLoc(),
                "cannot generate serialisation for '%0': its base '%1' %2; %3")
        << owner << spelledName(whole, context_) << what << fix;
  }
  noteCarryingStage();
  return false;
}

bool SerialisationPlanner::walk(clang::QualType type, const Site& site) {
  const clang::QualType canonical = type.getCanonicalType();
  if (canonical->isReferenceType()) {
    return refuse(site, type, "a reference, which cannot be rebound to a value read back",
                  "hold the value");
  }
  if (canonical->isBuiltinType() || canonical->isEnumeralType()) return true;
  if (const auto* array = context_.getAsConstantArrayType(type)) {
    return walk(array->getElementType(), site);
  }
  if (canonical->isPointerType() || canonical->isMemberPointerType()) {
    return refuse(site, type, "a raw pointer, which means nothing in another process",
                  site.owner ? "" : "pass the value it points to");
  }
  const clang::CXXRecordDecl* record = canonical->getAsCXXRecordDecl();
  if (!record) return refuse(site, type, "a kind of type jsgen cannot serialise", "");
  if (record->isUnion()) {
    return refuse(site, type, "a union, whose active member is not known when jsgen runs",
                  "use std::variant, or give the union its own serialize()");
  }
  if (isLibraryRecord(*record)) return walkLibraryRecord(*record, type, site);
  return walkUserRecord(*record, type, site);
}

bool SerialisationPlanner::walkLibraryRecord(const clang::CXXRecordDecl& record,
                                             clang::QualType type, const Site& site) {
  const std::string name = libraryName(record);
  for (const Refused& refused : kRefused) {
    if (name == refused.name) return refuse(site, type, refused.why, refused.advice);
  }
  const auto* specialisation = llvm::dyn_cast<clang::ClassTemplateSpecializationDecl>(&record);
  if (name == "std::unique_ptr" && specialisation) {
    const std::vector<clang::QualType> full = typeArguments(context_.getRecordType(&record),
                                                            *specialisation);
    if (!full.empty() && full[0]->isArrayType()) {
      return refuse(site, type, "a std::unique_ptr to an array, which cereal cannot serialise",
                    "hold a std::vector");
    }
    const clang::CXXRecordDecl* deleter =
        full.size() > 1 ? full[1]->getAsCXXRecordDecl() : nullptr;
    if (deleter && libraryName(*deleter) != "std::default_delete") {
      return refuse(site, type,
                    "a std::unique_ptr with a deleter of its own, which a value read back "
                    "would not get",
                    "use std::unique_ptr<T> with the default deleter");
    }
  }
  for (const Supported& supported : kSupported) {
    if (name != supported.name) continue;
    if (!specialisation || supported.items == 0) return true;
    const std::vector<clang::QualType> arguments = typeArguments(type, *specialisation);
    const std::size_t count = supported.items < 0
                                  ? arguments.size()
                                  : std::min(arguments.size(), std::size_t(supported.items));
    bool ok = true;
    for (std::size_t i = 0; i != count; ++i) ok = walk(arguments[i], site) && ok;
    return ok;
  }
  // A trivially copyable item travels as its bytes and needs no serialize.
  if (!site.owner && record.hasDefinition() && record.isTriviallyCopyable()) return true;
  return refuse(site, type, "a library type that jsgen does not know how to serialise",
                site.owner ? "" : "give jsgen a type of your own with a serialize()");
}

bool SerialisationPlanner::walkUserRecord(const clang::CXXRecordDecl& record, clang::QualType type,
                                          const Site& site) {
  const clang::QualType recordType = context_.getRecordType(&record);
  const std::string name = qualifiedName(recordType, context_);
  const bool topLevel = !site.owner;
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
  // Refused for good: later items of this type are refused without a second report.
  const auto refuseType = [&](const char* why, const char* advice) {
    verdicts_[name] = false;
    return refuse(site, type, why, advice);
  };
  auto scope = scopeOf(record);
  if (!scope || record.isLambda())
    return refuseType("declared inside a function, where generated code cannot name it",
                      "declare it at namespace scope");
  if (!record.hasDefinition()) return refuseType("incomplete here", "define it before the stage");
  // A trivially copyable item travels as its bytes: if jsgen cannot write its
  // serialize (bit-fields, an anonymous union), that matters only where it is
  // nested in another type. Pointers would travel too, and mean nothing.
  if (topLevel && record.isTriviallyCopyable() && !isGeneratable(record) &&
      !holdsPointer(recordType, context_) && isMovable(record) && isAssignable(record)) {
    return true;
  }
  planned.scope = std::move(*scope);
  planned.nameable = isNameable(record);
  verdicts_[name] = true;  // provisionally, so that recursive types terminate
  if (!plan(record, planned)) {
    verdicts_[name] = false;
    return false;
  }
  // A base is never built or moved on its own: only what holds a value is.
  if (!site.base) {
    if (!isMovable(record))
      return refuseType("a class that can be neither copied nor moved", "give it a move constructor");
    if (!isAssignable(record))
      return refuseType("a class that cannot be assigned, by copy or by move, and batches assign their items",
                        "give it a move assignment operator");
    // cereal reads into a default-constructed object: the runtime
    // value-initialises each item, and containers, optional, variant and
    // unique_ptr build theirs.
    if (!isValueInitialisable(sema_, recordType, record.getLocation()))
      return refuseType("a class without a public default constructor (cereal reads into a "
                        "default-constructed value)",
                        "add one (it may be defaulted)");
  }
  known_[name] = types_.size();
  types_.push_back(std::move(planned));
  return true;
}

bool SerialisationPlanner::plan(const clang::CXXRecordDecl& record,
                                model::SerialisedType& planned) {
  bool ok = true;
  for (const clang::CXXBaseSpecifier& base : record.bases()) {
    const Site site{nullptr, &base, &record};
    if (base.isVirtual()) {
      ok = refuse(site, base.getType(), "virtual, and cereal would serialise it once per path",
                  "give '" + spelledName(context_.getRecordType(&record), context_) +
                      "' its own serialize()");
      continue;
    }
    planned.bases.push_back({qualifiedName(base.getType(), context_),
                             base.getAccessSpecifier() == clang::AS_public, {}});
    const clang::QualType canonical = base.getType().getCanonicalType();
    const clang::CXXRecordDecl* baseRecord = canonical->getAsCXXRecordDecl();
    if (!baseRecord) continue;
    ok = (isLibraryRecord(*baseRecord) ? walkLibraryRecord(*baseRecord, base.getType(), site)
                                       : walkUserRecord(*baseRecord, base.getType(), site)) &&
         ok;
  }
  for (const clang::FieldDecl* field : record.fields()) {
    const Site site{field, nullptr, &record};
    const clang::QualType type = field->getType();
    if (field->getName().empty()) {
      ok = refuse(site, type, "unnamed, and generated code cannot name it", "");
    } else if (field->isBitField()) {
      ok = refuse(site, type, "a bit-field, which cereal cannot read into", "");
    } else if (type.isConstQualified() && !type->isReferenceType()) {
      ok = refuse(site, type, "const, so a value cannot be read back into it", "");
    } else {
      planned.fields.push_back({field->getName().str(), field->getAccess() == clang::AS_public,
                                describe(type.getCanonicalType(), context_).qualified});
      ok = walk(type, site) && ok;
    }
  }
  return ok;
}

}  // namespace jsgen
