// `jsgen --dot FILE`: the pipelines as one Graphviz digraph, for people.
//
// Each pipeline is a cluster; each stage a node labelled with its kind, its
// name, what it takes and what it returns (and its store, its stage group and
// "not thread-safe" where they apply). Solid edges follow the flow of items
// down the pipeline; dashed edges show what a reduce, frame or frame_end
// returns re-entering its region or frame body. A frame is a nested cluster
// holding the frame, its body and its frame_end. Node names and the order of
// everything follow the stage indices, so the output is deterministic. A
// sweep is one node, named after the user's function, as the user wrote it:
// the frame and the stages it is lowered into (sweeps.hpp) are not drawn.
//
// Render with `dot -Tsvg pipeline.dot -o pipeline.svg`.
#include <ostream>
#include <string>
#include <string_view>

#include "emitters.hpp"

namespace jsgen {
namespace {

using model::kNoStage;
using model::Pipeline;
using model::ReturnForm;
using model::Stage;
using model::StageKind;

std::string nodeName(std::size_t pipeline, std::size_t stage) {
  return "p" + std::to_string(pipeline) + "_s" + std::to_string(stage);
}

std::string labelOf(const Stage& stage) {
  std::string label = std::string(model::kindName(stage.kind)) + " " + stage.name + "\n";
  if (!stage.input.spelled.empty()) label += stage.input.spelled + " -> ";
  label += stage.returnWritten;
  if (!stage.store.spelled.empty() && stage.kind != StageKind::emit)
    label += "\nstore " + stage.store.spelled;
  if (!stage.group.empty()) label += "\ngroup " + stage.group;
  if (stage.serial) label += "\nnot thread-safe";
  return label;
}

// A lowered sweep is drawn as its frame alone.
bool isSweepFrame(const Stage& stage) {
  return stage.sweep != kNoStage && stage.kind == StageKind::frame;
}
bool isHiddenSweepPart(const Stage& stage) {
  return stage.sweep != kNoStage && stage.kind != StageKind::frame;
}

class DotWriter {
 public:
  DotWriter(const Pipeline& pipeline, std::size_t index, std::ostream& out)
      : pipeline_(pipeline), index_(index), out_(out) {}

  void write() {
    const std::string name = pipeline_.name.empty() ? "(global namespace)" : pipeline_.name;
    out_ << "  subgraph cluster_p" << index_ << " {\n"
         << "    label=" << quoted("pipeline " + name) << ";\n"
         << "    style=solid;\n";
    writeScope(kNoStage, 2);
    out_ << "  }\n";
    writeEdges();
  }

 private:
  // The frame whose cluster holds the stage: frames and frame_ends sit in
  // their own cluster, everything else in the body that holds it.
  std::size_t clusterOf(std::size_t index) const {
    const Stage& stage = pipeline_.stages[index];
    return stage.kind == StageKind::frame && !isSweepFrame(stage) ? index : stage.structure.owner;
  }

  // The sweep whose frame is at `index`: the trials job follows it, then
  // its frame_end, its emit and maybe the table.
  std::string sweepLabel(std::size_t index) const {
    const Stage& frame = pipeline_.stages[index];
    const model::Sweep& sweep = pipeline_.sweeps[frame.sweep];
    const std::size_t after = index + 4;
    const bool table = after != pipeline_.stages.size() &&
                       pipeline_.stages[after].sweep == frame.sweep;
    std::string label = "sweep " + sweep.name + "\n" + sweep.params.spelled + " -> " +
                        sweep.outcome.spelled + "\nrows " +
                        pipeline_.stages[index + 3].item.spelled;
    if (table) label += "\nprinted as a table";
    if (!frame.group.empty()) label += "\ngroup " + frame.group;
    if (pipeline_.stages[index + 1].serial) label += "\nnot thread-safe";
    return label;
  }

  // The nodes of the cluster of `frame` (kNoStage: the pipeline's top level),
  // frames nested as clusters of their own, in stage order.
  void writeScope(std::size_t frame, std::size_t depth) {
    const std::string indent(2 * depth, ' ');
    for (std::size_t i = 0; i != pipeline_.stages.size(); ++i) {
      const Stage& stage = pipeline_.stages[i];
      if (isHiddenSweepPart(stage)) continue;
      if (isSweepFrame(stage) && clusterOf(i) == frame) {
        out_ << indent << nodeName(index_, i) << " [label=" << quoted(sweepLabel(i)) << "];\n";
        continue;
      }
      if (stage.kind == StageKind::frame && i != frame && stage.structure.frame == frame) {
        out_ << indent << "subgraph cluster_p" << index_ << "_f" << i << " {\n"
             << indent << "  label=" << quoted("frame " + stage.name) << ";\n"
             << indent << "  style=dashed;\n";
        writeScope(i, depth + 1);
        out_ << indent << "}\n";
        continue;
      }
      if (clusterOf(i) != frame) continue;
      out_ << indent << nodeName(index_, i) << " [label=" << quoted(labelOf(stage))
           << (stage.kind == StageKind::init ? ", shape=invhouse" : "") << "];\n";
    }
  }

  void edge(std::size_t from, std::size_t to, std::string_view attributes) {
    out_ << "  " << nodeName(index_, from) << " -> " << nodeName(index_, to);
    if (!attributes.empty()) out_ << " [" << attributes << "]";
    out_ << ";\n";
  }

  void writeEdges() {
    const std::vector<Stage>& stages = pipeline_.stages;
    const std::size_t entry = pipeline_.entry;
    for (std::size_t i = 0; i != stages.size(); ++i) {
      const Stage& stage = stages[i];
      if (stage.kind == StageKind::init) {
        if (entry != stages.size() && stage.returns != ReturnForm::none) edge(i, entry, "");
        continue;
      }
      if (isHiddenSweepPart(stage)) continue;
      if (isSweepFrame(stage)) {
        // Its rows go to the stage after its emit, unless that is its table.
        const std::size_t below = i + 4;
        if (below != stages.size() && stages[below].sweep != stage.sweep) edge(i, below, "");
        continue;
      }
      // A frame's returns enter its body: that edge is drawn as recursion.
      const bool flows = stage.kind != StageKind::frame && stage.kind != StageKind::result &&
                         stage.kind != StageKind::finish;
      if (flows && i + 1 != stages.size()) edge(i, i + 1, "");
      const bool recurs = stage.kind == StageKind::reduce || stage.kind == StageKind::frame ||
                          stage.kind == StageKind::frame_end;
      if (recurs && stage.returns != ReturnForm::none && stage.structure.recursTo != kNoStage)
        edge(i, stage.structure.recursTo, "style=dashed, label=\"recurs\"");
    }
  }

  const Pipeline& pipeline_;
  std::size_t index_;
  std::ostream& out_;
};

}  // namespace

void emitDot(const model::Program& program, std::ostream& out) {
  out << "// generated by jsgen; do not edit\n"
      << "digraph jobstream {\n"
      << "  graph [fontname=\"Helvetica\", fontsize=11];\n"
      << "  node [shape=box, style=rounded, fontname=\"Helvetica\", fontsize=10];\n"
      << "  edge [fontname=\"Helvetica\", fontsize=9];\n";
  for (std::size_t i = 0; i != program.pipelines.size(); ++i) {
    if (program.pipelines[i].stages.empty()) continue;
    DotWriter(program.pipelines[i], i, out).write();
  }
  out << "}\n";
}

}  // namespace jsgen
