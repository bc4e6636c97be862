// Rules about the whole program, all the sources jsgen is given at once: it
// has a pipeline, and a generated main() has exactly one pipeline to run.
// Checked after every source is parsed, so reported from the model's
// locations through a DiagnosticsEngine of their own.
#pragma once

#include "model.hpp"

namespace jsgen {

// Reports what the program breaks; true when it breaks nothing.
// `generatesMain`: jsgen writes main(), which runs the program's one pipeline.
bool checkProgram(const model::Program& program, bool generatesMain);

}  // namespace jsgen
