// Questions about Clang types that the front end, the checks and the
// serialisation walk all ask: how to spell a type or a stage's name, what
// item a stage takes or returns, whether two items are the same.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/Type.h"
#include "model.hpp"

namespace jsgen {

// As the user wrote it, for messages: "std::string", "Point".
std::string spelledName(clang::QualType type, const clang::ASTContext& context);
// From the global namespace, usable anywhere in generated code: "::std::string".
std::string qualifiedName(clang::QualType type, const clang::ASTContext& context);
model::Type describe(clang::QualType type, const clang::ASTContext& context);
// A stage function's qualified name without unwritten scopes (anonymous
// namespaces), for messages and the model: "ns::f".
std::string stageName(const clang::FunctionDecl& function);

// std:: and jobstream:: classes are the library's business (cereal's, the
// runtime's); only their template arguments can be user types.
bool isLibraryRecord(const clang::CXXRecordDecl& record);

// The item a parameter of this type takes: references and cv removed.
clang::QualType itemOf(clang::QualType parameter);
model::Passing passingOf(clang::QualType parameter);
// Same item once references and cv are removed from both.
bool sameItem(clang::QualType a, clang::QualType b, const clang::ASTContext& context);

// The arguments of `type` if it is a specialisation of `qualifiedTemplate`
// ("std::optional", "jobstream::Multiple", "std::tuple"), packs expanded, in
// the spelling the user wrote where Clang kept it.
std::optional<std::vector<clang::QualType>> templateArguments(clang::QualType type,
                                                              llvm::StringRef qualifiedTemplate);

struct ReturnShape {
  model::ReturnForm form = model::ReturnForm::none;
  clang::QualType item;  // null for none
};
ReturnShape returnShape(clang::QualType returned);

}  // namespace jsgen
