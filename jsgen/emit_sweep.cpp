// The description struct D of a sweep (jobstream/detail/sweep.hpp's top
// comment has its shape): the user's types, the columns' names, and the
// functions that touch P and O, each written out member by member.
#include <ostream>

#include "emitters.hpp"

namespace jsgen {
namespace {

// {"a", "n"}: string literals for std::array<std::string_view, N>.
std::string literals(const std::vector<std::string>& names) {
  std::string list;
  for (const std::string& name : names) list += (list.empty() ? "" : ", ") + quoted(name);
  return list;
}

}  // namespace

void emitSweepDescription(const model::Sweep& sweep, std::ostream& out) {
  const std::vector<std::string> params =
      sweep.paramMembers.empty() ? std::vector<std::string>{"param"} : sweep.paramMembers;
  const std::vector<std::string> outcomes =
      sweep.outcomeMembers.empty() ? std::vector<std::string>{"value"} : sweep.outcomeMembers;
  // The whole P or O, or one member of it.
  const auto param = [&](const char* p, std::size_t i) {
    return sweep.paramMembers.empty() ? std::string(p) : p + ("." + params[i]);
  };
  const auto outcome = [&](std::size_t i) {
    return sweep.outcomeMembers.empty() ? std::string("o") : "o." + outcomes[i];
  };
  out << "\n// [[jobstream::sweep]] " << sweep.name << ", as jobstream/detail/sweep.hpp runs it.\n"
      << "struct " << sweep.description << " {\n"
      << "  using Params = " << sweep.params.qualified << ";\n"
      << "  using Outcome = " << sweep.outcome.qualified << ";\n"
      << "  static constexpr std::string_view name = " << quoted(sweep.name) << ";\n"
      << "  static constexpr std::array<std::string_view, " << params.size() << "> paramColumns{"
      << literals(params) << "};\n"
      << "  static constexpr std::array<std::string_view, " << outcomes.size()
      << "> outcomeColumns{" << literals(outcomes) << "};\n"
      << "  static Outcome trial(const Params& p, std::uint64_t t) { return " << sweep.callee
      << "(p, t); }\n";

  out << "  static void outcomes(const Outcome& o, double* to) {\n";
  for (std::size_t i = 0; i != outcomes.size(); ++i)
    out << "    to[" << i << "] = static_cast<double>(" << outcome(i) << ");\n";
  out << "  }\n";

  out << "  static Outcome outcome(const double* from) {\n";
  if (sweep.outcomeMembers.empty()) {
    out << "    return ::jobstream::detail::sweepValue<Outcome>(from[0]);\n";
  } else {
    out << "    Outcome o{};\n";
    for (std::size_t i = 0; i != outcomes.size(); ++i) {
      out << "    " << outcome(i) << " = ::jobstream::detail::sweepValue<decltype(" << outcome(i)
          << ")>(from[" << i << "]);\n";
    }
    out << "    return o;\n";
  }
  out << "  }\n";

  out << "  static void params(const Params& p, std::vector<std::string>& to) {\n";
  for (std::size_t i = 0; i != params.size(); ++i)
    out << "    to.push_back(::jobstream::detail::sweepText(" << param("p", i) << "));\n";
  out << "  }\n";

  // The table's order: the parameter columns in order.
  out << "  static bool less(const Params& x, const Params& y) {\n";
  for (std::size_t i = 0; i + 1 < params.size(); ++i) {
    out << "    if (" << param("x", i) << " < " << param("y", i) << ") return true;\n"
        << "    if (" << param("y", i) << " < " << param("x", i) << ") return false;\n";
  }
  out << "    return " << param("x", params.size() - 1) << " < " << param("y", params.size() - 1)
      << ";\n"
      << "  }\n"
      << "};\n";
}

}  // namespace jsgen
