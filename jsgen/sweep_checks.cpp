#include "sweep_checks.hpp"

#include <string>

#include "clang/AST/DeclCXX.h"
#include "clang/AST/DeclTemplate.h"
#include "clang/Sema/Lookup.h"
#include "clang_types.hpp"
#include "diagnostics.hpp"
#include "printer_check.hpp"

namespace jsgen {
namespace {

using model::Passing;
using model::ReturnForm;

// A number or bool: one column of doubles (sweepValue converts back).
bool isArithmetic(clang::QualType type) {
  const auto* builtin = type.getCanonicalType()->getAs<clang::BuiltinType>();
  return builtin && (builtin->isInteger() || builtin->isFloatingPoint());
}

// std::uint64_t is unsigned long on LP64 and unsigned long long elsewhere;
// either is the trial number where it has 64 bits.
bool isTrialNumber(clang::QualType type, const clang::ASTContext& context) {
  const clang::QualType canonical = type.getCanonicalType();
  const auto* builtin = canonical->getAs<clang::BuiltinType>();
  if (!builtin) return false;
  const bool unsignedLong = builtin->getKind() == clang::BuiltinType::ULong ||
                            builtin->getKind() == clang::BuiltinType::ULongLong;
  return unsignedLong && context.getTypeSize(canonical) == 64;
}

// P that is one column, "param": a number, an enum or a string.
bool isOneParam(clang::QualType params) {
  return isArithmetic(params) || params->isEnumeralType() ||
         templateArguments(params, "std::basic_string").has_value();
}

// A class of the user's whose data members can be columns, or null.
const clang::CXXRecordDecl* userClass(clang::QualType type) {
  const clang::CXXRecordDecl* record = type.getCanonicalType()->getAsCXXRecordDecl();
  if (!record || record->isUnion() || isLibraryRecord(*record) || !record->hasDefinition())
    return nullptr;
  return record->getDefinition();
}

class SweepChecker {
 public:
  SweepChecker(const FoundStage& stage, clang::Sema& sema)
      : function_(*stage.function),
        name_(stageName(function_)),
        sema_(sema),
        context_(sema.getASTContext()),
        diagnostics_(sema.getDiagnostics()) {}

  bool checkOutcome() {
    const clang::QualType outcome = returnShape(function_.getReturnType()).item;
    if (isArithmetic(outcome)) return true;
    const std::string o = spelledName(outcome, context_);
    const clang::CXXRecordDecl* record = userClass(outcome);
    if (!record) {
      reportError(diagnostics_, returnLocation(function_),
                  "sweep stage '%0' returns '%1'; what a trial measures is an arithmetic type "
                  "(the table's column 'value') or a struct whose data members are all "
                  "arithmetic (a column each)")
          << name_ << o;
      return false;
    }
    bool ok = true;
    for (const clang::CXXBaseSpecifier& base : record->bases()) {
      reportError(diagnostics_, base.getBeginLoc(),
                  "sweep outcome '%0' has a base class '%1'; an outcome's columns are its own "
                  "data members: move the members of '%1' into '%0'")
          << o << spelledName(base.getType(), context_);
      noteOutcome(o);
      ok = false;
    }
    if (record->field_empty()) {
      reportError(diagnostics_, record->getLocation(),
                  "sweep outcome '%0' has no data members; each of its members is a column of "
                  "the table, and a sweep measures at least one")
          << o;
      noteOutcome(o);
      return false;
    }
    for (const clang::FieldDecl* field : record->fields()) {
      const std::string member = field->getName().str();
      const clang::QualType type = field->getType();
      if (member.empty()) {
        reportError(diagnostics_, field->getLocation(),
                    "sweep outcome '%0' has an unnamed member; each member is a column named "
                    "after it")
            << o;
      } else if (!isArithmetic(type)) {
        reportError(diagnostics_, field->getLocation(),
                    "member '%0' of sweep outcome '%1' has type '%2'; each member of an "
                    "outcome is an arithmetic type (a number or bool: one column of the table)")
            << member << o << spelledName(type, context_);
      } else if (field->isBitField()) {
        reportError(diagnostics_, field->getLocation(),
                    "member '%0' of sweep outcome '%1' is a bit-field; make it a plain "
                    "arithmetic member")
            << member << o;
      } else if (type.isConstQualified()) {
        reportError(diagnostics_, field->getLocation(),
                    "member '%0' of sweep outcome '%1' is const; the row's mean, dev and err "
                    "are written into it")
            << member << o;
      } else if (field->getAccess() != clang::AS_public) {
        reportError(diagnostics_, field->getLocation(),
                    "member '%0' of sweep outcome '%1' is %select{private|protected}2; "
                    "generated code reads and writes each column: make it public")
            << member << o << (field->getAccess() == clang::AS_protected);
      } else {
        continue;
      }
      noteOutcome(o);
      ok = false;
    }
    return ok;
  }

