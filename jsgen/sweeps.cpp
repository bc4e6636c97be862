#include "sweeps.hpp"

#include <string>

namespace jsgen {
namespace {

using model::Passing;
using model::ReturnForm;
using model::Stage;
using model::StageKind;
using model::Type;

Type detailTemplate(const std::string& name, const Type& argument) {
  return {"jobstream::detail::" + name + "<" + argument.spelled + ">",
          "::jobstream::detail::" + name + "<" + argument.qualified + ">"};
}

model::Parameter parameter(const std::string& name, const Type& type, Passing passing) {
  const std::string written = passing == Passing::const_ref    ? "const " + type.spelled + " &"
                              : passing == Passing::lvalue_ref ? type.spelled + " &"
                                                               : type.spelled;
  return {name, written, type, passing};
}

// A part of the sweep `user`, written where the user wrote the sweep.
Stage part(const Stage& user, StageKind kind, const std::string& name, const std::string& callee) {
  Stage stage;
  stage.kind = kind;
  stage.name = name;
  stage.callee = callee;
  stage.location = user.location;
  stage.group = user.group;
  stage.sweep = user.sweep;
  return stage;
}

void returns(Stage& stage, ReturnForm form, const Type& item) {
  stage.returns = form;
  stage.item = item;
  stage.returnWritten = form == ReturnForm::multiple ? "jobstream::Multiple<" + item.spelled + ">"
                        : form == ReturnForm::none   ? "void"
                                                     : item.spelled;
}

}  // namespace

model::Pipeline lowerSweeps(const model::Pipeline& written) {
  model::Pipeline lowered;
  lowered.name = written.name;
  lowered.source = written.source;
  lowered.sweeps = written.sweeps;
  for (std::size_t i = 0; i != written.stages.size(); ++i) {
    const Stage& user = written.stages[i];
    if (user.kind != StageKind::sweep) {
      Stage stage = user;
      stage.structure = {};
      stage.leaves = {};
      lowered.stages.push_back(std::move(stage));
      continue;
    }
    model::Sweep& sweep = lowered.sweeps[user.sweep];
    sweep.description = "sweep_" + std::to_string(lowered.stages.size());
    const std::string d = "::jobstream::detail::Sweep<" + sweep.description + ">::";
    const Type state = detailTemplate("SweepState", sweep.params);
    const Type block = detailTemplate("TrialBlock", sweep.params);
    const Type outcomes{"jobstream::detail::TrialOutcomes", "::jobstream::detail::TrialOutcomes"};
    const Type row{
        "jobstream::SweepRow<" + sweep.params.spelled + ", " + sweep.outcome.spelled + ">",
        "::jobstream::SweepRow<" + sweep.params.qualified + ", " + sweep.outcome.qualified + ">"};

    Stage frame = part(user, StageKind::frame, user.name + " (combinations)", d + "enter");
    frame.parameters = {parameter("state", state, Passing::lvalue_ref),
                        parameter("params", sweep.params, Passing::const_ref)};
    returns(frame, ReturnForm::multiple, block);
    frame.input = sweep.params;
    frame.store = state;
    lowered.stages.push_back(frame);

    Stage trials = part(user, StageKind::job, user.name, d + "run");
    trials.parameters = {parameter("block", block, Passing::const_ref)};
    returns(trials, ReturnForm::value, outcomes);
    trials.input = block;
    trials.serial = user.serial;  // the one part that calls the user's function
    lowered.stages.push_back(trials);

    Stage statistics = part(user, StageKind::frame_end, user.name + " (statistics)", d + "add");
    statistics.parameters = {parameter("state", state, Passing::lvalue_ref),
                             parameter("done", outcomes, Passing::const_ref)};
    returns(statistics, ReturnForm::multiple, block);
    statistics.input = outcomes;
    statistics.store = state;
    lowered.stages.push_back(statistics);

    Stage emit = part(user, StageKind::emit, user.name + " (row)", d + "row");
    emit.parameters = {parameter("state", state, Passing::const_ref)};
    returns(emit, ReturnForm::value, row);
    emit.input = state;
    emit.store = state;
    lowered.stages.push_back(emit);

    // Rows that leave the pipeline are the sweep's table.
    if (i + 1 == written.stages.size()) {
      Stage table = part(user, StageKind::finish, user.name + " (table)", d + "table");
      table.parameters = {parameter(
          "rows", {"std::vector<" + row.spelled + ">", "::std::vector<" + row.qualified + ">"},
          Passing::value)};
      returns(table, ReturnForm::none, {});
      table.input = row;
      lowered.stages.push_back(table);
    }
  }
  return lowered;
}

}  // namespace jsgen
