// For each user type jsgen serialises, a free `serialize` in the type's own
// namespace (found by argument-dependent lookup from cereal):
//
//   namespace geo {
//   template <class Archive>
//   void serialize(Archive& jsgen_archive, ::geo::Point& jsgen_value) {
//     jsgen_archive(jsgen_value.x, jsgen_value.y);
//   }
//   }  // namespace geo
//
// Private and protected members are reached without touching the user's
// class. Access is not checked on the names in the arguments of an explicit
// instantiation ([temp.explicit]), so instantiating a template on
// `&Vault::code_` can define a friend function that hands the member pointer
// back. Each member gets a tag struct that declares that friend, so that
// argument-dependent lookup on the tag finds it; the friend is defined (not
// merely declared) in the template, which keeps g++'s -Wnon-template-friend
// quiet. Everything lives in an anonymous namespace: the tags are this
// translation unit's own.
//
//   namespace {
//   struct jsgen_member_0_0 { friend constexpr auto jsgen_member(jsgen_member_0_0) noexcept; };
//   template struct jsgen_member_access<jsgen_member_0_0, &::secrets::Vault::code_>;
//   }
//   ... jsgen_archive(jsgen_value.*jsgen_member(::jsgen_member_0_0{}));
//
// A class nested as a private member cannot be named in serialize's
// parameter either: jsgen_type_access hands back its type the same way. A
// non-public base is reached with a C-style cast, the one conversion that
// may name an inaccessible base ([expr.cast]).
#include <ostream>
#include <string>

#include "emitters.hpp"

namespace jsgen {
namespace {

std::string memberTag(std::size_t type, std::size_t field) {
  return "jsgen_member_" + std::to_string(type) + "_" + std::to_string(field);
}

std::string typeTag(std::size_t type) { return "jsgen_type_" + std::to_string(type); }

// How generated code writes the type: its name, or through its type tag.
std::string spelling(const model::SerialisedType& type, std::size_t index) {
  if (type.nameable) return type.name;
  return "typename decltype(jsgen_type(::" + typeTag(index) + "{}))::type";
}

bool needsAccess(const model::SerialisedType& type) {
  if (type.hasOwnSerialisation) return false;
  if (!type.nameable) return true;
  for (const model::SerialisedType::Part& field : type.fields) {
    if (!field.accessible) return true;
  }
  return false;
}

void emitAccess(const std::vector<model::SerialisedType>& types, std::ostream& out) {
  bool any = false;
  for (const model::SerialisedType& type : types) any = any || needsAccess(type);
  if (!any) return;
  out << "\n// Private and protected members and classes, reached through explicit\n"
         "// instantiations (which do not check access): jsgen_member(tag) returns a\n"
         "// member pointer, jsgen_type(tag) a std::type_identity.\n"
         "namespace {\n"
         "template <class Tag, auto Member>\n"
         "struct jsgen_member_access {\n"
         "  friend constexpr auto jsgen_member(Tag) noexcept { return Member; }\n"
         "};\n"
         "template <class Tag, class T>\n"
         "struct jsgen_type_access {\n"
         "  friend constexpr auto jsgen_type(Tag) noexcept { return std::type_identity<T>{}; }\n"
         "};\n";
  for (std::size_t i = 0; i != types.size(); ++i) {
    const model::SerialisedType& type = types[i];
    if (!needsAccess(type)) continue;
    if (!type.nameable) {
      const std::string tag = typeTag(i);
      out << "struct " << tag << " { friend constexpr auto jsgen_type(" << tag
          << ") noexcept; };\n"
          << "template struct jsgen_type_access<" << tag << ", " << type.name << ">;\n";
    }
    for (std::size_t j = 0; j != type.fields.size(); ++j) {
      if (type.fields[j].accessible) continue;
      const std::string tag = memberTag(i, j);
      out << "struct " << tag << " { friend constexpr auto jsgen_member(" << tag
          << ") noexcept; };\n"
          << "template struct jsgen_member_access<" << tag << ", &" << type.name
          << "::" << type.fields[j].name << ">;\n";
    }
  }
  out << "}  // namespace\n";
}

void openScope(const model::SerialisedType& type, std::ostream& out) {
  for (const auto& ns : type.scope) {
    out << (ns.isInline ? "inline " : "") << "namespace " << (ns.name.empty() ? "" : ns.name + " ")
        << "{\n";
  }
}

void closeScope(const model::SerialisedType& type, std::ostream& out) {
  for (auto ns = type.scope.rbegin(); ns != type.scope.rend(); ++ns) {
    out << "}  // namespace" << (ns->name.empty() ? "" : " " + ns->name) << '\n';
  }
}

void emitSerialize(const model::SerialisedType& type, std::size_t index, std::ostream& out) {
  bool castsToBase = false;
  for (const auto& base : type.bases) castsToBase = castsToBase || !base.accessible;
  out << '\n';
  openScope(type, out);
  if (castsToBase) {
    out << "#pragma GCC diagnostic push\n"
           "#pragma GCC diagnostic ignored \"-Wold-style-cast\"\n";
  }
  out << "template <class Archive>\n";
  if (type.bases.empty() && type.fields.empty()) {
    out << "void serialize(Archive&, " << spelling(type, index) << "&) {}\n";
  } else {
    out << "void serialize(Archive& jsgen_archive, " << spelling(type, index)
        << "& jsgen_value) {\n"
        << "  jsgen_archive(";
    const char* separator = "";
    for (const auto& base : type.bases) {
      out << separator;
      if (base.accessible)
        out << "::cereal::base_class<" << base.name << ">(&jsgen_value)";
      else
        out << "*(" << base.name << "*)(&jsgen_value)";
      separator = ", ";
    }
    for (std::size_t j = 0; j != type.fields.size(); ++j) {
      out << separator << "jsgen_value.";
      if (type.fields[j].accessible)
        out << type.fields[j].name;
      else
        out << "*jsgen_member(::" << memberTag(index, j) << "{})";
      separator = ", ";
    }
    out << ");\n}\n";
  }
  if (castsToBase) out << "#pragma GCC diagnostic pop\n";
  closeScope(type, out);
}

}  // namespace

void emitSerialisation(const model::Program& program, std::ostream& out) {
  emitAccess(program.types, out);
  for (std::size_t i = 0; i != program.types.size(); ++i) {
    if (!program.types[i].hasOwnSerialisation) emitSerialize(program.types[i], i, out);
  }
  bool opened = false;
  for (const model::SerialisedType& type : program.types) {
    if (!type.needsNotAsBytes) continue;
    if (!opened)
      out << "\n// Trivially copyable, but with serialisation of their own.\nnamespace "
             "jobstream::detail {\n";
    opened = true;
    out << "template <>\nstruct travels_as_bytes<" << type.name << "> : std::false_type {};\n";
  }
  if (opened) out << "}  // namespace jobstream::detail\n";
}

}  // namespace jsgen
