// One pipeline as generated code: stage functions, the StageDef table, the
// PipelineDef and a static object that registers it with the runtime.
//
// Consecutive jobs returning T or std::optional<T> are fused into one loop
// (a "segment"): an item goes through them without being queued. A segment
// ends after a job returning Multiple<T> (fan-out must become batches other
// threads and ranks can take), before a stage that is not a job, and after
// kMaxFused stages. A not-thread-safe job is a segment of its own: the
// runtime holds its lock for the whole segment function. Every stage still
// gets a function of its own, which runs from that stage to the end of its
// segment, so the runtime may start items at any stage.
//
// reduce, frame and frame_end get a function for each of their StageDef
// entry points (newStore, reduce, merge, enter, frameEnd, leave). An emit has
// none: the leave of the reduce or frame_end above it calls it.
#include <cstdint>
#include <cstdio>
#include <ostream>
#include <sstream>

#include "emitters.hpp"

namespace jsgen {
namespace {

using model::kNoStage;
using model::Passing;
using model::ReturnForm;
using model::Stage;
using model::StageKind;

constexpr std::size_t kMaxFused = 8;
constexpr const char* kDetail = "::jobstream::detail::";

// What leaves `stage` for the stage below it; empty when nothing does (a
// frame's returns go into its body, not below it).
model::Type leavingType(const Stage& stage) {
  switch (stage.kind) {
    case StageKind::reduce:
    case StageKind::frame_end:
      return stage.leaves;
    case StageKind::frame:
    case StageKind::result:
    case StageKind::finish:
      return {};
    case StageKind::init:
    case StageKind::job:
    case StageKind::emit:
    case StageKind::sweep:  // lowered before code is made (sweeps.hpp)
      break;
  }
  return stage.returns == ReturnForm::none ? model::Type{} : stage.item;
}

// The pipeline's stages as the runtime sees them: the user's, then a default
// printer when the pipeline does not end with result or finish.
struct Layout {
  std::vector<Stage> stages;
  bool printer = false;
  std::size_t entry = 0;                // Pipeline::entry
  std::vector<std::size_t> segmentEnd;  // per stage: last stage fused with it
};

Layout layOut(const model::Pipeline& pipeline) {
  Layout layout;
  layout.stages = pipeline.stages;
  // The default printer takes what leaves the pipeline: what leaves the last
  // stage, or in a pipeline of init stages only, what they make.
  model::Type leaving;
  for (const Stage& stage : layout.stages) {
    if (stage.kind != StageKind::init || stage.returns != ReturnForm::none)
      leaving = leavingType(stage);
  }
  if (!leaving.qualified.empty()) {
    Stage print;
    print.kind = StageKind::result;  // StageKind::print in the table; see kindOf()
    print.name = "jobstream::print";
    print.input = leaving;
    print.structure.region = pipeline.exitRegion;
    layout.stages.push_back(print);
    layout.printer = true;
  }
  // With init stages only, the entry is where the printer now is.
  layout.entry = pipeline.entry;
  const std::size_t count = layout.stages.size();
  layout.segmentEnd.assign(count, 0);
  for (std::size_t start = 0; start != count;) {
    std::size_t end = start;
    const auto fusesWithNext = [&](std::size_t at) {
      const Stage& stage = layout.stages[at];
      return stage.kind == StageKind::job && at + 1 != count &&
             layout.stages[at + 1].kind == StageKind::job && !stage.serial &&
             !layout.stages[at + 1].serial &&
             (stage.returns == ReturnForm::value || stage.returns == ReturnForm::optional) &&
             at + 1 - start < kMaxFused;
    };
    while (fusesWithNext(end)) ++end;
    for (std::size_t at = start; at <= end; ++at) layout.segmentEnd[at] = end;
    start = end + 1;
  }
  return layout;
}

bool isPrinter(const Layout& layout, std::size_t index) {
  return layout.printer && index + 1 == layout.stages.size();
}

const char* kindOf(const Layout& layout, std::size_t index) {
  return isPrinter(layout, index) ? "print" : model::kindName(layout.stages[index].kind);
}

// The emit right below a reduce or frame_end, or null.
const Stage* emitBelow(const Layout& layout, std::size_t index) {
  const std::size_t next = index + 1;
  if (next == layout.stages.size() || layout.stages[next].kind != StageKind::emit) return nullptr;
  return &layout.stages[next];
}

std::string stageIndex(std::size_t index) {
  return index == kNoStage ? std::string(kDetail) + "kNoStage" : std::to_string(index);
}

// How to pass the item denoted by the lvalue `from` to `param`.
std::string argument(const std::string& from, Passing passing) {
  return passing == Passing::const_ref ? from : "std::move(" + from + ")";
}

// How to pass the lvalue `from` of type `item` without giving it up: a
// parameter taken by && gets a copy.
std::string keptArgument(const std::string& from, const model::Parameter& param) {
  if (param.passing != Passing::rvalue_ref) return from;
  return "static_cast<" + param.item.qualified + ">(" + from + ")";
}

// The call of a user function on the item `from` (a tuple fanned out for
// several parameters).
std::string call(const Stage& stage, const std::string& from) {
  std::string text = stage.callee + "(";
  if (stage.parameters.size() == 1) {
    text += argument(from, stage.parameters.front().passing);
  } else {
    for (std::size_t i = 0; i != stage.parameters.size(); ++i) {
      const bool keep = stage.parameters[i].passing == Passing::const_ref;
      text += (i ? ", " : "") + std::string("std::get<") + std::to_string(i) + ">(" +
              (keep ? from : "std::move(" + from + ")") + ")";
    }
  }
  return text + ")";
}

std::string indent(std::size_t depth) { return std::string(2 * depth, ' '); }

std::string batchOf(const model::Type& type) {
  return std::string(kDetail) + "Batch<" + type.qualified + ">";
}

// `Output<T> out(emitter, to);` for what `stage` returns, when it returns something.
void declareOutput(const Stage& stage, std::size_t to, std::ostream& out) {
  if (stage.returns == ReturnForm::none) return;
  out << "  " << kDetail << "Output<" << stage.item.qualified << "> out(emitter, " << to
      << ");\n";
}

// `out.close();`, the end of a function that declared an Output: what is
// left is delivered there, never in the destructor (stage.hpp says why).
void closeOutput(const Stage& stage, const char* indentation, std::ostream& out) {
  if (stage.returns != ReturnForm::none) out << indentation << "out.close();\n";
}

// `call;` or `out.push(call);`, as `stage` returns nothing or something.
std::string deliver(const Stage& stage, const std::string& call) {
  return stage.returns == ReturnForm::none ? call + ";" : "out.push(" + call + ");";
}

void emitInit(const Layout& layout, std::size_t index, std::ostream& out) {
  const Stage& stage = layout.stages[index];
  out << "\nvoid init_" << index << '(' << kDetail << "Emitter& emitter) {\n"
      << "  emitter.current = " << index << ";\n";
  if (stage.returns == ReturnForm::none) {
    out << "  " << stage.callee << "();\n}\n";
    return;
  }
  out << "  " << kDetail << "Output<" << stage.item.qualified << "> out(emitter, " << layout.entry
      << ");\n"
      << "  out.push(" << stage.callee << "());\n"
      << "  out.close();\n}\n";
}

void emitProcess(const Layout& layout, std::size_t index, std::ostream& out) {
  const std::size_t end = layout.segmentEnd[index];
  const Stage& last = layout.stages[end];
  out << "\nvoid process_" << index << '(' << kDetail << "BatchBase& batch, std::size_t begin, "
      << "std::size_t end, " << kDetail << "Emitter& emitter) {\n"
      << "  auto& items = static_cast<" << batchOf(layout.stages[index].input)
      << "&>(batch).items;\n";
  declareOutput(last, end + 1, out);
  out << "  for (std::size_t i = begin; i != end; ++i) {\n";
  std::string from = "items[i]";
  std::size_t depth = 2;
  for (std::size_t at = index; at <= end; ++at) {
    const Stage& stage = layout.stages[at];
    out << indent(depth) << "emitter.current = " << at << ";\n";
    if (at == end) {
      out << indent(depth) << deliver(stage, call(stage, from)) << '\n';
      break;
    }
    const std::string result = "r" + std::to_string(at);
    out << indent(depth) << "auto " << result << " = " << call(stage, from) << ";\n";
    if (stage.returns == ReturnForm::optional) {
      out << indent(depth) << "if (" << result << ") {\n";
      ++depth;
      from = "*" + result;
    } else {
      from = result;
    }
  }
  for (; depth > 2; --depth) out << indent(depth - 1) << "}\n";
  out << "  }\n";
  closeOutput(last, "  ", out);
  out << "}\n";
}

void emitFinish(const Layout& layout, std::size_t index, std::ostream& out) {
  const Stage& stage = layout.stages[index];
  out << "\nvoid finish_" << index << '(' << kDetail << "BatchBase& batch) {\n"
      << "  auto& items = static_cast<" << batchOf(stage.input) << "&>(batch).items;\n"
      // The user's function takes a std::vector; batches use another allocator.
      << "  ::std::vector<" << stage.input.qualified
      << "> all(std::make_move_iterator(items.begin()), std::make_move_iterator(items.end()));\n"
      << "  " << stage.callee << '(' << argument("all", stage.parameters.front().passing)
      << ");\n}\n";
}

// reduce, frame: a batch holding one value-initialised store.
void emitNewStore(const Stage& stage, std::size_t index, std::ostream& out) {
  out << "\nstd::unique_ptr<" << kDetail << "BatchBase> newStore_" << index << "() {\n"
      << "  auto store = std::make_unique<" << batchOf(stage.store) << ">();\n"
      << "  store->items.emplace_back();\n"
      << "  return store;\n}\n";
}

// `auto& store = ...;`: the one store in the batch `from`.
void bindStore(const Stage& stage, const char* from, std::ostream& out) {
  out << "  auto& store = static_cast<" << batchOf(stage.store) << "&>(" << from
      << ").items[0];\n";
}

std::string constSpan(const model::Type& type) {
  return "std::span<const " + type.qualified + ">";
}

void emitReduce(const Layout& layout, std::size_t index, std::ostream& out) {
  const Stage& stage = layout.stages[index];
  const std::string callInputs = stage.callee + "(store, " + constSpan(stage.input) +
                                 "(items.data() + begin, end - begin), " +
                                 constSpan(stage.store) + "())";
  out << "\nvoid reduce_" << index << '(' << kDetail << "BatchBase& storeBatch, " << kDetail
      << "BatchBase& batch, std::size_t begin, std::size_t end, " << kDetail
      << "Emitter& emitter) {\n";
  bindStore(stage, "storeBatch", out);
  out << "  auto& items = static_cast<" << batchOf(stage.input) << "&>(batch).items;\n";
  declareOutput(stage, stage.structure.recursTo, out);
  out << "  emitter.current = " << index << ";\n"
      << "  " << deliver(stage, callInputs) << "\n";
  closeOutput(stage, "  ", out);
  out << "}\n";

  // The first store takes in the others.
  const std::string callOthers = stage.callee + "(stores[0], " + constSpan(stage.input) + "(), " +
                                 constSpan(stage.store) + "(stores.data() + 1, stores.size() - 1))";
  out << "\nvoid merge_" << index << '(' << kDetail << "BatchBase& storesBatch, " << kDetail
      << "Emitter& emitter) {\n"
      << "  auto& stores = static_cast<" << batchOf(stage.store) << "&>(storesBatch).items;\n";
  declareOutput(stage, stage.structure.recursTo, out);
  out << "  emitter.current = " << index << ";\n"
      << "  " << deliver(stage, callOthers) << "\n";
  closeOutput(stage, "  ", out);
  out << "}\n";
}

void emitEnter(const Layout& layout, std::size_t index, std::ostream& out) {
  const Stage& stage = layout.stages[index];
  const std::string result = "r" + std::to_string(index);
  // The runtime keeps the first item for the instance's later calls.
  const std::string first = keptArgument("first", stage.parameters[1]);
  out << "\nbool enter_" << index << '(' << kDetail << "BatchBase& storeBatch, " << kDetail
      << "BatchBase& firstBatch, " << kDetail << "Emitter& emitter) {\n";
  bindStore(stage, "storeBatch", out);
  out << "  const auto& first = static_cast<" << batchOf(stage.input)
      << "&>(firstBatch).items[0];\n"
      << "  emitter.current = " << index << ";\n"
      << "  auto " << result << " = " << stage.callee << "(store, " << first << ");\n"
      // The front end lets a frame return only std::optional or Multiple.
      << "  if (" << (stage.returns == ReturnForm::optional ? "!" + result : result + ".empty()")
      << ") return false;\n";
  declareOutput(stage, stage.structure.recursTo, out);
  out << "  out.push(std::move(" << result << "));\n"
      << "  out.close();\n"
      << "  return true;\n}\n";
}

void emitFrameEnd(const Layout& layout, std::size_t index, std::ostream& out) {
  const Stage& stage = layout.stages[index];
  out << "\nvoid frameEnd_" << index << '(' << kDetail << "BatchBase& storeBatch, " << kDetail
      << "BatchBase& batch, std::size_t begin, std::size_t end, " << kDetail
      << "Emitter& emitter) {\n";
  bindStore(stage, "storeBatch", out);
  out << "  auto& items = static_cast<" << batchOf(stage.input) << "&>(batch).items;\n";
  declareOutput(stage, stage.structure.recursTo, out);
  const std::string next = argument("items[i]", stage.parameters[1].passing);
  out << "  emitter.current = " << index << ";\n"
      << "  for (std::size_t i = begin; i != end; ++i) {\n"
      << "    " << deliver(stage, stage.callee + "(store, " + next + ")") << "\n"
      << "  }\n";
  closeOutput(stage, "  ", out);
  out << "}\n";
}

// reduce, frame_end: the store, or what the emit below makes of it, goes to
// the stage after them (there is one: the default printer if nothing else).
void emitLeave(const Layout& layout, std::size_t index, std::ostream& out) {
  const Stage& stage = layout.stages[index];
  const Stage* emit = emitBelow(layout, index);
  const std::size_t to = index + (emit ? 2 : 1);
  out << "\nvoid leave_" << index << '(' << kDetail << "BatchBase& storeBatch, " << kDetail
      << "Emitter& emitter) {\n";
  bindStore(stage, "storeBatch", out);
  out << "  " << kDetail << "Output<" << stage.leaves.qualified << "> out(emitter, " << to
      << ");\n";
  if (emit) {
    out << "  emitter.current = " << index + 1 << ";\n"
        << "  out.push(" << call(*emit, "store") << ");\n";
  } else {
    out << "  out.push(std::move(store));\n";
  }
  out << "  out.close();\n}\n";
}

void emitStageFunctions(const Layout& layout, std::size_t index, std::ostream& out) {
  const Stage& stage = layout.stages[index];
  switch (stage.kind) {
    case StageKind::init:
      emitInit(layout, index, out);
      break;
    case StageKind::finish:
      emitFinish(layout, index, out);
      break;
    case StageKind::job:
    case StageKind::result:
      emitProcess(layout, index, out);
      break;
    case StageKind::reduce:
      emitNewStore(stage, index, out);
      emitReduce(layout, index, out);
      emitLeave(layout, index, out);
      break;
    case StageKind::frame:
      emitNewStore(stage, index, out);
      emitEnter(layout, index, out);
      break;
    case StageKind::frame_end:
      emitFrameEnd(layout, index, out);
      emitLeave(layout, index, out);
      break;
    case StageKind::emit:
    case StageKind::sweep:  // lowered before code is made (sweeps.hpp)
      break;
  }
}

void emitStageRow(const Layout& layout, std::size_t index, std::ostream& out) {
  const Stage& stage = layout.stages[index];
  const std::string at = std::to_string(index);
  out << "    {.kind = " << kDetail << "StageKind::" << kindOf(layout, index)
      << ", .name = " << quoted(stage.name);
  if (stage.kind == StageKind::init) {
    out << ", .input = nullptr, .inputName = \"\"";
  } else {
    out << ", .input = &" << kDetail << "itemTypeOf<" << stage.input.qualified
        << ">, .inputName = " << quoted(stage.input.spelled);
  }
  out << ", .serial = " << (stage.serial ? "true" : "false");
  if (isPrinter(layout, index)) {
    out << ", .process = &" << kDetail << "printItems<" << stage.input.qualified << ">";
  } else {
    switch (stage.kind) {
      case StageKind::init:
        out << ", .init = &init_" << at;
        break;
      case StageKind::job:
      case StageKind::result:
        out << ", .process = &process_" << at;
        break;
      case StageKind::finish:
        out << ", .finish = &finish_" << at;
        break;
      case StageKind::reduce:
      case StageKind::frame:
      case StageKind::frame_end:
      case StageKind::emit:
      case StageKind::sweep:
        break;
    }
  }
  out << ", .owner = " << stageIndex(stage.structure.owner)
      << ", .region = " << stage.structure.region
      << ", .partner = " << stageIndex(stage.structure.partner);
  switch (stage.kind) {
    case StageKind::reduce:
      out << ", .store = &" << kDetail << "itemTypeOf<" << stage.store.qualified << ">"
          << ", .newStore = &newStore_" << at << ", .reduce = &reduce_" << at
          << ", .merge = &merge_" << at << ", .leave = &leave_" << at;
      break;
    case StageKind::frame:
      out << ", .store = &" << kDetail << "itemTypeOf<" << stage.store.qualified << ">"
          << ", .newStore = &newStore_" << at << ", .enter = &enter_" << at;
      break;
    case StageKind::frame_end:
      out << ", .store = &" << kDetail << "itemTypeOf<" << stage.store.qualified << ">"
          << ", .frameEnd = &frameEnd_" << at << ", .leave = &leave_" << at;
      break;
    default:
      break;
  }
  // A lowered sweep's frame takes combinations; its finish prints the table.
  if (stage.sweep != kNoStage && stage.kind == StageKind::frame) out << ", .sweep = true";
  if (stage.sweep != kNoStage && stage.kind == StageKind::finish) out << ", .sweepTable = true";
  out << "},\n";
}

// FNV-1a, 64 bits: stable across runs, compilers and machines. It covers the
// stages (kinds, names, item and store types) and the shape of every user
// type that travels (bases, members' names and types): a checkpoint holds
// their bytes, so a changed member is another pipeline. Types that bring
// their own serialisation are covered by name only: their format is theirs.
std::string fingerprint(const Layout& layout, const std::vector<model::SerialisedType>& types) {
  std::ostringstream text;
  for (std::size_t i = 0; i != layout.stages.size(); ++i) {
    const Stage& stage = layout.stages[i];
    text << kindOf(layout, i) << ' ' << stage.name << ' ' << stage.input.qualified << ' '
         << model::returnFormName(stage.returns) << ' ' << stage.item.qualified;
    // A checkpoint holds stores: a changed store type is another pipeline.
    if (!stage.store.qualified.empty()) text << " store " << stage.store.qualified;
    text << '\n';
  }
  for (const model::SerialisedType& type : types) {
    text << "type " << type.name << (type.hasOwnSerialisation ? " own" : "") << '\n';
    for (const auto& base : type.bases) text << " base " << base.name << '\n';
    for (const auto& field : type.fields) text << " field " << field.name << ' ' << field.type << '\n';
  }
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (unsigned char c : text.str()) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(hash));
  return hex;
}

std::string namespaceFor(const model::Pipeline& pipeline, std::size_t index) {
  std::string name = "jsgen_" + std::to_string(index) + "_";
  if (pipeline.name.empty()) return name + "global";
  for (char c : pipeline.name) name += c == ':' ? '_' : c;
  return name;
}

}  // namespace

