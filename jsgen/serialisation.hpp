// Which user types need cereal serialisation, found by walking every type that
// crosses a stage boundary: through std containers' template arguments, base
// classes and members. A type that cannot be serialised is an error naming
// the member, with a note at the stage that carries it.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/Basic/Diagnostic.h"
#include "model.hpp"

namespace jsgen {

class SerialisationPlanner {
 public:
  // Found types are appended to `types`; a type already there is not added twice.
  SerialisationPlanner(clang::ASTContext& context, clang::DiagnosticsEngine& diagnostics,
                       std::vector<model::SerialisedType>& types);

  // Plans the serialisation of `item`, carried from or to `stage`. False if it
  // cannot be serialised (errors were reported).
  bool addItem(clang::QualType item, const clang::FunctionDecl& stage);

 private:
  bool walk(clang::QualType type, bool topLevel);
  bool walkRecord(const clang::CXXRecordDecl& record, bool topLevel);
  bool checkMembers(const clang::CXXRecordDecl& record, model::SerialisedType& planned);
  bool noteCarryingStage();

  clang::ASTContext& context_;
  clang::DiagnosticsEngine& diagnostics_;
  std::vector<model::SerialisedType>& types_;
  std::map<std::string, std::size_t> known_;  // type name -> index in types_
  std::map<std::string, bool> verdicts_;      // type name -> serialisable
  const clang::FunctionDecl* stage_ = nullptr;
};

}  // namespace jsgen
