// Emitters: model in, C++ text out. Everything they write must be
// deterministic and compile warning-free under the user's strict flags.
#pragma once

#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include "model.hpp"

namespace jsgen {

// The whole output file: header line, the sources, serialisation, every
// pipeline, and main() unless `withMain` is false.
void emitProgram(const model::Program& program, bool withMain, std::ostream& out);

// One pipeline's stage functions, StageDef table, PipelineDef and registration.
// `types`: every user type that travels, which the pipeline's fingerprint covers.
void emitPipeline(const model::Pipeline& pipeline, std::size_t index,
                  const std::vector<model::SerialisedType>& types, std::ostream& out);

// The description struct D of a lowered sweep (jobstream/detail/sweep.hpp),
// named Sweep::description, for the pipeline's namespace of the output.
void emitSweepDescription(const model::Sweep& sweep, std::ostream& out);

// A MapRegistration for each function that jobstream::map calls.
void emitMaps(const model::Program& program, std::ostream& out);

// cereal `serialize` functions and travels_as_bytes specialisations.
void emitSerialisation(const model::Program& program, std::ostream& out);

// Every pipeline as a Graphviz digraph (`jsgen --dot`), frames as clusters.
void emitDot(const model::Program& program, std::ostream& out);

// `text` as a C++ string literal, which is also a Graphviz quoted string (a
// newline becomes the escape \n in both).
std::string quoted(std::string_view text);

}  // namespace jsgen
