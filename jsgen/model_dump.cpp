// The text form of the model (`jsgen --dump-model`), one fact per line so that
// lit tests can CHECK single facts. Indentation shows ownership:
//
//   source /abs/path/app.cpp
//   main no
//   pipeline wordlen in /abs/path/app.cpp
//     stage 0 init wordlen::words at /abs/path/app.cpp:7:35
//       returns multiple 'jobstream::Multiple<std::string>' item std::string [::std::string]
//     stage 1 job wordlen::length at /abs/path/app.cpp:12:5
//       param word const_ref 'const std::string &' item std::string [::std::string]
//       input std::string [::std::string]
//       returns value 'int' item int [int]
//     stage 2 reduce wordlen::average at /abs/path/app.cpp:20:6
//       ...
//       store Mean [::wordlen::Mean]
//       scope top region 1
//       recurs to 1
//       leaves double [double]
//     stage 3 job jobs_text::count at /abs/path/text.hpp:9:5
//       ...
//       group jobs_text          (spliced from that stage group)
//       not_thread_safe          ([[jobstream::not_thread_safe]])
//       sweep 0                  (Pipeline::sweeps: the sweep, or a part of it once lowered)
//     sweep 0 noise::trial as sweep_1   (its description struct, once lowered)
//       params Params [::noise::Params] columns a n
//       outcome double [double] whole value   (P or O that is one column)
//   map primes::count at /abs/path/app.cpp:40:29   (a jobstream::map call's job)
//     input Range [::primes::Range]
//     result Count [::primes::Count]
//   type ::wordlen::Mean generate
//     scope wordlen
//     field sum
//
// Types print as the user spelled them, then [fully qualified]. The global
// namespace's pipeline is named "(global)"; an anonymous namespace in a type's
// scope is "(anonymous)". A type line ends in "generate" (jsgen writes its
// serialize) or "own" (it has its own; "own not-as-bytes" when the runtime must
// also stop sending it as raw bytes). Private and protected bases and members
// end in "inaccessible"; a private nested class has an "unnameable" line.
//
// Structure lines (model::Structure) use stage indices: "scope top" or
// "scope frame F" (the frame whose body holds the stage), "region R" (the
// first stage of its region), "pairs with P" (a frame's frame_end and back),
// "recurs to S" (where what it returns re-enters). A pipeline without frames
// and reduces is one region at the top level; its stages print no scope line.
#include <ostream>

#include "attribute_spellings.hpp"
#include "model.hpp"

