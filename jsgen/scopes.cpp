#include "scopes.hpp"

namespace jsgen {

using model::kNoStage;
using model::StageKind;

std::vector<StructureProblem> layOutScopes(std::vector<model::Stage>& stages) {
  std::vector<StructureProblem> problems;
  std::size_t entry = 0;
  while (entry != stages.size() && stages[entry].kind == StageKind::init) ++entry;

  // The open scopes, innermost last: the frame that opened each (kNoStage for
  // the top level) and the first stage of its current region.
  struct Scope {
    std::size_t frame;
    std::size_t region;
  };
  std::vector<Scope> open = {{kNoStage, entry}};

  for (std::size_t i = entry; i != stages.size(); ++i) {
    model::Stage& stage = stages[i];
    Scope& scope = open.back();
    stage.structure.frame = scope.frame;
    stage.structure.region = scope.region;
    switch (stage.kind) {
      case StageKind::frame:
        // The body starts right after the frame; an empty body "starts" at
        // the frame_end, which then receives what the frame returns.
        stage.structure.recursTo = i + 1 != stages.size() ? i + 1 : kNoStage;
        open.push_back({i, i + 1});
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
        stage.structure.region = open.back().region;
        break;
      case StageKind::reduce: {
        stage.structure.recursTo = scope.region;
        const bool emits = i + 1 != stages.size() && stages[i + 1].kind == StageKind::emit;
        scope.region = i + (emits ? 2 : 1);
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
        }
        break;
      }
      case StageKind::result:
      case StageKind::finish:
        if (open.size() != 1)
          problems.push_back({StructureProblem::Kind::last_in_frame, i, scope.frame});
        break;
      case StageKind::init:
      case StageKind::job:
        break;
    }
  }
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
