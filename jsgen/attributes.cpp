// Registers the jobstream attributes (nine stage kinds and a marker) as Clang
// plugin attributes. This file must be linked as an object (not from a static
// library): nothing refers to the registry entries, so a static library would
// silently drop them.
#include "attributes.hpp"

#include "clang/AST/Attr.h"
#include "clang/AST/Decl.h"
#include "clang/Basic/DiagnosticSema.h"
#include "clang/Basic/ParsedAttrInfo.h"
#include "clang/Sema/ParsedAttr.h"
#include "clang/Sema/Sema.h"

namespace jsgen {
namespace {

using model::StageKind;

// One ParsedAttrInfo per attribute; the index selects the name.
template <std::size_t Index>
struct StageAttributeInfo : clang::ParsedAttrInfo {
  StageAttributeInfo() {
    static constexpr Spelling kSpelling[] = {
        {clang::ParsedAttr::AS_CXX11, kAttributeSpellings[Index]}};
    Spellings = kSpelling;
    NumArgs = 0;
    OptArgs = 0;
  }

  bool diagAppertainsToDecl(clang::Sema& sema, const clang::ParsedAttr& attr,
                            const clang::Decl* decl) const override {
    if (llvm::isa<clang::FunctionDecl>(decl)) return true;
    sema.Diag(attr.getLoc(), clang::diag::err_attribute_wrong_decl_type_str)
        << attr << attr.isRegularKeywordAttribute() << "functions";
    return false;
  }

  AttrHandling handleDeclAttribute(clang::Sema& sema, clang::Decl* decl,
                                   const clang::ParsedAttr& attr) const override {
    decl->addAttr(
        clang::AnnotateAttr::Create(sema.Context, kAttributeSpellings[Index], nullptr, 0,
                                    attr.getRange()));
    return AttributeApplied;
  }
};

using Registry = clang::ParsedAttrInfoRegistry;
static_assert(kStageKindCount == 9, "one registration per stage kind below");
const Registry::Add<StageAttributeInfo<0>> registerInit(kAttributeSpellings[0], "jobstream stage");
const Registry::Add<StageAttributeInfo<1>> registerJob(kAttributeSpellings[1], "jobstream stage");
const Registry::Add<StageAttributeInfo<2>> registerFrame(kAttributeSpellings[2], "jobstream stage");
const Registry::Add<StageAttributeInfo<3>> registerFrameEnd(kAttributeSpellings[3],
                                                            "jobstream stage");
const Registry::Add<StageAttributeInfo<4>> registerReduce(kAttributeSpellings[4], "jobstream stage");
const Registry::Add<StageAttributeInfo<5>> registerSweep(kAttributeSpellings[5], "jobstream stage");
const Registry::Add<StageAttributeInfo<6>> registerEmit(kAttributeSpellings[6], "jobstream stage");
const Registry::Add<StageAttributeInfo<7>> registerResult(kAttributeSpellings[7], "jobstream stage");
const Registry::Add<StageAttributeInfo<8>> registerFinish(kAttributeSpellings[8], "jobstream stage");
const Registry::Add<StageAttributeInfo<kNotThreadSafe>> registerNotThreadSafe(
    kAttributeSpellings[kNotThreadSafe], "jobstream stage marker");

}  // namespace

std::optional<StageKind> stageKindOf(const clang::Decl& decl, clang::SourceLocation* where) {
  for (const auto* annotate : decl.specific_attrs<clang::AnnotateAttr>()) {
    for (std::size_t i = 0; i != kStageKindCount; ++i) {
      if (annotate->getAnnotation() == kAttributeSpellings[i]) {
        if (where) *where = annotate->getLocation();
        return static_cast<StageKind>(i);
      }
    }
  }
  return std::nullopt;
}

bool isNotThreadSafe(const clang::Decl& decl, clang::SourceLocation* where) {
  for (const auto* annotate : decl.specific_attrs<clang::AnnotateAttr>()) {
    if (annotate->getAnnotation() != kAttributeSpellings[kNotThreadSafe]) continue;
    if (where) *where = annotate->getLocation();
    return true;
  }
  return false;
}

}  // namespace jsgen