  bool checkParams() {
    const clang::ParmVarDecl& param = *function_.getParamDecl(0);
    const clang::QualType params = itemOf(param.getType());
    const std::string p = spelledName(params, context_);
    if (isOneParam(params)) {
      const bool ok = checkColumn(params, param.getBeginLoc(), "", p);
      return ok;
    }
    const clang::CXXRecordDecl* record = userClass(params);
    if (!record) {
      reportError(diagnostics_, param.getBeginLoc(),
                  "sweep stage '%0' takes '%1' as its combination; a combination is an "
                  "arithmetic type, an enum or std::string (the table's column 'param'), or a "
                  "class whose public data members are the columns")
          << name_ << p;
      return false;
    }
    bool ok = true;
    for (const clang::CXXBaseSpecifier& base : record->bases()) {
      reportError(diagnostics_, base.getBeginLoc(),
                  "sweep parameters '%0' have a base class '%1'; the table's parameter columns "
                  "are the class's own public data members: move the members of '%1' into '%0'")
          << p << spelledName(base.getType(), context_);
      noteParams(p);
      ok = false;
    }
    bool columns = false;
    for (const clang::FieldDecl* field : record->fields()) {
      const std::string member = field->getName().str();
      // Every member travels inside the sweep's items (TrialBlock<P>, ...),
      // so none may be one that only travels as the bytes of a whole item.
      if (member.empty() || field->isBitField()) {
        reportError(diagnostics_, field->getLocation(),
                    "%select{an unnamed member|member '%1'}0 of sweep parameters '%2' is "
                    "%select{unnamed|a bit-field}0, which cannot travel inside the sweep's "
                    "work items; make it a plain named member")
            << !member.empty() << member << p;
        noteParams(p);
        ok = false;
        continue;
      }
      if (field->getAccess() != clang::AS_public) continue;  // not a column
      columns = true;
      ok = checkColumn(field->getType(), field->getLocation(), member, p) && ok;
    }
    if (!columns && ok) {
      reportError(diagnostics_, record->getLocation(),
                  "sweep parameters '%0' have no public data members; the table's parameter "
                  "columns are its public data members")
          << p;
      noteParams(p);
      return false;
    }
    return ok;
  }

 private:
  // The table prints each parameter column (sweepText, with printItem) and
  // sorts the rows by them, column by column. `member` is empty for P itself.
  bool checkColumn(clang::QualType type, clang::SourceLocation at, const std::string& member,
                   const std::string& p) {
    const std::string t = spelledName(type, context_);
    const clang::QualType unprintable = unprintablePart(sema_, type, at);
    bool ok = true;
    if (!unprintable.isNull()) {
      reportError(diagnostics_, at,
                  "%select{sweep parameters '%1'|member '%0' of sweep parameters '%1'}2 "
                  "%select{are|has type '%3', which is}2 printed in the table, but '%4' has no "
                  "operator<<; declare 'std::ostream& operator<<(std::ostream&, const %4&)' in "
                  "the namespace of '%4'")
          << member << p << !member.empty() << t << spelledName(unprintable, context_);
      ok = false;
    }
    if (!isOrdered(sema_, type, at)) {
      reportError(diagnostics_, at,
                  "%select{sweep parameters '%1'|member '%0' of sweep parameters '%1'}2 "
                  "%select{have|has type '%3', which has}2 no operator<; the table is sorted by "
                  "its parameters%select{| (member by member)}2: declare 'bool operator<(const "
                  "%3&, const %3&)' in the namespace of '%3'")
          << member << p << !member.empty() << t;
      ok = false;
    }
    if (!ok && !member.empty()) noteParams(p);
    return ok;
  }

  void noteOutcome(const std::string& o) {
    reportNote(diagnostics_, returnLocation(function_), "sweep stage '%0' returns '%1' here")
        << name_ << o;
  }

  void noteParams(const std::string& p) {
    reportNote(diagnostics_, function_.getParamDecl(0)->getBeginLoc(),
               "sweep stage '%0' takes '%1' here")
        << name_ << p;
  }

