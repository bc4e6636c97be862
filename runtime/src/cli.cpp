#include "cli.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <istream>
#include <ostream>
#include <string_view>

namespace jobstream::detail {

namespace {

std::string programName(int argc, char** argv) {
  if (argc < 1 || argv[0] == nullptr) return "prog";
  std::string_view path = argv[0];
  const auto slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

const StageDef& entryStage(const PipelineDef& pipeline) { return pipeline.stages[pipeline.entry]; }

std::unique_ptr<BatchBase> emptyEntryBatch(const PipelineDef& pipeline) {
  const StageDef& entry = entryStage(pipeline);
  if (pipeline.parseItem == nullptr)
    throw UsageError(fmt::format(
        "items of type '{}' cannot be read from text; give the pipeline an init stage that makes them",
        entry.inputName));
  return entry.input->make();
}

void parseOne(const PipelineDef& pipeline, std::string_view text, BatchBase& into) {
  if (!pipeline.parseItem(text, into))
    throw UsageError(fmt::format("cannot read '{}' as {}", text, entryStage(pipeline).inputName));
}

// A whole number of at least `least`, or a message that says so.
CLI::Validator wholeNumber(std::string_view what, int least) {
  return CLI::Validator(
      [what = std::string(what), least](const std::string& text) -> std::string {
        int value = 0;
        const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
        return error == std::errc() && end == text.data() + text.size() && value >= least
                   ? std::string()
                   : fmt::format("'{}' is not a whole number of {} from {} up", text, what, least);
      },
      "");
}

}  // namespace

bool hasInit(const PipelineDef& pipeline) {
  for (const StageDef& stage : pipeline.stages)
    if (stage.kind == StageKind::init) return true;
  return false;
}

std::variant<CommandLine, int> parseCommandLine(const PipelineDef& pipeline, int argc, char** argv,
                                                bool speak, std::ostream& out, std::ostream& err) {
  CommandLine line;
  CLI::App app(fmt::format("Runs the jobstream pipeline '{}' on this process's cores, or on every rank "
                           "when started by mpirun.",
                           pipeline.name),
               programName(argc, argv));
  app.set_version_flag("--version", "jobstream " JOBSTREAM_VERSION, "Print the jobstream version and exit");
  app.add_option("--threads", line.threads,
                 "Worker threads per rank (default: the CPUs this rank may use, shared among the ranks on "
                 "its host)")
      ->check(wholeNumber("threads", 1))
      ->type_name("N");
  app.add_option("-c,--checkpoint", line.checkpoint,
                 "Checkpoint file: resume from it if it exists, write it every --checkpoint-interval "
                 "seconds, remove it when the run succeeds")
      ->envname("JOBSTREAM_CHECKPOINT")
      ->type_name("FILE");
  app.add_option("--checkpoint-interval", line.checkpointInterval,
                 "Seconds between checkpoints (default 600; fractions allowed)")
      ->check(CLI::Validator(
          [](const std::string& text) -> std::string {
            double seconds = 0;
            const bool number = CLI::detail::lexical_cast(text, seconds);
            return number && std::isfinite(seconds) && seconds > 0
                       ? std::string()
                       : fmt::format("'{}' is not a number of seconds above 0", text);
          },
          ""))
      ->type_name("SECONDS");
  app.add_option("--checkpoint-info", line.checkpointInfo, "Describe a checkpoint file and exit")
      ->type_name("FILE");
  app.add_option("ITEM", line.items,
                 "Initial items, read as the first stage's input type; -- ends the options, so "
                 "`-- -3 -7` passes negative numbers")
      ->type_name("");
  app.footer(
      "With no ITEM and no init stage, each non-empty line of standard input is one item.");
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    if (speak) out << app.help();
    return 0;
  } catch (const CLI::CallForAllHelp&) {
    if (speak) out << app.help();
    return 0;
  } catch (const CLI::CallForVersion& version) {
    if (speak) out << version.what() << '\n';
    return 0;
  } catch (const CLI::ParseError& error) {
    if (speak)
      err << "jobstream: error: " << error.what() << "\nRun with --help for more information.\n";
    return 2;
  }
  return line;
}

std::unique_ptr<BatchBase> parseItems(const PipelineDef& pipeline, const std::vector<std::string>& items) {
  std::unique_ptr<BatchBase> batch = emptyEntryBatch(pipeline);
  for (const std::string& item : items) parseOne(pipeline, item, *batch);
  return batch;
}

std::unique_ptr<BatchBase> readItems(const PipelineDef& pipeline, std::istream& in) {
  std::unique_ptr<BatchBase> batch;
  for (std::string line; std::getline(in, line);) {
    const auto last = line.find_last_not_of(" \t\r\n\v\f");
    if (last == std::string::npos) continue;  // empty or blank
    line.resize(last + 1);
    if (!batch) batch = emptyEntryBatch(pipeline);
    parseOne(pipeline, line, *batch);
  }
  return batch;
}

}  // namespace jobstream::detail
