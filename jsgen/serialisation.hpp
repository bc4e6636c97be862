// Which user types need cereal serialisation, found by walking every type that
// crosses a stage boundary: through std containers' template arguments, base
// classes and members. A type that cannot be serialised is an error naming
// the member, its type and the class that holds it, with a note at the stage
// that carries it.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/AST/DeclCXX.h"
#include "clang/Basic/Diagnostic.h"
#include "clang/Sema/Sema.h"
#include "model.hpp"

namespace jsgen {

class SerialisationPlanner {
 public:
  // Found types are appended to `types`; a type already there is not added twice.
  SerialisationPlanner(clang::Sema& sema, std::vector<model::SerialisedType>& types);

  // Plans the serialisation of `item`, carried from or to `stage`. False if it
  // cannot be serialised (errors were reported).
  bool addItem(clang::QualType item, const clang::FunctionDecl& stage);

 private:
  // Where a type was met: as a stage's item (field null), or as (part of) the
  // type of a member of `owner`.
  struct Site {
    const clang::FieldDecl* field = nullptr;
    const clang::CXXBaseSpecifier* base = nullptr;  // or a base of `owner`
    const clang::CXXRecordDecl* owner = nullptr;
  };

  bool walk(clang::QualType type, const Site& site);
  bool walkLibraryRecord(const clang::CXXRecordDecl& record, clang::QualType type,
                         const Site& site);
  bool walkUserRecord(const clang::CXXRecordDecl& record, clang::QualType type, const Site& site);
  bool plan(const clang::CXXRecordDecl& record, model::SerialisedType& planned);
  // Reports that `offending` (the site's whole type or a type inside it)
  // cannot be serialised; `why` completes "... is ", `advice` says what to do
  // (empty: the usual "give it its own serialize()").
  bool refuse(const Site& site, clang::QualType offending, const std::string& why,
              const std::string& advice);
  void noteCarryingStage();

  clang::Sema& sema_;
  clang::ASTContext& context_;
  clang::DiagnosticsEngine& diagnostics_;
  std::vector<model::SerialisedType>& types_;
  std::map<std::string, std::size_t> known_;  // type name -> index in types_
  std::map<std::string, bool> verdicts_;      // type name -> serialisable
  const clang::FunctionDecl* stage_ = nullptr;
  clang::QualType item_;  // the stage's item being walked, as written
};

}  // namespace jsgen
