// jobstream::run and the registration of the program's pipelines.
#include <fmt/format.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "checkpoint/checkpoint_file.hpp"
#include "checkpoint/checkpoint_lock.hpp"
#include "program/cli.hpp"
#include "program/context.hpp"
#include "jobstream/detail/exit_status.hpp"
#include "jobstream/detail/report.hpp"
#include "jobstream/detail/stage.hpp"
#include "jobstream/detail/text.hpp"
#include "transport/loopback_transport.hpp"
#include "transport/mpi_transport.hpp"
#include "program/program.hpp"
#include "program/stop_signals.hpp"
#include "rank/rank.hpp"
#include "checkpoint/state.hpp"

namespace jobstream::detail {

namespace {

// A function-local static: generated code registers from static
// initialisers in other translation units, in any order.
std::vector<const PipelineDef*>& registry() {
  static std::vector<const PipelineDef*> pipelines;
  return pipelines;
}

std::string namesOf(const std::vector<const PipelineDef*>& pipelines) {
  std::string names;
  for (const PipelineDef* pipeline : pipelines)
    names += (names.empty() ? "" : ", ") + pipelineName(pipeline->name);
  return names;
}

// `type` as the user wrote it: its spelling in the pipeline's source if a
// stage takes it, else its demangled name with the std library's noise
// taken out.
std::string spelledName(const PipelineDef& pipeline, const std::type_info& type) {
  for (const StageDef& stage : pipeline.stages)
    if (stage.input != nullptr && *stage.input->type == type) return std::string(stage.inputName);
  return demangle(type);
}

// Program items that are not what the pipeline's first stage takes.
UsageError wrongProgramItems(const PipelineDef& pipeline, const std::type_info& type) {
  const StageDef& entry = pipeline.stages[pipeline.entry];
  const bool literals =
      (type == typeid(const char*) || type == typeid(char*)) && *entry.input->type == typeid(std::string);
  return UsageError(fmt::format("the program gives items of type '{}', but the pipeline's first stage, '{}', takes "
                                "'{}'{}",
                                spelledName(pipeline, type), entry.name, entry.inputName,
                                literals ? " (string literals in braces are 'const char*': pass "
                                           "std::vector<std::string>{...})"
                                         : ""));
}

// What a resumed run leaves unused: its work comes from the checkpoint.
void sayWhatResumingIgnores(const PipelineDef& pipeline, const CommandLine& line, bool programGivesItems,
                            std::istream& in) {
  if (!line.items.empty())
    reportWarning(std::cerr, fmt::format("the {} ITEM argument{} {} ignored: a resumed run goes on with the items "
                                         "in its checkpoint",
                                         line.items.size(), line.items.size() == 1 ? "" : "s",
                                         line.items.size() == 1 ? "is" : "are"));
  else if (!programGivesItems && !hasInit(pipeline) && inputWaiting(in))
    reportWarning(std::cerr, "standard input is not read: a resumed run goes on with the items in its checkpoint");
}

// The pipeline to run: the one named `name`, or with no name the program's
// only one. Null after printing why there is none.
const PipelineDef* findPipeline(std::optional<std::string_view> name) {
  const auto& pipelines = registry();
  if (pipelines.empty()) {
    reportError(std::cerr, "this program has no pipeline; build its source with jsgen "
                           "(jobstream_add_executable or jobstream_generate in CMake)");
    return nullptr;
  }
  if (name) {
    for (const PipelineDef* pipeline : pipelines)
      if (pipeline->name == *name) return pipeline;
    reportError(std::cerr, fmt::format("this program has no pipeline named '{}'; its pipeline{} {}", *name,
                                       pipelines.size() == 1 ? " is" : "s are", namesOf(pipelines)));
    return nullptr;
  }
  if (pipelines.size() == 1) return pipelines.front();
  reportError(std::cerr, fmt::format("this program has {} pipelines ({}); run(argc, argv) runs only a program's "
                                     "one pipeline: choose one with jobstream::run(\"{}\", argc, argv)",
                                     pipelines.size(), namesOf(pipelines), pipelines.front()->name));
  return nullptr;
}

}  // namespace

void registerPipeline(const PipelineDef& pipeline) { registry().push_back(&pipeline); }

const PipelineDef* registeredPipeline(std::string_view name) {
  for (const PipelineDef* pipeline : registry())
    if (pipeline->name == name) return pipeline;
  return nullptr;
}

int runProgram(const PipelineDef& pipeline, int argc, char** argv, std::unique_ptr<BatchBase> programItems,
               const std::type_info* programType, std::istream& in) {
  try {
    validatePipeline(pipeline);
  } catch (const std::exception& e) {
    reportError(std::cerr, e.what());
    return exit_status::failed;
  }
  // Without mpirun there is no MPI at all: one rank, in this process.
  std::unique_ptr<Transport> transport;
  if (startedByMpiLauncher()) {
    transport = makeMpiTransport();
  } else {
    transport = std::make_unique<LoopbackTransport>(std::make_shared<LoopbackHub>(1), 0);
  }
  const bool rankZero = transport->rank() == 0;

  const bool programGivesItems = programItems != nullptr;
  auto parsed = parseCommandLine(pipeline, argc, argv, programGivesItems, rankZero, std::cout, std::cerr);
  if (const int* exitCode = std::get_if<int>(&parsed)) return *exitCode;
  const CommandLine& line = std::get<CommandLine>(parsed);
  if (!line.checkpointInfo.empty())
    return rankZero ? describeCheckpoint(pipeline, line.checkpointInfo, std::cout, std::cerr) : 0;

  // Every rank sees the same argv, so every rank reaches the same verdict on
  // it and leaves cleanly; only rank 0 says why.
  std::unique_ptr<BatchBase> items;
  try {
    const StageDef& entry = pipeline.stages[pipeline.entry];
    if (programItems) {
      if (*programType != *entry.input->type) throw wrongProgramItems(pipeline, *programType);
      if (!line.items.empty())
        throw UsageError("this program gives its own items to the pipeline; it takes no ITEM arguments");
      items = std::move(programItems);
    } else if (!line.items.empty()) {
      if (hasInit(pipeline))
        throw UsageError("this pipeline makes its items in an init stage; it takes no ITEM arguments");
      items = parseItems(pipeline, line.items);
    }
  } catch (const UsageError& e) {
    if (rankZero) reportError(std::cerr, e.what());
    return exit_status::refused;
  }

  // Rank 0 alone reads the checkpoint (it need not be on a file system the
  // other ranks see) and tells every rank what the run is.
  enum : std::int64_t { kFresh = 0, kCheckpointing = 1, kResuming = 2, kRefused = 3 };
  std::int64_t verdict = kFresh;
  std::shared_ptr<ResumePlan> resume;
  std::optional<CheckpointLock> lock;  // held by rank 0 until the run is over
  if (rankZero) {
    try {
      if (!line.trace.empty()) checkOutputPath(line.trace, "--trace");
      if (!line.report.empty()) checkOutputPath(line.report, "--report");
      if (!line.sweep.csv.empty()) checkOutputPath(line.sweep.csv, "--csv");
    } catch (const UsageError& e) {
      reportError(std::cerr, e.what());
      verdict = kRefused;
    }
  }
  if (rankZero && verdict != kRefused && !line.checkpoint.empty()) {
    try {
      checkWritable(line.checkpoint);
      lock.emplace(line.checkpoint);
      if (!lock->warning().empty()) reportWarning(std::cerr, lock->warning());
      std::error_code error;
      if (std::filesystem::exists(line.checkpoint, error)) {
        // Read through once and checked, in pieces; the plan keeps it open
        // and rank 0 hands the shares out from it.
        auto file = std::make_shared<const CheckpointReader>(line.checkpoint);
        const CheckpointIndex& checkpoint = file->index();
        checkBelongsTo(checkpoint, pipeline.name, pipeline.fingerprint, line.checkpoint);
        resume = std::make_shared<ResumePlan>(planResume(pipeline, file, transport->size()));
        std::cerr << fmt::format("jobstream: resuming from checkpoint '{}', written {} by {} rank{}{}\n",
                                 line.checkpoint, checkpointTimeText(checkpoint.writtenAt), checkpoint.ranks,
                                 checkpoint.ranks == 1 ? "" : "s",
                                 static_cast<int>(checkpoint.ranks) == transport->size()
                                     ? ""
                                     : fmt::format(", on {} now", transport->size()))
                  << std::flush;
        sayWhatResumingIgnores(pipeline, line, programGivesItems, in);
        std::cerr << std::flush;
        verdict = kResuming;
      } else {
        verdict = kCheckpointing;
      }
    } catch (const CheckpointError& e) {
      reportError(std::cerr, e.what());
      verdict = kRefused;
    }
  }
  verdict = transport->sumOverRanks(verdict);
  if (verdict == kRefused) return exit_status::refused;
  // Rank 0 decides what is observed, and every rank follows it: it draws
  // the progress line, so its stderr decides that; and JOBSTREAM_STATS may
  // reach rank 0's environment only (mpirun does not forward it to other
  // hosts), while every rank must take part in gathering the stats.
  constexpr std::int64_t kProgress = 1, kStats = 2;
  const std::int64_t observed = transport->sumOverRanks(
      rankZero ? (line.progress.value_or(::isatty(STDERR_FILENO) == 1) ? kProgress : 0) | (line.stats ? kStats : 0)
               : 0);

  // Standard input reaches rank 0 only, so only rank 0 can judge it; an
  // error there must end every rank. A resumed run does not read it again.
  if (!items && !hasInit(pipeline) && rankZero && verdict != kResuming) {
    try {
      items = readItems(pipeline, in);
    } catch (const UsageError& e) {
      reportError(std::cerr, e.what());
      transport->abort(exit_status::refused);
      return exit_status::refused;
    }
  }

  RankOptions options;
  options.threads =
      line.threads > 0 ? line.threads : std::max(1, availableCpus() / std::max(1, transport->ranksOnThisHost()));
  options.checkpoint = line.checkpoint;
  options.checkpointInterval = line.checkpointInterval;
  options.peerTimeout = peerTimeoutOf(line.peerTimeout);
  options.resuming = verdict == kResuming;
  options.resume = std::move(resume);
  options.observe.stats = (observed & kStats) != 0;
  options.observe.progress = (observed & kProgress) != 0;
  options.observe.trace = line.trace;
  options.observe.report = line.report;
  options.sweep = line.sweep;
  if (options.resuming) items.reset();
  // From here on SIGTERM and SIGINT take a checkpoint and stop the run; until
  // here they end the process as usual, before any work could be lost.
  const StopSignals signals(rankZero);
  options.stopSignal = &StopSignals::received();
  return runRank(pipeline, *transport, std::move(options), std::move(items)).exitCode;
}

int runWithItems(std::optional<std::string_view> name, int argc, char** argv,
                 std::unique_ptr<BatchBase> items, const std::type_info& type) {
  const PipelineDef* pipeline = findPipeline(name);
  if (!pipeline) return detail::exit_status::failed;
  return runProgram(*pipeline, argc, argv, std::move(items), &type, std::cin);
}

}  // namespace jobstream::detail

namespace jobstream {

int run(int argc, char** argv) {
  const detail::PipelineDef* pipeline = detail::findPipeline(std::nullopt);
  if (!pipeline) return detail::exit_status::failed;
  return detail::runProgram(*pipeline, argc, argv, nullptr, nullptr, std::cin);
}

int run(std::string_view pipeline, int argc, char** argv) {
  const detail::PipelineDef* chosen = detail::findPipeline(pipeline);
  if (!chosen) return detail::exit_status::failed;
  return detail::runProgram(*chosen, argc, argv, nullptr, nullptr, std::cin);
}

}  // namespace jobstream
