// Registers the jobstream attributes (eight stage kinds and a marker) as Clang
// plugin attributes. This file must be linked as an object (not from a static
// library): nothing refers to the registry entries, so a static library would
// silently drop them.
#include "attributes.hpp"

#include <array>
#include <string>

#include "clang/AST/Attr.h"
#include "clang/AST/Decl.h"
#include "clang/Basic/DiagnosticSema.h"
#include "clang/Basic/ParsedAttrInfo.h"
#include "clang/Sema/ParsedAttr.h"
#include "clang/Sema/Sema.h"

namespace jsgen {
namespace {

using model::StageKind;

// The eight stage kinds, then the marker that may stand beside one of them.
constexpr std::array<std::string_view, 9> kNames = {
    "init", "job", "frame", "frame_end", "reduce", "emit", "result", "finish", "not_thread_safe"};
constexpr std::size_t kNotThreadSafe = 8;
constexpr std::array<StageKind, 8> kKinds = {
    StageKind::init,   StageKind::job,  StageKind::frame,  StageKind::frame_end,
    StageKind::reduce, StageKind::emit, StageKind::result, StageKind::finish};
// Spellings need storage that outlives the registry: string literals.
constexpr std::array<const char*, 9> kFullNames = {
    "jobstream::init",   "jobstream::job",    "jobstream::frame",
    "jobstream::frame_end", "jobstream::reduce", "jobstream::emit",
    "jobstream::result", "jobstream::finish", "jobstream::not_thread_safe"};

// One ParsedAttrInfo per attribute; the index selects the name.
template <std::size_t Index>
struct StageAttributeInfo : clang::ParsedAttrInfo {
  StageAttributeInfo() {
    static constexpr Spelling kSpelling[] = {{clang::ParsedAttr::AS_CXX11, kFullNames[Index]}};
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
        clang::AnnotateAttr::Create(sema.Context, kFullNames[Index], nullptr, 0, attr.getRange()));
    return AttributeApplied;
  }
};

using Registry = clang::ParsedAttrInfoRegistry;
const Registry::Add<StageAttributeInfo<0>> registerInit(kFullNames[0], "jobstream stage");
const Registry::Add<StageAttributeInfo<1>> registerJob(kFullNames[1], "jobstream stage");
const Registry::Add<StageAttributeInfo<2>> registerFrame(kFullNames[2], "jobstream stage");
const Registry::Add<StageAttributeInfo<3>> registerFrameEnd(kFullNames[3], "jobstream stage");
const Registry::Add<StageAttributeInfo<4>> registerReduce(kFullNames[4], "jobstream stage");
const Registry::Add<StageAttributeInfo<5>> registerEmit(kFullNames[5], "jobstream stage");
const Registry::Add<StageAttributeInfo<6>> registerResult(kFullNames[6], "jobstream stage");
const Registry::Add<StageAttributeInfo<7>> registerFinish(kFullNames[7], "jobstream stage");
const Registry::Add<StageAttributeInfo<kNotThreadSafe>> registerNotThreadSafe(
    kFullNames[kNotThreadSafe], "jobstream stage marker");

}  // namespace

std::span<const std::string_view> attributeNames() { return kNames; }

std::optional<StageKind> stageKindOf(const clang::Decl& decl, clang::SourceLocation* where) {
  for (const auto* annotate : decl.specific_attrs<clang::AnnotateAttr>()) {
    llvm::StringRef text = annotate->getAnnotation();
    if (!text.consume_front("jobstream::")) continue;
    for (std::size_t i = 0; i != kKinds.size(); ++i) {
      if (text == llvm::StringRef(kNames[i].data(), kNames[i].size())) {
        if (where) *where = annotate->getLocation();
        return kKinds[i];
      }
    }
  }
  return std::nullopt;
}

bool isNotThreadSafe(const clang::Decl& decl, clang::SourceLocation* where) {
  for (const auto* annotate : decl.specific_attrs<clang::AnnotateAttr>()) {
    if (annotate->getAnnotation() != kFullNames[kNotThreadSafe]) continue;
    if (where) *where = annotate->getLocation();
    return true;
  }
  return false;
}

}  // namespace jsgen
