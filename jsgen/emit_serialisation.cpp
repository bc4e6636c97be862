// For each user type jsgen serialises, a free `serialize` in the type's own
// namespace (found by argument-dependent lookup from cereal):
//
//   namespace geo {
//   template <class Archive>
//   void serialize(Archive& jsgen_archive, ::geo::Point& jsgen_value) {
//     jsgen_archive(jsgen_value.x, jsgen_value.y);
//   }
//   }  // namespace geo
#include <ostream>

#include "emitters.hpp"

namespace jsgen {
namespace {

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

void emitSerialize(const model::SerialisedType& type, std::ostream& out) {
  out << '\n';
  openScope(type, out);
  out << "template <class Archive>\n";
  if (type.bases.empty() && type.fields.empty()) {
    out << "void serialize(Archive&, " << type.name << "&) {}\n";
  } else {
    out << "void serialize(Archive& jsgen_archive, " << type.name << "& jsgen_value) {\n"
        << "  jsgen_archive(";
    const char* separator = "";
    for (const std::string& base : type.bases) {
      out << separator << "::cereal::base_class<" << base << ">(&jsgen_value)";
      separator = ", ";
    }
    for (const std::string& field : type.fields) {
      out << separator << "jsgen_value." << field;
      separator = ", ";
    }
    out << ");\n}\n";
  }
  closeScope(type, out);
}

}  // namespace

void emitSerialisation(const model::Program& program, std::ostream& out) {
  for (const model::SerialisedType& type : program.types) {
    if (!type.hasOwnSerialisation) emitSerialize(type, out);
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