  const clang::FunctionDecl& function_;
  const std::string name_;
  clang::Sema& sema_;
  clang::ASTContext& context_;
  clang::DiagnosticsEngine& diagnostics_;
};

}  // namespace

bool checkSweepSignature(const FoundStage& stage, clang::ASTContext& context,
                         clang::DiagnosticsEngine& diagnostics) {
  const clang::FunctionDecl& function = *stage.function;
  const std::string name = stageName(function);
  bool ok = true;
  if (function.getNumParams() != 2) {
    reportError(diagnostics, function.getLocation(),
                "sweep stage '%0' takes %1 parameter%s1; a sweep is 'O f(const P& params, "
                "std::uint64_t trial)': one combination of parameters and the trial's number")
        << name << function.getNumParams();
    ok = false;
  } else {
    const clang::ParmVarDecl& params = *function.getParamDecl(0);
    const Passing passing = passingOf(params.getType());
    if (passing != Passing::value && passing != Passing::const_ref) {
      reportError(diagnostics, params.getBeginLoc(),
                  "sweep stage '%0' takes its combination as '%1'; it is called for every "
                  "trial of the same combination: take it as 'const %2&' or by value")
          << name << spelledName(params.getType(), context)
          << spelledName(itemOf(params.getType()), context);
      ok = false;
    }
    const clang::ParmVarDecl& trial = *function.getParamDecl(1);
    const Passing trialPassing = passingOf(trial.getType());
    if ((trialPassing != Passing::value && trialPassing != Passing::const_ref) ||
        !isTrialNumber(itemOf(trial.getType()), context)) {
      reportError(diagnostics, trial.getBeginLoc(),
                  "sweep stage '%0' takes the trial's number as '%1'; take it as "
                  "'std::uint64_t' (an unsigned 64-bit integer: std::uint64_t, unsigned long "
                  "long, or unsigned long where it has 64 bits; by value or const&)")
          << name << spelledName(trial.getType(), context);
      ok = false;
    }
  }
  const ReturnShape shape = returnShape(function.getReturnType());
  if (shape.form == ReturnForm::none) {
    reportError(diagnostics, returnLocation(function),
                "sweep stage '%0' returns void; it returns what one trial measures: an "
                "arithmetic type, or a struct whose data members are all arithmetic")
        << name;
    ok = false;
  } else if (shape.form != ReturnForm::value) {
    reportError(diagnostics, returnLocation(function),
                "sweep stage '%0' returns '%1'; a sweep returns exactly one outcome per trial "
                "(an arithmetic type, or a struct whose data members are all arithmetic), "
                "never std::optional or jobstream::Multiple")
        << name << spelledName(function.getReturnType(), context);
    ok = false;
  }
  return ok;
}

bool checkSweepColumns(const FoundStage& stage, clang::Sema& sema) {
  SweepChecker checker(stage, sema);
  bool ok = checker.checkParams();
  ok = checker.checkOutcome() && ok;
  if (ok && stage.sweepRow.isNull()) {
    reportError(sema.getDiagnostics(), stage.attribute,
                "sweep stage '%0' emits a jobstream::SweepRow per combination, which is not "
                "declared here: include <jobstream/jobstream.hpp>")
        << stageName(*stage.function);
    ok = false;
  }
  return ok;
}

clang::QualType sweepRowOf(const FoundStage& stage, clang::Sema& sema) {
  const clang::FunctionDecl& function = *stage.function;
  const ReturnShape shape = returnShape(function.getReturnType());
  if (function.getNumParams() != 2 || shape.form != ReturnForm::value) return {};
  clang::ASTContext& context = sema.getASTContext();
  const clang::SourceLocation at = stage.attribute;
  clang::LookupResult jobstream(sema, &context.Idents.get("jobstream"), at,
                                clang::Sema::LookupNamespaceName);
  if (!sema.LookupQualifiedName(jobstream, context.getTranslationUnitDecl()) ||
      !jobstream.isSingleResult())
    return {};
  auto* scope = llvm::dyn_cast<clang::NamespaceDecl>(jobstream.getFoundDecl());
  if (!scope) return {};
  clang::LookupResult found(sema, &context.Idents.get("SweepRow"), at,
                            clang::Sema::LookupOrdinaryName);
  if (!sema.LookupQualifiedName(found, scope) || !found.isSingleResult()) return {};
  auto* row = llvm::dyn_cast<clang::ClassTemplateDecl>(found.getFoundDecl());
  if (!row) return {};
  clang::TemplateArgumentListInfo arguments(at, at);
  for (const clang::QualType argument : {itemOf(function.getParamDecl(0)->getType()), shape.item}) {
    arguments.addArgument(clang::TemplateArgumentLoc(
        clang::TemplateArgument(argument), context.getTrivialTypeSourceInfo(argument, at)));
  }
  const clang::Sema::SFINAETrap trap(sema);
  const clang::QualType specialised =
      sema.CheckTemplateIdType(clang::TemplateName(row), at, arguments);
  if (specialised.isNull() || trap.hasErrorOccurred()) return {};
  // Written "jobstream::SweepRow<P, O>" in messages, as a user would write it.
  return context.getElaboratedType(clang::ElaboratedTypeKeyword::None,
                                   clang::NestedNameSpecifier::Create(context, nullptr, scope),
                                   specialised);
}

model::Sweep describeSweep(const FoundStage& stage, const clang::ASTContext& context) {
  const clang::FunctionDecl& function = *stage.function;
  model::Sweep sweep;
  sweep.name = stageName(function);
  sweep.callee = "::" + sweep.name;
  const ReturnShape shape = returnShape(function.getReturnType());
  if (shape.form != ReturnForm::none) {
    sweep.outcome = describe(shape.item, context);
    if (const clang::CXXRecordDecl* record =
            isArithmetic(shape.item) ? nullptr : userClass(shape.item)) {
      for (const clang::FieldDecl* field : record->fields())
        sweep.outcomeMembers.push_back(field->getName().str());
    }
  }
  if (function.getNumParams() != 0) {
    const clang::QualType params = itemOf(function.getParamDecl(0)->getType());
    sweep.params = describe(params, context);
    if (const clang::CXXRecordDecl* record = isOneParam(params) ? nullptr : userClass(params)) {
      for (const clang::FieldDecl* field : record->fields()) {
        if (field->getAccess() == clang::AS_public)
          sweep.paramMembers.push_back(field->getName().str());
      }
    }
  }
  return sweep;
}

}  // namespace jsgen
