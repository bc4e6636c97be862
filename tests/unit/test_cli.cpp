// The generated program's command line: ITEMs, `--`, standard input,
// errors quoting a bad ITEM, --threads, --help and --version.
#include <gtest/gtest.h>

#include <regex>
#include <unistd.h>

#include <cstdlib>
#include <array>
#include <deque>
#include <filesystem>
#include <list>
#include <map>
#include <set>
#include <sstream>
#include <string_view>
#include <thread>
#include <tuple>
#include <unordered_map>

#include "checkpoint/checkpoint_file.hpp"
#include "checkpoint/checkpoint_lock.hpp"
#include "program/cli.hpp"
#include "program/program.hpp"
#include "scope_pipelines.hpp"
#include "test_pipelines.hpp"

namespace jstest {
namespace {

// echo: int -> finish(all), and its twin whose items cannot be read from text.
namespace echo {

inline std::vector<int> got;
inline std::atomic<int> threadsSeen{0};

inline void finish0(BatchBase& all) {
  const auto& items = static_cast<Batch<int>&>(all).items;
  got.assign(items.begin(), items.end());
  std::sort(got.begin(), got.end());
  threadsSeen = jobstream::threads();
}

inline const StageDef stages[] = {
    {StageKind::finish, "echo::all", &itemTypeOf<int>, "int", false, nullptr, nullptr, &finish0},
};
inline const PipelineDef pipeline{"echo", "echo-v1", stages, 0, parserFor<int>()};
inline const PipelineDef unreadable{"echo", "echo-v1", stages, 0, nullptr};

}  // namespace echo

// slow: int -> wait (1 ms an item) -> finish(all), for runs that last long
// enough to checkpoint.
namespace slow {

inline void stage0(BatchBase& in_, std::size_t begin, std::size_t end, Emitter& em) {
  auto& in = static_cast<Batch<int>&>(in_).items;
  Output<int> out(em, 1);
  for (std::size_t i = begin; i != end; ++i) {
    em.current = 0;
    std::this_thread::sleep_for(1ms);
    out.push(in[i]);
  }
  out.close();
}

inline const StageDef stages[] = {
    {StageKind::job, "slow::wait", &itemTypeOf<int>, "int", false, nullptr, &stage0, nullptr},
    {StageKind::finish, "slow::all", &itemTypeOf<int>, "int", false, nullptr, nullptr, &echo::finish0},
};
inline const PipelineDef pipeline{"slow", "slow-v1", stages, 0, parserFor<int>()};
inline const PipelineDef global{"", "slow-v1", stages, 0, parserFor<int>()};

}  // namespace slow

struct Outcome {
  int exitCode;
  std::string out;
  std::string err;
};

Outcome runWith(const PipelineDef& pipeline, std::vector<std::string> args, const std::string& input = "") {
  echo::got.clear();
  args.insert(args.begin(), "./prog");
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::istringstream in(input);
  ::testing::internal::CaptureStdout();
  ::testing::internal::CaptureStderr();
  const int code = runProgram(pipeline, static_cast<int>(args.size()), argv.data(), nullptr, nullptr, in);
  Outcome outcome{code, ::testing::internal::GetCapturedStdout(), ::testing::internal::GetCapturedStderr()};
  return outcome;
}

TEST(CommandLine, ItemsAreParsedAsTheEntryType) {
  Outcome o = runWith(echo::pipeline, {"3", "1", "+2"});
  EXPECT_EQ(o.exitCode, 0) << o.err;
  EXPECT_EQ(echo::got, (std::vector<int>{1, 2, 3}));
}

TEST(CommandLine, DoubleDashEndsOptionsSoNegativeNumbersPass) {
  Outcome o = runWith(echo::pipeline, {"--threads", "2", "--", "-3", "-7", "5"});
  EXPECT_EQ(o.exitCode, 0) << o.err;
  EXPECT_EQ(echo::got, (std::vector<int>{-7, -3, 5}));
  EXPECT_EQ(echo::threadsSeen.load(), 2);
}

TEST(CommandLine, BadItemIsAnErrorQuotingIt) {
  Outcome o = runWith(echo::pipeline, {"1", "abc", "2"});
  EXPECT_EQ(o.exitCode, 2);
  EXPECT_EQ(o.err, "jobstream: error: cannot read 'abc' as int\n");
  EXPECT_TRUE(echo::got.empty());
  o = runWith(echo::pipeline, {"--", "4x"});
  EXPECT_EQ(o.err, "jobstream: error: cannot read '4x' as int\n");
}

TEST(CommandLine, ABadItemIsQuotedShortAndEscaped) {
  // Control bytes, a NUL, invalid UTF-8 and a quote are escaped; valid UTF-8 is kept.
  Outcome o = runWith(echo::pipeline, {}, std::string("1\nx\x1b[31m\0y\t\xff\xc3'\\ \xc3\xa9\xc2\x85z\n", 22));
  EXPECT_EQ(o.exitCode, 2);
  EXPECT_EQ(o.err, "jobstream: error: cannot read 'x\\x1b[31m\\0y\\t\\xff\\xc3\\'\\\\ \xc3\xa9\\u0085z' as int\n");
  // A long item: its first 100 characters or so, and how long it was.
  const std::string huge = "7" + std::string(1'000'000, 'a');
  o = runWith(echo::pipeline, {"--", huge});
  EXPECT_EQ(o.exitCode, 2);
  EXPECT_EQ(o.err, "jobstream: error: cannot read '7" + std::string(99, 'a') +
                       "'... (the first 100 of 1000001 bytes) as int\n");
  // The limit counts characters: a UTF-8 character is one, and kept whole;
  // an escape counts as long as it is.
  o = runWith(echo::pipeline, {}, std::string(99, 'a') + "\xc3\xa9" + std::string(50, 'b') + "\n");
  EXPECT_EQ(o.err, "jobstream: error: cannot read '" + std::string(99, 'a') +
                       "\xc3\xa9'... (the first 101 of 151 bytes) as int\n");
  o = runWith(echo::pipeline, {}, std::string(60, '\x01') + "\n");
  EXPECT_NE(o.err.find("(the first 25 of 60 bytes)"), std::string::npos) << o.err;
}

TEST(CommandLine, WithoutItemsEachNonEmptyLineOfInputIsAnItem) {
  Outcome o = runWith(echo::pipeline, {}, "10\n\n20 \r\n  \n-30\r\n40");
  EXPECT_EQ(o.exitCode, 0) << o.err;
  EXPECT_EQ(echo::got, (std::vector<int>{-30, 10, 20, 40}));
  o = runWith(echo::pipeline, {}, "1\nnope\n");
  EXPECT_EQ(o.exitCode, 2);
  EXPECT_EQ(o.err, "jobstream: error: cannot read 'nope' as int\n");
  o = runWith(echo::pipeline, {}, "");
  EXPECT_EQ(o.exitCode, 0);
  EXPECT_TRUE(echo::got.empty());
}

TEST(CommandLine, ItemsForAPipelineWithInitAreAnError) {
  Outcome o = runWith(collect::pipeline, {"1"});
  EXPECT_EQ(o.exitCode, 2);
  EXPECT_NE(o.err.find("init stage"), std::string::npos) << o.err;
}

TEST(CommandLine, UnreadableItemTypeSaysToUseAnInitStage) {
  Outcome o = runWith(echo::unreadable, {"1"});
  EXPECT_EQ(o.exitCode, 2);
  EXPECT_EQ(o.err,
            "jobstream: error: items of type 'int' cannot be read from text; give the pipeline an init stage "
            "that makes them\n");
}

TEST(CommandLine, HelpListsOptionsAndItems) {
  Outcome o = runWith(echo::pipeline, {"--help"});
  EXPECT_EQ(o.exitCode, 0);
  EXPECT_NE(o.out.find("--threads"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("--version"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("ITEM"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("standard input"), std::string::npos) << o.out;
  EXPECT_TRUE(echo::got.empty());  // nothing ran
}

TEST(CommandLine, HelpOffersNoItemWhenTheProgramMakesItsOwn) {
  std::istringstream in;
  char name[] = "./prog";
  char help[] = "--help";
  char* argv[] = {name, help, nullptr};
  ::testing::internal::CaptureStdout();
  EXPECT_EQ(runProgram(echo::pipeline, 2, argv, batchOf(std::vector<int>{1}), &typeid(int), in), 0);
  std::string out = ::testing::internal::GetCapturedStdout();
  EXPECT_NE(out.find("Usage: prog [OPTIONS]\n"), std::string::npos) << out;
  EXPECT_EQ(out.find("ITEM"), std::string::npos) << out;
  EXPECT_EQ(out.find("standard input"), std::string::npos) << out;
  EXPECT_TRUE(echo::got.empty());
  // Nor does a pipeline with an init stage.
  Outcome o = runWith(collect::pipeline, {"--help"});
  EXPECT_EQ(o.out.find("ITEM"), std::string::npos) << o.out;
  // A pipeline that takes them says so.
  o = runWith(echo::pipeline, {"--help"});
  EXPECT_NE(o.out.find("Usage: prog [OPTIONS] [ITEM...]\n"), std::string::npos) << o.out;
}

TEST(CommandLine, HelpNamesThePipeline) {
  Outcome o = runWith(echo::pipeline, {"--help"});
  EXPECT_NE(o.out.find("Runs the jobstream pipeline 'echo' on"), std::string::npos) << o.out;
  o = runWith(slow::global, {"--help"});
  EXPECT_NE(o.out.find("Runs the jobstream pipeline of the global namespace on"), std::string::npos) << o.out;
  EXPECT_EQ(o.out.find("''"), std::string::npos) << o.out;
}

// A checkpoint of slow::pipeline with most of 0..299 still to do: the run
// is stopped after its first checkpoint, as a crash would.
void leaveCheckpoint(const std::string& file) {
  RankOptions options;
  options.checkpoint = file;
  options.checkpointInterval = 0.02;
  options.checkpointWritten = stopAfter(1);
  ::testing::internal::CaptureStderr();
  runLoopback(slow::pipeline, 1, 1, batchOf(range(0, 300)), {}, 30s, options);
  ::testing::internal::GetCapturedStderr();
  ASSERT_TRUE(std::filesystem::exists(file));
}

std::string temporaryFolder(const std::string& name) {
  const auto folder = std::filesystem::temp_directory_path() / (name + "-" + std::to_string(::getpid()));
  std::filesystem::create_directories(folder);
  return folder.string();
}

TEST(CommandLine, AResumedRunSaysItIgnoresItemsAndInput) {
  const std::string folder = temporaryFolder("cli-resume");
  const std::string file = folder + "/run.ckpt";
  const std::string ignored = "a resumed run goes on with the items in its checkpoint";
  leaveCheckpoint(file);
  Outcome o = runWith(slow::pipeline, {"-c", file, "1000", "1001"});
  EXPECT_EQ(o.exitCode, 0) << o.err;
  EXPECT_EQ(echo::got, range(0, 300));
  EXPECT_NE(o.err.find("jobstream: warning: the 2 ITEM arguments are ignored: " + ignored + "\n"), std::string::npos)
      << o.err;

  leaveCheckpoint(file);
  o = runWith(slow::pipeline, {"-c", file}, "1000\n");
  EXPECT_EQ(o.exitCode, 0) << o.err;
  EXPECT_EQ(echo::got, range(0, 300));
  EXPECT_NE(o.err.find("jobstream: warning: standard input is not read: " + ignored + "\n"), std::string::npos)
      << o.err;

  // Nothing given, nothing said.
  leaveCheckpoint(file);
  o = runWith(slow::pipeline, {"-c", file});
  EXPECT_EQ(o.exitCode, 0) << o.err;
  EXPECT_EQ(o.err.find("warning"), std::string::npos) << o.err;
  std::filesystem::remove_all(folder);
}

TEST(CommandLine, ASecondRunOnACheckpointInUseIsRefused) {
  const std::string folder = temporaryFolder("cli-lock");
  const std::string file = folder + "/run.ckpt";
  {
    const CheckpointLock first(file);  // as a run in another process holds it
    Outcome o = runWith(echo::pipeline, {"-c", file, "1", "2"});
    EXPECT_EQ(o.exitCode, 2);
    EXPECT_TRUE(echo::got.empty());
    EXPECT_EQ(o.err.rfind("jobstream: error: checkpoint '" + file + "' is in use by another run (pid " +
                              std::to_string(::getpid()) + " on host ",
                          0),
              0u)
        << o.err;
  }
  // Once that run is over, the file is free.
  Outcome o = runWith(echo::pipeline, {"-c", file, "1", "2"});
  EXPECT_EQ(o.exitCode, 0) << o.err;
  EXPECT_FALSE(std::filesystem::exists(file + ".lock"));
  std::filesystem::remove_all(folder);
}

TEST(CommandLine, VersionPrintsTheVersion) {
  Outcome o = runWith(echo::pipeline, {"--version"});
  EXPECT_EQ(o.exitCode, 0);
  EXPECT_EQ(o.out, "jobstream " JOBSTREAM_VERSION "\n");
}

TEST(CommandLine, ANumberOutOfRangeSaysWhatIsAllowed) {
  for (const char* bad : {"0", "-2", "1.5", "many", "99999999999"}) {
    Outcome o = runWith(echo::pipeline, {"--threads", bad, "1"});
    EXPECT_EQ(o.exitCode, 2) << bad;
    EXPECT_EQ(o.err, "jobstream: error: --threads: '" + std::string(bad) +
                         "' is not a whole number of threads from 1 up\nRun with --help for more information.\n");
  }
  Outcome o = runWith(echo::pipeline, {"--checkpoint-interval", "0", "1"});
  EXPECT_EQ(o.err, "jobstream: error: --checkpoint-interval: '0' is not a number of seconds above 0\nRun with "
                   "--help for more information.\n");
  EXPECT_TRUE(echo::got.empty());
}

TEST(CommandLine, BadOptionsAreUsageErrors) {
  for (std::vector<std::string> args : {std::vector<std::string>{"--threads", "0"}, {"--threads", "many"},
                                        {"--frobnicate"}, {"--threads"}}) {
    Outcome o = runWith(echo::pipeline, args);
    EXPECT_EQ(o.exitCode, 2) << args[0];
    EXPECT_EQ(o.err.rfind("jobstream: error: ", 0), 0u) << o.err;
    EXPECT_NE(o.err.find("--help"), std::string::npos) << o.err;
  }
}

TEST(CommandLine, CheckpointOptionsAndTheirEnvironmentVariable) {
  const std::string folder = std::filesystem::temp_directory_path() / ("cli-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(folder);
  const std::string file = folder + "/run.ckpt";
  // A fraction of a second is an interval; the file is gone after a run that succeeded.
  Outcome o = runWith(echo::pipeline, {"-c", file, "--checkpoint-interval", "0.5", "1", "2"});
  EXPECT_EQ(o.exitCode, 0) << o.err;
  EXPECT_EQ(echo::got, (std::vector<int>{1, 2}));
  EXPECT_FALSE(std::filesystem::exists(file));
  EXPECT_FALSE(std::filesystem::exists(file + ".lock"));
  for (std::vector<std::string> args : {std::vector<std::string>{"--checkpoint-interval", "0"},
                                        {"--checkpoint-interval", "-1"}, {"--checkpoint-interval", "soon"},
                                        {"--checkpoint-interval", "inf"}, {"--checkpoint-interval", "nan"},
                                        {"--checkpoint"}}) {
    o = runWith(echo::pipeline, args);
    EXPECT_EQ(o.exitCode, 2) << args[0] << " " << (args.size() > 1 ? args[1] : "");
    EXPECT_EQ(o.err.rfind("jobstream: error: ", 0), 0u) << o.err;
  }
  // A folder that does not exist is refused before anything runs, whether
  // the file comes from -c or from JOBSTREAM_CHECKPOINT.
  const std::string missing = folder + "/missing/run.ckpt";
  o = runWith(echo::pipeline, {"--checkpoint", missing, "1"});
  EXPECT_EQ(o.exitCode, 2);
  EXPECT_NE(o.err.find("'" + missing + "'"), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("does not exist"), std::string::npos) << o.err;
  EXPECT_TRUE(echo::got.empty());
  ::setenv("JOBSTREAM_CHECKPOINT", missing.c_str(), 1);
  o = runWith(echo::pipeline, {"1"});
  ::unsetenv("JOBSTREAM_CHECKPOINT");
  EXPECT_EQ(o.exitCode, 2);
  EXPECT_NE(o.err.find("'" + missing + "'"), std::string::npos) << o.err;
  std::filesystem::remove_all(folder);
}

TEST(CommandLine, PeerTimeoutFromTheOptionOrTheEnvironment) {
  // Accepted, 0 included (never), and the run goes on as usual.
  for (const char* good : {"0", "0.05", "60", "3600"}) {
    Outcome o = runWith(echo::pipeline, {"--peer-timeout", good, "1"});
    EXPECT_EQ(o.exitCode, 0) << good << ": " << o.err;
  }
  for (const char* bad : {"-1", "soon", "inf", "nan", "1e12"}) {
    Outcome o = runWith(echo::pipeline, {"--peer-timeout", bad, "1"});
    EXPECT_EQ(o.exitCode, 2) << bad;
    EXPECT_EQ(o.err, "jobstream: error: --peer-timeout: '" + std::string(bad) +
                         "' is not a number of seconds, 0 or more\nRun with --help for more information.\n");
  }
  ::setenv("JOBSTREAM_PEER_TIMEOUT", "soon", 1);
  Outcome o = runWith(echo::pipeline, {"1"});
  EXPECT_EQ(o.exitCode, 2);
  EXPECT_NE(o.err.find("'soon' is not a number of seconds"), std::string::npos) << o.err;
  // jobstream::map has no command line: the variable alone, or the default.
  EXPECT_EQ(peerTimeoutFromEnvironment(), std::chrono::milliseconds{60'000});
  ::setenv("JOBSTREAM_PEER_TIMEOUT", "2.5", 1);
  EXPECT_EQ(peerTimeoutFromEnvironment(), std::chrono::milliseconds{2'500});
  ::setenv("JOBSTREAM_PEER_TIMEOUT", "0", 1);
  EXPECT_EQ(peerTimeoutFromEnvironment(), std::chrono::milliseconds{0});
  ::unsetenv("JOBSTREAM_PEER_TIMEOUT");
  EXPECT_EQ(peerTimeoutFromEnvironment(), std::chrono::milliseconds{60'000});
  // A small timeout is rounded up to a millisecond, never down to 0 (never).
  EXPECT_EQ(peerTimeoutOf(0.0001), std::chrono::milliseconds{1});
  EXPECT_EQ(peerTimeoutOf(0), std::chrono::milliseconds{0});
}

// The lines job_stream's users' scripts match.
bool hasStatsLines(const std::string& err) {
  const std::regex rank(R"((^|\n)0_\S+ \d+% user time \(\d+% mpi\), \d+% user cpu, \d+ messages \(\d+% user\)\n)");
  const std::regex cluster(R"((^|\n)C \d+% user time, \d+% user cpu, quality \d+\.\d+ cpus, ran \d+\.\d+s\n)");
  return std::regex_search(err, rank) && std::regex_search(err, cluster);
}

TEST(CommandLine, StatsFromTheOptionOrTheEnvironment) {
  Outcome o = runWith(echo::pipeline, {"1", "2"});
  EXPECT_EQ(o.exitCode, 0) << o.err;
  EXPECT_FALSE(hasStatsLines(o.err)) << o.err;
  o = runWith(echo::pipeline, {"--stats", "1", "2"});
  EXPECT_EQ(o.exitCode, 0) << o.err;
  EXPECT_TRUE(hasStatsLines(o.err)) << o.err;
  EXPECT_EQ(echo::got, (std::vector<int>{1, 2}));
  ::setenv("JOBSTREAM_STATS", "1", 1);
  o = runWith(echo::pipeline, {"1", "2"});
  ::unsetenv("JOBSTREAM_STATS");
  EXPECT_TRUE(hasStatsLines(o.err)) << o.err;
}

TEST(CommandLine, TraceAndReportFilesAreCheckedBeforeTheRun) {
  const std::string folder = std::filesystem::temp_directory_path() / ("cli-observe-" + std::to_string(::getpid()));
  std::filesystem::create_directories(folder);
  // Written whole, nothing else left beside them; --no-progress is accepted.
  Outcome o = runWith(echo::pipeline, {"--trace", folder + "/run.json", "--report", folder + "/run.html",
                                       "--no-progress", "1", "2"});
  EXPECT_EQ(o.exitCode, 0) << o.err;
  EXPECT_TRUE(std::filesystem::is_regular_file(folder + "/run.json"));
  EXPECT_TRUE(std::filesystem::is_regular_file(folder + "/run.html"));
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(folder), std::filesystem::directory_iterator()), 2);
  // A folder that does not exist, or a folder in the way, is a usage error
  // before any work: nothing ran.
  for (const std::string& option : {std::string("--trace"), std::string("--report")}) {
    for (const std::string& path : {folder + "/missing/run.out", folder}) {
      o = runWith(echo::pipeline, {option, path, "1"});
      EXPECT_EQ(o.exitCode, 2) << option << " " << path;
      EXPECT_NE(o.err.find("jobstream: error: cannot write " + option + " '" + path + "'"), std::string::npos)
          << o.err;
      EXPECT_TRUE(echo::got.empty());
    }
  }
  std::filesystem::remove_all(folder);
}

TEST(CommandLine, CheckpointInfoOfAFileThatIsNotOne) {
  Outcome o = runWith(echo::pipeline, {"--checkpoint-info", "/nonexistent-folder/run.ckpt"});
  EXPECT_EQ(o.exitCode, 1);
  EXPECT_NE(o.err.find("jobstream: error: cannot read checkpoint '/nonexistent-folder/run.ckpt'"), std::string::npos)
      << o.err;
  EXPECT_TRUE(echo::got.empty());
}

TEST(CommandLine, ProgramItemsMustMatchTheEntryType) {
  std::istringstream in;
  char name[] = "./prog";
  char* argv[] = {name, nullptr};
  ::testing::internal::CaptureStderr();
  int code = runProgram(echo::pipeline, 1, argv, batchOf(std::vector<int>{5, 6}), &typeid(int), in);
  ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(code, 0);
  EXPECT_EQ(echo::got, (std::vector<int>{5, 6}));
  ::testing::internal::CaptureStderr();
  code = runProgram(echo::pipeline, 1, argv, batchOf(std::vector<double>{5}), &typeid(double), in);
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(code, 2);
  EXPECT_EQ(err, "jobstream: error: the program gives items of type 'double', but the pipeline's first stage, "
                 "'echo::all', takes 'int'\n");
}

std::string programItemsError(const PipelineDef& pipeline, std::unique_ptr<BatchBase> items,
                              const std::type_info& type) {
  std::istringstream in;
  char name[] = "./prog";
  char* argv[] = {name, nullptr};
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(runProgram(pipeline, 1, argv, std::move(items), &type, in), 2);
  return ::testing::internal::GetCapturedStderr();
}

TEST(CommandLine, ProgramItemsOfTheWrongTypeAreNamedAsAUserWritesThem) {
  EXPECT_EQ(programItemsError(echo::pipeline, batchOf(std::vector<std::string>{"5"}), typeid(std::string)),
            "jobstream: error: the program gives items of type 'std::string', but the pipeline's first stage, "
            "'echo::all', takes 'int'\n");
  using Table = std::map<std::string, std::vector<std::pair<int, std::string>>>;
  EXPECT_EQ(programItemsError(echo::pipeline, batchOf(std::vector<Table>{}), typeid(Table)),
            "jobstream: error: the program gives items of type 'std::map<std::string, std::vector<std::pair<int, "
            "std::string>>>', but the pipeline's first stage, 'echo::all', takes 'int'\n");
  // A type the pipeline itself uses is named as its source spells it.
  EXPECT_EQ(programItemsError(scoped::mean::pipeline, batchOf(std::vector<scoped::mean::Sum>{}),
                              typeid(scoped::mean::Sum)),
            "jobstream: error: the program gives items of type 'Sum', but the pipeline's first stage, "
            "'mean::twice', takes 'int'\n");
  // String literals in braces are `const char*`, the commonest way to get here.
  EXPECT_EQ(programItemsError(words::pipeline, batchOf(std::vector<const char*>{"a"}), typeid(const char*)),
            "jobstream: error: the program gives items of type 'const char*', but the pipeline's first stage, "
            "'words::describe', takes 'std::string' (string literals in braces are 'const char*': pass "
            "std::vector<std::string>{...})\n");
}

TEST(CommandLine, MalformedPipelineIsRefused) {
  const StageDef noFunction[] = {
      {StageKind::job, "bad::job", &itemTypeOf<int>, "int", false, nullptr, nullptr, nullptr}};
  const PipelineDef bad{"bad", "x", noFunction, 0, nullptr};
  EXPECT_THROW(validatePipeline(bad), std::invalid_argument);
  Outcome o = runWith(bad, {});
  EXPECT_EQ(o.exitCode, 1);
  EXPECT_NE(o.err.find("'bad::job'"), std::string::npos) << o.err;
}

TEST(Demangle, NamesTypesAsAUserWritesThem) {
  EXPECT_EQ(demangle(typeid(int)), "int");
  EXPECT_EQ(demangle(typeid(std::vector<int>)), "std::vector<int>");
  EXPECT_EQ(demangle(typeid(std::string)), "std::string");
  EXPECT_EQ(demangle(typeid(std::string_view)), "std::string_view");
  EXPECT_EQ(demangle(typeid(std::vector<std::string>)), "std::vector<std::string>");
  EXPECT_EQ(demangle(typeid(std::unordered_map<std::string, long>)), "std::unordered_map<std::string, long>");
  EXPECT_EQ(demangle(typeid(std::map<int, std::set<std::string>>)), "std::map<int, std::set<std::string>>");
  EXPECT_EQ(demangle(typeid(std::deque<std::list<int>>)), "std::deque<std::list<int>>");
  EXPECT_EQ(demangle(typeid(std::unique_ptr<int>)), "std::unique_ptr<int>");
  EXPECT_EQ(demangle(typeid(std::array<int, 3>)), "std::array<int, 3>");
  EXPECT_EQ(demangle(typeid(const char*)), "const char*");
  EXPECT_EQ(demangle(typeid(std::pair<const int, double>)), "std::pair<const int, double>");
  EXPECT_EQ(demangle(typeid(std::optional<std::tuple<int, std::string>>)),
            "std::optional<std::tuple<int, std::string>>");
  // What is not the default stays.
  EXPECT_EQ(demangle(typeid(std::set<int, std::greater<int>>)), "std::set<int, std::greater<int>>");
  EXPECT_EQ(demangle(typeid(std::vector<int, std::allocator<int>>)), "std::vector<int>");
  EXPECT_EQ(demangle(typeid(scoped::mean::Sum)), "jstest::scoped::mean::Sum");
}

}  // namespace
}  // namespace jstest

namespace jstest {
namespace {

// The registry is process-wide and append-only: both cases in one test.
TEST(Registry, RunNeedsExactlyOnePipeline) {
  char name[] = "./prog";
  char* argv[] = {name, nullptr};
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(jobstream::run(1, argv), 1);
  std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("jobstream: error: this program has no pipeline"), std::string::npos) << err;

  registerPipeline(linear::pipeline);
  registerPipeline(collect::pipeline);
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(jobstream::run(1, argv), 1);
  err = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("this program has 2 pipelines ('linear', 'collect')"), std::string::npos) << err;
}

}  // namespace
}  // namespace jstest
