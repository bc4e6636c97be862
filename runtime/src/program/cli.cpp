#include "program/cli.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <cstdint>
#include <iostream>
#include <istream>
#include <ostream>
#include <string_view>

#include "jobstream/detail/exit_status.hpp"
#include "jobstream/detail/report.hpp"
#include "program/utf8.hpp"

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
    throw UsageError(fmt::format("cannot read {} as {}", quotedItem(text), entryStage(pipeline).inputName));
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

// CLI11 lists every positional in the usage line, also one kept out of the
// help: list only those the help shows.
class Usage : public CLI::Formatter {
 public:
  std::string make_usage(const CLI::App* app, std::string name) const override {
    std::string usage = "Usage: " + name + " [OPTIONS]";
    for (const CLI::Option* option :
         app->get_options([](const CLI::Option* o) { return o->get_positional() && !o->get_group().empty(); }))
      usage += " " + make_option_usage(option);
    return usage + "\n";
  }
};

}  // namespace

std::string quotedItem(std::string_view text) {
  constexpr std::size_t kLimit = 100;  // characters of the quote, escapes included
  std::string quote = "'";
  std::size_t width = 0;  // characters in `quote` after its opening '
  std::size_t at = 0;
  while (at < text.size()) {
    const auto byte = static_cast<unsigned char>(text[at]);
    std::size_t length = 1;  // bytes of `text` that `piece` stands for
    std::size_t pieceWidth = 0;
    std::string piece;
    char32_t point = 0;
    if (byte == '\\' || byte == '\'') {
      piece = {'\\', static_cast<char>(byte)};
    } else if (byte >= 0x20 && byte < 0x7f) {
      piece = std::string(1, static_cast<char>(byte));
    } else if (byte == '\0' || byte == '\t' || byte == '\n' || byte == '\r') {
      piece = byte == '\0' ? "\\0" : byte == '\t' ? "\\t" : byte == '\n' ? "\\n" : "\\r";
    } else if (const std::size_t n = utf8Character(text.substr(at), point); n != 0) {
      length = n;
      // C1 controls, and the marks that reorder text on a terminal, escaped.
      if (point < 0xa0 || (point >= 0x202a && point <= 0x202e) || (point >= 0x2066 && point <= 0x2069) ||
          point == 0x2028 || point == 0x2029) {
        piece = fmt::format("\\u{:04x}", static_cast<std::uint32_t>(point));
      } else {
        piece.assign(text.substr(at, n));
        pieceWidth = 1;
      }
    } else {
      piece = fmt::format("\\x{:02x}", byte);  // another control byte, or not UTF-8
    }
    if (pieceWidth == 0) pieceWidth = piece.size();
    if (width + pieceWidth > kLimit) break;
    quote += piece;
    width += pieceWidth;
    at += length;
  }
  quote += '\'';
  if (at < text.size()) quote += fmt::format("... (the first {} of {} bytes)", at, text.size());
  return quote;
}

bool hasInit(const PipelineDef& pipeline) {
  for (const StageDef& stage : pipeline.stages)
    if (stage.kind == StageKind::init) return true;
  return false;
}

std::string pipelineName(std::string_view name) {
  return name.empty() ? std::string("(global namespace)") : fmt::format("'{}'", name);
}

