// One pipeline as generated code: stage functions, the StageDef table, the
// PipelineDef and a static object that registers it with the runtime.
//
// Consecutive jobs returning T or std::optional<T> are fused into one loop
// (a "segment"): an item goes through them without being queued. A segment
// ends after a job returning Multiple<T> (fan-out must become batches other
// threads and ranks can take), before a stage that is not a job, and after
// kMaxFused stages. Every stage still gets a function of its own, which runs
// from that stage to the end of its segment, so the runtime may start items
// at any stage.
#include <cstdint>
#include <cstdio>
#include <ostream>
#include <sstream>

#include "emitters.hpp"

namespace jsgen {
namespace {

using model::Passing;
using model::ReturnForm;
using model::Stage;
using model::StageKind;

constexpr std::size_t kMaxFused = 8;
constexpr const char* kDetail = "::jobstream::detail::";

// The pipeline's stages as the runtime sees them: the user's, then a default
// printer when the pipeline does not end with result or finish.
struct Layout {
  std::vector<Stage> stages;
  bool printer = false;
  std::size_t entry = 0;                // first stage that is not init
  std::vector<std::size_t> segmentEnd;  // per stage: last stage fused with it
};

Layout layOut(const model::Pipeline& pipeline) {
  Layout layout;
  layout.stages = pipeline.stages;
  // The default printer takes what leaves the pipeline: the last stage's
  // items, or in a pipeline of init stages only, what they make.
  const Stage* lastProducer = nullptr;
  for (const Stage& stage : layout.stages) {
    if (stage.kind != StageKind::init || stage.returns != ReturnForm::none) lastProducer = &stage;
  }
  const Stage& last = layout.stages.back();
  if (last.kind != StageKind::result && last.kind != StageKind::finish && lastProducer &&
      lastProducer->returns != ReturnForm::none) {
    Stage print;
    print.kind = StageKind::result;  // StageKind::print in the table; see kindOf()
    print.name = "jobstream::print";
    print.input = lastProducer->item;
    layout.stages.push_back(print);
    layout.printer = true;
  }
  while (layout.entry != layout.stages.size() &&
         layout.stages[layout.entry].kind == StageKind::init) {
    ++layout.entry;
  }
  const std::size_t count = layout.stages.size();
  layout.segmentEnd.assign(count, 0);
  for (std::size_t start = 0; start != count;) {
    std::size_t end = start;
    const auto fusesWithNext = [&](std::size_t at) {
      const Stage& stage = layout.stages[at];
      return stage.kind == StageKind::job && at + 1 != count &&
             layout.stages[at + 1].kind == StageKind::job &&
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

// How to pass the item denoted by the lvalue `from` to `param`.
std::string argument(const std::string& from, Passing passing) {
  return passing == Passing::const_ref ? from : "std::move(" + from + ")";
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
      << "  out.push(" << stage.callee << "());\n}\n";
}

void emitProcess(const Layout& layout, std::size_t index, std::ostream& out) {
  const std::size_t end = layout.segmentEnd[index];
  const Stage& last = layout.stages[end];
  out << "\nvoid process_" << index << '(' << kDetail << "BatchBase& batch, std::size_t begin, "
      << "std::size_t end, " << kDetail << "Emitter& emitter) {\n"
      << "  auto& items = static_cast<" << kDetail << "Batch<"
      << layout.stages[index].input.qualified << ">&>(batch).items;\n";
  if (last.returns != ReturnForm::none) {
    out << "  " << kDetail << "Output<" << last.item.qualified << "> out(emitter, " << end + 1
        << ");\n";
  }
  out << "  for (std::size_t i = begin; i != end; ++i) {\n";
  std::string from = "items[i]";
  std::size_t depth = 2;
  for (std::size_t at = index; at <= end; ++at) {
    const Stage& stage = layout.stages[at];
    out << indent(depth) << "emitter.current = " << at << ";\n";
    if (at == end) {
      if (stage.returns == ReturnForm::none) {
        out << indent(depth) << call(stage, from) << ";\n";
      } else {
        out << indent(depth) << "out.push(" << call(stage, from) << ");\n";
      }
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
  out << "  }\n}\n";
}

void emitFinish(const Layout& layout, std::size_t index, std::ostream& out) {
  const Stage& stage = layout.stages[index];
  out << "\nvoid finish_" << index << '(' << kDetail << "BatchBase& batch) {\n"
      << "  auto& items = static_cast<" << kDetail << "Batch<" << stage.input.qualified
      << ">&>(batch).items;\n"
      // The user's function takes a std::vector; batches use another allocator.
      << "  ::std::vector<" << stage.input.qualified
      << "> all(std::make_move_iterator(items.begin()), std::make_move_iterator(items.end()));\n"
      << "  " << stage.callee << '(' << argument("all", stage.parameters.front().passing)
      << ");\n}\n";
}

void emitStageRow(const Layout& layout, std::size_t index, std::ostream& out) {
  const Stage& stage = layout.stages[index];
  const bool init = stage.kind == StageKind::init;
  out << "    {" << kDetail << "StageKind::" << kindOf(layout, index) << ", " << quoted(stage.name)
      << ", ";
  if (init) {
    out << "nullptr, \"\", ";
  } else {
    out << '&' << kDetail << "itemTypeOf<" << stage.input.qualified << ">, "
        << quoted(stage.input.spelled) << ", ";
  }
  out << "false, ";
  if (init) {
    out << "&init_" << index << ", nullptr, nullptr";
  } else if (isPrinter(layout, index)) {
    out << "nullptr, &" << kDetail << "printItems<" << stage.input.qualified << ">, nullptr";
  } else if (stage.kind == StageKind::finish) {
    out << "nullptr, nullptr, &finish_" << index;
  } else {
    out << "nullptr, &process_" << index << ", nullptr";
  }
  out << "},\n";
}

// FNV-1a, 64 bits: stable across runs, compilers and machines.
std::string fingerprint(const Layout& layout) {
  std::ostringstream text;
  for (std::size_t i = 0; i != layout.stages.size(); ++i) {
    const Stage& stage = layout.stages[i];
    text << kindOf(layout, i) << ' ' << stage.name << ' ' << stage.input.qualified << ' '
         << model::returnFormName(stage.returns) << ' ' << stage.item.qualified << '\n';
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

void emitPipeline(const model::Pipeline& pipeline, std::size_t index, std::ostream& out) {
  if (pipeline.stages.empty()) return;
  const Layout layout = layOut(pipeline);
  const std::string ns = namespaceFor(pipeline, index);
  out << "\n// Pipeline " << (pipeline.name.empty() ? "(global namespace)" : pipeline.name)
      << ".\nnamespace {\nnamespace " << ns << " {\n";
  for (std::size_t i = 0; i != layout.stages.size(); ++i) {
    const Stage& stage = layout.stages[i];
    if (isPrinter(layout, i)) continue;
    if (stage.kind == StageKind::init)
      emitInit(layout, i, out);
    else if (stage.kind == StageKind::finish)
      emitFinish(layout, i, out);
    else
      emitProcess(layout, i, out);
  }
  out << "\n// kind, name, input, inputName, serial, init, process, finish\n"
      << "constexpr " << kDetail << "StageDef kStages[] = {\n";
  for (std::size_t i = 0; i != layout.stages.size(); ++i) emitStageRow(layout, i, out);
  const std::string& entryType = layout.stages[layout.entry].input.qualified;
  out << "};\n\n"
      << "constexpr " << kDetail << "PipelineDef kPipeline{\n"
      << "    .name = " << quoted(pipeline.name) << ",\n"
      << "    .fingerprint = \"" << fingerprint(layout) << "\",\n"
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