void emitPipeline(const model::Pipeline& pipeline, std::size_t index,
                  const std::vector<model::SerialisedType>& types, std::ostream& out) {
  if (pipeline.stages.empty()) return;
  const Layout layout = layOut(pipeline);
  const std::string ns = namespaceFor(pipeline, index);
  out << "\n// Pipeline " << (pipeline.name.empty() ? "(global namespace)" : pipeline.name)
      << ".\nnamespace {\nnamespace " << ns << " {\n";
  for (const model::Sweep& sweep : pipeline.sweeps) emitSweepDescription(sweep, out);
  for (std::size_t i = 0; i != layout.stages.size(); ++i) {
    if (!isPrinter(layout, i)) emitStageFunctions(layout, i, out);
  }
  out << "\nconstexpr " << kDetail << "StageDef kStages[] = {\n";
  for (std::size_t i = 0; i != layout.stages.size(); ++i) emitStageRow(layout, i, out);
  const std::string& entryType = layout.stages[layout.entry].input.qualified;
  out << "};\n\n"
      << "constexpr " << kDetail << "PipelineDef kPipeline{\n"
      << "    .name = " << quoted(pipeline.name) << ",\n"
      << "    .fingerprint = \"" << fingerprint(layout, types) << "\",\n"
      << "    .stages = kStages,\n"
      << "    .entry = " << layout.entry << ",\n"
      << "    .parseItem = " << kDetail << "parserFor<" << entryType << ">(),\n"
      << "};\n\n"
      << "struct Registration {\n"
      << "  Registration() { " << kDetail << "registerPipeline(kPipeline); }\n"
      << "};\n"
      << "const Registration registration;\n\n"
      << "}  // namespace " << ns << "\n}  // namespace\n";
}

}  // namespace jsgen