namespace {

CLI::Validator finiteNumber() {
  return CLI::Validator(
      [](const std::string& text) -> std::string {
        double value = 0;
        return CLI::detail::lexical_cast(text, value) && std::isfinite(value)
                   ? std::string()
                   : fmt::format("'{}' is not a number", text);
      },
      "");
}

// Section 7 of the contract: how many trials each combination of a sweep runs.
void addSweepOptions(CLI::App& app, SweepSettings& sweep, bool table) {
  const char* group = "Sweeps";
  app.add_option("--trials", sweep.trials,
                 "Trials per combination: N > 0 runs exactly N; 0 (default) as many as the errors below need; "
                 "-N the same, at most N")
      ->check(CLI::Validator(
          [](const std::string& text) -> std::string {
            std::int64_t value = 0;
            const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
            return error == std::errc() && end == text.data() + text.size()
                       ? std::string()
                       : fmt::format("'{}' is not a whole number of trials (N, 0 or -N)", text);
          },
          ""))
      ->type_name("N")
      ->group(group);
  app.add_option("--min-trials", sweep.minTrials, "Automatic trials: at least this many (default 3; 2 at least)")
      ->check(wholeNumber("trials", 1))
      ->type_name("N")
      ->group(group);
  app.add_option("--max-trials", sweep.maxTrials, "Automatic trials: at most this many (default 10000)")
      ->check(wholeNumber("trials", 1))
      ->type_name("N")
      ->group(group);
  app.add_option("--relative-error", sweep.relativeError,
                 "Automatic trials stop once every outcome's 95% error is at most E times its mean's size, or "
                 "at most --absolute-error (default 0.1)")
      ->check(finiteNumber())
      ->type_name("E")
      ->group(group);
  app.add_option("--absolute-error", sweep.absoluteError, "See --relative-error (default 0.01)")
      ->check(finiteNumber())
      ->type_name("A")
      ->group(group);
  if (table)
    app.add_option("--csv", sweep.csv, "Also write the sweep's table to FILE as CSV, numbers in full precision")
        ->type_name("FILE")
        ->group(group);
}

void checkSweepOptions(const CLI::App& app, const SweepSettings& sweep) {
  const bool minGiven = app.count("--min-trials") > 0;
  const bool maxGiven = app.count("--max-trials") > 0;
  if (sweep.trials > 0 && minGiven)
    throw UsageError(fmt::format("--min-trials is for an automatic number of trials, but --trials {} asks for "
                                 "exactly {}",
                                 sweep.trials, sweep.trials));
  if (sweep.trials != 0 && maxGiven)
    throw UsageError(sweep.trials > 0
                         ? fmt::format("--max-trials is for an automatic number of trials, but --trials {} asks for "
                                       "exactly {}",
                                       sweep.trials, sweep.trials)
                         : fmt::format("--max-trials and --trials {} both set the most trials: give one of them",
                                       sweep.trials));
  if (sweep.trials <= 0 && minGiven) {
    const std::uint64_t most =
        sweep.trials < 0 ? static_cast<std::uint64_t>(-(sweep.trials + 1)) + 1 : sweep.maxTrials;
    if (sweep.minTrials > most)
      throw UsageError(fmt::format("--min-trials {} is more than the most trials, {} ({})", sweep.minTrials, most,
                                   sweep.trials < 0 ? fmt::format("--trials {}", sweep.trials)
                                                    : maxGiven ? std::string("--max-trials")
                                                               : std::string("the default --max-trials")));
  }
  if (sweep.trials <= 0 && sweep.relativeError <= 0 && sweep.absoluteError <= 0)
    throw UsageError(fmt::format("--relative-error {} and --absolute-error {} leave no error a sweep could reach: "
                                 "one of them must be above 0",
                                 sweep.relativeError, sweep.absoluteError));
}

}  // namespace

std::chrono::milliseconds peerTimeoutOf(double seconds) {
  return std::chrono::milliseconds{static_cast<std::int64_t>(std::ceil(seconds * 1000))};
}

std::chrono::milliseconds peerTimeoutFromEnvironment() {
  const char* text = std::getenv("JOBSTREAM_PEER_TIMEOUT");
  double seconds = 60;
  if (text != nullptr && *text != '\0') {
    char* end = nullptr;
    const double value = std::strtod(text, &end);
    if (*end == '\0' && std::isfinite(value) && value >= 0 && value <= 1e9) seconds = value;
  }
  return peerTimeoutOf(seconds);
}

