// The generated program's command line (contract, section 4) and where its
// initial items come from: ITEM arguments, the program's own items, or lines
// of standard input.
#pragma once

#include <chrono>
#include <iosfwd>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <typeinfo>
#include <variant>
#include <vector>

#include "jobstream/detail/stage.hpp"
#include "jobstream/detail/sweep.hpp"

namespace jobstream::detail {

// An error the user caused: printed as "jobstream: error: <what>", exit 2.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// --peer-timeout's seconds as the runtime counts them (rounded up to a
// millisecond, so that a small timeout is not zero, which means never).
std::chrono::milliseconds peerTimeoutOf(double seconds);
// JOBSTREAM_PEER_TIMEOUT for a run without a command line (jobstream::map):
// the default, 60 s, when it is unset or not a number of seconds.
std::chrono::milliseconds peerTimeoutFromEnvironment();

struct CommandLine {
  int threads = 0;  // 0: the default (this rank's share of its host's CPUs)
  std::string checkpoint;           // --checkpoint/-c, or JOBSTREAM_CHECKPOINT; empty: none
  double checkpointInterval = 600;  // seconds
  double peerTimeout = 60;          // --peer-timeout, or JOBSTREAM_PEER_TIMEOUT; seconds, 0: never
  std::string checkpointInfo;       // --checkpoint-info: describe this file and exit
  bool stats = false;               // --stats, or JOBSTREAM_STATS=1
  std::optional<bool> progress;     // --progress / --no-progress; unset: when stderr is a terminal
  std::string trace;                // --trace FILE
  std::string report;               // --report FILE
  SweepSettings sweep;              // --trials, --min-trials, ..., --csv: pipelines with a sweep only
  std::vector<std::string> items;
};

// Parses argv. Returns the command line, or the exit code once --help,
// --version or a usage error has been handled (printed when `speak`).
// `programGivesItems`: the program's main passes the initial items, so the
// help offers no ITEM (nor does it for a pipeline with an init stage).
std::variant<CommandLine, int> parseCommandLine(const PipelineDef& pipeline, int argc, char** argv,
                                                bool programGivesItems, bool speak, std::ostream& out,
                                                std::ostream& err);

// Refuses (UsageError) a --trace or --report FILE that could not be
// written at the end of the run: checked before the run, not after hours.
void checkOutputPath(const std::string& path, std::string_view option);

// A pipeline's name in messages: 'ns::name', or (global namespace).
std::string pipelineName(std::string_view name);

// True when the pipeline gets items from init stages.
bool hasInit(const PipelineDef& pipeline);

// Parses ITEM arguments into a batch of the entry stage's input.
// Throws UsageError quoting the first ITEM that does not parse.
std::unique_ptr<BatchBase> parseItems(const PipelineDef& pipeline, const std::vector<std::string>& items);

// An ITEM or input line quoted for a message, so that nothing raw reaches a
// terminal: in single quotes, at most about 100 characters of it (then how
// many bytes it has), with control bytes, invalid UTF-8, quotes and
// backslashes escaped (\x1b, \0, \', \\).
std::string quotedItem(std::string_view text);

// True if `in` holds input that can be seen without reading it: buffered
// text, or for std::cin a file not read to its end, or a pipe or socket
// with bytes waiting. A terminal never counts.
bool inputWaiting(std::istream& in);

// Each non-empty line of `in` (trailing whitespace and '\r' trimmed) is one
// item. Throws UsageError quoting the first line that does not parse.
std::unique_ptr<BatchBase> readItems(const PipelineDef& pipeline, std::istream& in);

}  // namespace jobstream::detail