namespace jsgen::model {

const char* kindName(StageKind kind) {
  const auto index = static_cast<std::size_t>(kind);
  return index < kStageKindCount ? kAttributeNames[index].data() : "?";
}

const char* passingName(Passing passing) {
  switch (passing) {
    case Passing::value:
      return "value";
    case Passing::const_ref:
      return "const_ref";
    case Passing::rvalue_ref:
      return "rvalue_ref";
    case Passing::lvalue_ref:
      return "lvalue_ref";
  }
  return "?";
}

const char* returnFormName(ReturnForm form) {
  switch (form) {
    case ReturnForm::none:
      return "void";
    case ReturnForm::value:
      return "value";
    case ReturnForm::optional:
      return "optional";
    case ReturnForm::multiple:
      return "multiple";
    case ReturnForm::lazy:
      return "lazy";
  }
  return "?";
}

namespace {

void dumpType(const Type& type, std::ostream& out) {
  out << type.spelled << " [" << type.qualified << "]";
}

void dumpStage(std::size_t index, const Stage& stage, bool linear, std::ostream& out) {
  out << "  stage " << index << ' ' << kindName(stage.kind) << ' ' << stage.name << " at "
      << stage.location.file << ':' << stage.location.line << ':' << stage.location.column << '\n';
  for (const Parameter& param : stage.parameters) {
    out << "    param " << (param.name.empty() ? "(unnamed)" : param.name) << ' '
        << passingName(param.passing) << " '" << param.written << "' item ";
    dumpType(param.item, out);
    out << '\n';
  }
  if (!stage.input.spelled.empty()) {
    out << "    input ";
    dumpType(stage.input, out);
    out << '\n';
  }
  out << "    returns " << returnFormName(stage.returns) << " '" << stage.returnWritten << "'";
  if (stage.returns != ReturnForm::none) {
    out << " item ";
    dumpType(stage.item, out);
  }
  out << '\n';
  if (!stage.store.spelled.empty()) {
    out << "    store ";
    dumpType(stage.store, out);
    out << '\n';
  }
  const Structure& structure = stage.structure;
  if (structure.regionStart != kNoStage && !linear) {
    out << "    scope ";
    if (structure.frame == kNoStage)
      out << "top";
    else
      out << "frame " << structure.frame;
    out << " region " << structure.regionStart << '\n';
  }
  if (structure.partner != kNoStage) out << "    pairs with " << structure.partner << '\n';
  if (structure.recursTo != kNoStage) out << "    recurs to " << structure.recursTo << '\n';
  if (!stage.leaves.spelled.empty()) {
    out << "    leaves ";
    dumpType(stage.leaves, out);
    out << '\n';
  }
  if (!stage.group.empty()) out << "    group " << stage.group << '\n';
  if (stage.serial) out << "    not_thread_safe\n";
  if (stage.sweep != kNoStage) out << "    sweep " << stage.sweep << '\n';
}

void dumpColumns(const char* what, const Type& type, const std::vector<std::string>& members,
                 const char* whole, std::ostream& out) {
  out << "    " << what << ' ';
  dumpType(type, out);
  if (members.empty()) {
    out << " whole " << whole << '\n';
    return;
  }
  out << " columns";
  for (const std::string& member : members) out << ' ' << member;
  out << '\n';
}

void dumpSweep(std::size_t index, const Sweep& sweep, std::ostream& out) {
  out << "  sweep " << index << ' ' << sweep.name;
  if (!sweep.description.empty()) out << " as " << sweep.description;
  out << '\n';
  dumpColumns("params", sweep.params, sweep.paramMembers, "param", out);
  dumpColumns("outcome", sweep.outcome, sweep.outcomeMembers, "value", out);
}

}  // namespace

void dump(const Program& program, std::ostream& out) {
  for (const std::string& source : program.sources) out << "source " << source << '\n';
  out << "main " << (program.hasMain ? "yes" : "no") << '\n';
  for (const Pipeline& pipeline : program.pipelines) {
    out << "pipeline " << (pipeline.name.empty() ? "(global)" : pipeline.name) << " in "
        << pipeline.source << '\n';
    bool linear = true;
    for (const Stage& stage : pipeline.stages)
      linear &= stage.kind != StageKind::frame && stage.kind != StageKind::reduce;
    for (std::size_t i = 0; i != pipeline.stages.size(); ++i)
      dumpStage(i, pipeline.stages[i], linear, out);
    for (std::size_t i = 0; i != pipeline.sweeps.size(); ++i) dumpSweep(i, pipeline.sweeps[i], out);
  }
  for (const MappedJob& map : program.maps) {
    out << "map " << map.name << " at " << map.location.file << ':' << map.location.line << ':'
        << map.location.column << "\n  input ";
    dumpType(map.input, out);
    out << "\n  result ";
    dumpType(map.result, out);
    out << '\n';
  }
  for (const SerialisedType& type : program.types) {
    out << "type " << type.name;
    if (type.hasOwnSerialisation) {
      out << " own" << (type.needsNotAsBytes ? " not-as-bytes" : "") << '\n';
      continue;
    }
    out << " generate\n";
    if (!type.scope.empty()) {
      out << "  scope ";
      for (std::size_t i = 0; i != type.scope.size(); ++i) {
        out << (i ? "::" : "") << (type.scope[i].name.empty() ? "(anonymous)" : type.scope[i].name);
      }
      out << '\n';
    }
    if (!type.nameable) out << "  unnameable\n";
    for (const auto& base : type.bases)
      out << "  base " << base.name << (base.accessible ? "" : " inaccessible") << '\n';
    for (const auto& field : type.fields)
      out << "  field " << field.name << (field.accessible ? "" : " inaccessible") << '\n';
  }
}

}  // namespace jsgen::model
