// jobstream::map's generated part: one static MapRegistration per mapped
// function, which builds its two-stage pipeline from the function's type
// (runtime/include/jobstream/detail/map.hpp). Functions that no map call
// names get nothing.
#include <ostream>

#include "emitters.hpp"

namespace jsgen {

void emitMaps(const model::Program& program, std::ostream& out) {
  if (program.maps.empty()) return;
  out << "\n// Functions that jobstream::map calls.\nnamespace {\n";
  for (std::size_t i = 0; i != program.maps.size(); ++i) {
    const model::MappedJob& map = program.maps[i];
    out << "const ::jobstream::detail::MapRegistration<&" << map.callee << "> jsgen_map_" << i << '{'
        << quoted(map.name) << ", " << quoted(map.input.spelled) << ", " << quoted(map.result.spelled)
        << "};\n";
  }
  out << "}  // namespace\n";
}

}  // namespace jsgen