std::variant<CommandLine, int> parseCommandLine(const PipelineDef& pipeline, int argc, char** argv,
                                                bool programGivesItems, bool speak, std::ostream& out,
                                                std::ostream& err) {
  CommandLine line;
  CLI::App app(fmt::format("Runs the jobstream pipeline {} on this process's cores, or on every rank "
                           "when started by mpirun.",
                           pipeline.name.empty() ? "of the global namespace" : pipelineName(pipeline.name)),
               programName(argc, argv));
  app.formatter(std::make_shared<Usage>());
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
  app.add_option("--peer-timeout", line.peerTimeout,
                 "Seconds a rank may go unheard before the run ends, naming it and its host (default 60; "
                 "0: never)")
      ->envname("JOBSTREAM_PEER_TIMEOUT")
      ->check(CLI::Validator(
          [](const std::string& text) -> std::string {
            double seconds = 0;
            const bool number = CLI::detail::lexical_cast(text, seconds);
            return number && std::isfinite(seconds) && seconds >= 0 && seconds <= 1e9
                       ? std::string()
                       : fmt::format("'{}' is not a number of seconds, 0 or more", text);
          },
          ""))
      ->type_name("SECONDS");
  app.add_option("--checkpoint-info", line.checkpointInfo, "Describe a checkpoint file and exit")
      ->type_name("FILE");
  app.add_flag("--stats", line.stats,
               "At the end, statistics on stderr: per rank, then for the cluster (job_stream's format)")
      ->envname("JOBSTREAM_STATS");
  app.add_flag_function(
      "--progress,!--no-progress", [&line](std::int64_t count) { line.progress = count > 0; },
      "A live progress line on stderr (default: when stderr is a terminal)");
  app.add_option("--trace", line.trace,
                 "Write a Chrome trace-event JSON of the run to FILE (open it in Perfetto or chrome://tracing)")
      ->type_name("FILE");
  app.add_option("--report", line.report, "Write a self-contained HTML page about the run to FILE")
      ->type_name("FILE");
  const bool sweeps = std::any_of(pipeline.stages.begin(), pipeline.stages.end(),
                                  [](const StageDef& stage) { return stage.sweep; });
  const bool table = std::any_of(pipeline.stages.begin(), pipeline.stages.end(),
                                 [](const StageDef& stage) { return stage.sweepTable; });
  if (sweeps) addSweepOptions(app, line.sweep, table);
  // A program that makes its own items takes no ITEM: its help does not
  // offer them, and runProgram says why when some are given.
  const bool takesItems = !programGivesItems && !hasInit(pipeline);
  app.add_option("ITEM", line.items,
                 "Initial items, read as the first stage's input type; -- ends the options, so "
                 "`-- -3 -7` passes negative numbers")
      ->type_name("")
      ->group(takesItems ? "Positionals" : "");
  if (takesItems) app.footer("With no ITEM, each non-empty line of standard input is one item.");
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
    if (speak) {
      reportError(err, error.what());
      err << "Run with --help for more information.\n";
    }
    return exit_status::refused;
  }
  if (sweeps) {
    try {
      checkSweepOptions(app, line.sweep);
    } catch (const UsageError& error) {
      if (speak) {
        reportError(err, error.what());
        err << "Run with --help for more information.\n";
      }
      return exit_status::refused;
    }
  }
  return line;
}

void checkOutputPath(const std::string& path, std::string_view option) {
  namespace fs = std::filesystem;
  if (path.empty()) throw UsageError(fmt::format("{} needs a file name", option));
  const fs::path target(path);
  const fs::path folder = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::error_code error;
  if (!fs::is_directory(folder, error))
    throw UsageError(fmt::format("cannot write {} '{}': its folder '{}' does not exist", option, path, folder.string()));
  if (fs::is_directory(target, error))
    throw UsageError(fmt::format("cannot write {} '{}': it is a folder", option, path));
  if (::access(folder.c_str(), W_OK) != 0)
    throw UsageError(fmt::format("cannot write {} '{}': {}", option, path, std::strerror(errno)));
}

std::unique_ptr<BatchBase> parseItems(const PipelineDef& pipeline, const std::vector<std::string>& items) {
  std::unique_ptr<BatchBase> batch = emptyEntryBatch(pipeline);
  for (const std::string& item : items) parseOne(pipeline, item, *batch);
  return batch;
}

bool inputWaiting(std::istream& in) {
  if (in.rdbuf() != nullptr && in.rdbuf()->in_avail() > 0) return true;
  if (&in != &std::cin) return false;
  struct stat status {};
  if (::fstat(STDIN_FILENO, &status) != 0) return false;
  if (S_ISREG(status.st_mode)) {
    const off_t offset = ::lseek(STDIN_FILENO, 0, SEEK_CUR);
    return offset >= 0 && offset < status.st_size;
  }
  int bytes = 0;
  return (S_ISFIFO(status.st_mode) || S_ISSOCK(status.st_mode)) && ::ioctl(STDIN_FILENO, FIONREAD, &bytes) == 0 &&
         bytes > 0;
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
