#include "scopes.hpp"

namespace jsgen {

using model::kNoStage;
using model::StageKind;

std::vector<StructureProblem> layOutScopes(model::Pipeline& pipeline) {
  std::vector<model::Stage>& stages = pipeline.stages;
  std::vector<StructureProblem> problems;
  std::size_t entry = 0;
  while (entry != stages.size() && stages[entry].kind == StageKind::init) ++entry;
  pipeline.entry = entry;

  // The open scopes, innermost last: the frame that opened each (kNoStage for
  // the top level), the first stage of its current region and how many
  // reduces it has closed so far (the runtime's number of that region).
  struct Scope {
    std::size_t frame;
    std::size_t regionStart;
    std::size_t reduces;
  };
  std::vector<Scope> open = {{kNoStage, entry, 0}};

  for (std::size_t i = entry; i != stages.size(); ++i) {
    model::Stage& stage = stages[i];
    Scope& scope = open.back();
    stage.structure.frame = scope.frame;
    stage.structure.regionStart = scope.regionStart;
    // A frame_end's items are in its own frame's body: the scope still open.
    stage.structure.owner = scope.frame;
    stage.structure.region = scope.reduces;
    switch (stage.kind) {
      case StageKind::frame:
        // The body starts right after the frame; an empty body "starts" at
        // the frame_end, which then receives what the frame returns.
        stage.structure.recursTo = i + 1 != stages.size() ? i + 1 : kNoStage;
        open.push_back({i, i + 1, 0});
        break;
      case StageKind::frame_end:
        if (open.size() == 1) {
          problems.push_back({StructureProblem::Kind::end_without_frame, i});
          break;
        }
        stage.structure.partner = scope.frame;
        stage.structure.recursTo = scope.frame + 1;
        stages[scope.frame].structure.partner = i;
        open.pop_back();
        stage.structure.frame = open.back().frame;
        stage.structure.regionStart = open.back().regionStart;
        break;
      case StageKind::reduce: {
        stage.structure.recursTo = scope.regionStart;
        const bool emits = i + 1 != stages.size() && stages[i + 1].kind == StageKind::emit;
        scope.regionStart = i + (emits ? 2 : 1);
        ++scope.reduces;
        break;
      }
      case StageKind::emit: {
        const StageKind above = i != 0 ? stages[i - 1].kind : StageKind::init;
        if (above == StageKind::emit) {
          problems.push_back({StructureProblem::Kind::emit_twice, i, i - 1});
        } else if (above != StageKind::reduce && above != StageKind::frame_end) {
          problems.push_back(
              {StructureProblem::Kind::emit_misplaced, i, i != 0 ? i - 1 : kNoStage});
        } else {
          // It belongs with the reduce or frame_end above it.
          stage.structure = stages[i - 1].structure;
          stage.structure.partner = kNoStage;
          stage.structure.recursTo = kNoStage;
          // Its items are those that left the reduce or frame_end: they are
          // in the scope around it, after it.
          stage.structure.owner = open.back().frame;
          stage.structure.region = open.back().reduces;
        }
        break;
      }
      case StageKind::result:
      case StageKind::finish:
        if (open.size() != 1)
          problems.push_back({StructureProblem::Kind::last_in_frame, i, scope.frame});
        break;
      case StageKind::init:
        // Misplaced (reported elsewhere); an init is in no frame or region.
        stage.structure.owner = kNoStage;
        stage.structure.region = 0;
        break;
      case StageKind::job:
      case StageKind::sweep:  // as written; lowerSweeps makes it a frame
        break;
    }
  }
  pipeline.exitRegion = open.front().reduces;
  for (std::size_t depth = 1; depth < open.size(); ++depth)
    problems.push_back({StructureProblem::Kind::frame_without_end, open[depth].frame});

  for (std::size_t i = 0; i != stages.size(); ++i) {
    model::Stage& stage = stages[i];
    if (stage.kind != StageKind::reduce && stage.kind != StageKind::frame_end) continue;
    const bool emits = i + 1 != stages.size() && stages[i + 1].kind == StageKind::emit;
    stage.leaves = emits ? stages[i + 1].item : stage.store;
  }
  return problems;
}

}  // namespace jsgen
