// How frames and reductions divide a pipeline into scopes and regions, worked
// out from the stage kinds alone (no Clang): which frame_end closes which
// frame, where each stage sits and where recurred work re-enters. See
// model::Structure for the terms.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "model.hpp"

namespace jsgen {

// A way the stage kinds do not nest; `stage` is where to report it and
// `related` (or kNoStage) the stage for the note.
struct StructureProblem {
  enum class Kind : std::uint8_t {
    frame_without_end,  // related: kNoStage
    end_without_frame,  // related: kNoStage
    emit_misplaced,     // related: the stage above the emit, if any
    emit_twice,         // related: the emit above
    last_in_frame,      // result or finish inside a frame body; related: the frame
  };
  Kind kind;
  std::size_t stage;
  std::size_t related = model::kNoStage;
};

// Fills in Stage::structure and Stage::leaves (which needs Stage::store and
// the emit's Stage::item) for every stage, and the pipeline's entry and
// exitRegion; returns what does not nest.
std::vector<StructureProblem> layOutScopes(model::Pipeline& pipeline);

}  // namespace jsgen
