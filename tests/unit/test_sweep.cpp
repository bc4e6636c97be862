// Sweeps in the library: Student's t, a combination's tally (the stopping
// rule, trials folded in index order whatever order blocks finish in), the
// table and the CSV, and the command line's sweep options.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "jobstream/detail/sweep.hpp"
#include "program/cli.hpp"
#include "test_pipelines.hpp"

namespace jstest {
namespace {

using jobstream::detail::studentT975;
using jobstream::detail::SweepSettings;
using jobstream::detail::SweepTableRow;
using jobstream::detail::SweepTally;
using jobstream::detail::TrialRange;

// A printed t table (two-sided 95%), independent of Boost.
TEST(StudentT, MatchesAPrintedTable) {
  const std::vector<std::pair<std::uint64_t, double>> table = {
      {1, 12.7062}, {2, 4.3027}, {3, 3.1824}, {4, 2.7764}, {5, 2.5706}, {9, 2.2622},
      {10, 2.2281}, {19, 2.0930}, {30, 2.0423}, {100, 1.9840}, {1000, 1.9623}};
  for (const auto& [dof, t] : table) EXPECT_NEAR(studentT975(dof), t, 5e-5) << "dof " << dof;
  // Past the cache, and towards the normal quantile.
  EXPECT_NEAR(studentT975(100000), 1.95998, 1e-4);
  EXPECT_TRUE(std::isnan(studentT975(0)));
}

// Trial t's outcome for the tests: noisy, deterministic.
std::vector<double> outcome(std::uint64_t t, double spread) {
  static std::vector<std::pair<double, double>> noises;  // standard normal pairs, by trial
  while (noises.size() <= t) {
    std::mt19937_64 random(noises.size() * 7919 + 13);
    std::normal_distribution<double> noise(0.0, 1.0);
    const double first = noise(random);
    noises.emplace_back(first, noise(random));
  }
  return {10.0 + spread * noises[t].first, -3.0 + 0.5 * spread * noises[t].second};
}

struct Stats {
  std::vector<double> mean, dev, err;
};

// Two passes over trials 0..n-1, the textbook way.
Stats direct(std::uint64_t n, double spread) {
  Stats s;
  for (std::size_t c = 0; c != 2; ++c) {
    double sum = 0;
    for (std::uint64_t t = 0; t != n; ++t) sum += outcome(t, spread)[c];
    const double mean = sum / static_cast<double>(n);
    double squares = 0;
    for (std::uint64_t t = 0; t != n; ++t) squares += std::pow(outcome(t, spread)[c] - mean, 2);
    const double dev = std::sqrt(squares / static_cast<double>(n - 1));
    s.mean.push_back(mean);
    s.dev.push_back(dev);
    s.err.push_back(studentT975(n - 1) * dev / std::sqrt(static_cast<double>(n)));
  }
  return s;
}

// The smallest n >= lowest where every column's err <= max(E |mean|, A).
std::uint64_t firstMeeting(std::uint64_t lowest, std::uint64_t most, double e, double a, double spread) {
  for (std::uint64_t n = lowest; n < most; ++n) {
    const Stats s = direct(n, spread);
    bool met = true;
    for (std::size_t c = 0; c != 2; ++c) met = met && s.err[c] <= std::max(e * std::abs(s.mean[c]), a);
    if (met) return n;
  }
  return most;
}

// Runs a combination to its end, finishing the blocks handed out in an
// order chosen by `seed` (0: in order) with up to `inFlight` running at once.
SweepTally runTally(const SweepSettings& settings, double spread, std::uint64_t seed, std::size_t inFlight,
                    std::uint64_t* ran = nullptr) {
  SweepTally tally;
  std::vector<TrialRange> running = tally.start(2, settings, 4);
  std::mt19937_64 random(seed);
  std::uint64_t trialsRun = 0;
  for (int guard = 0; !tally.done(); ++guard) {
    if (guard > 1000000) throw std::runtime_error("the tally never finished");
    if (running.empty()) {
      running = tally.more();
      if (running.empty()) break;
      continue;
    }
    // Pick one of the first `inFlight` running blocks.
    const std::size_t window = std::min(inFlight, running.size());
    const std::size_t pick = seed == 0 ? 0 : static_cast<std::size_t>(random() % window);
    const TrialRange block = running[pick];
    running.erase(running.begin() + static_cast<std::ptrdiff_t>(pick));
    std::vector<double> values;
    for (std::uint64_t t = block.first; t != block.first + block.count; ++t) {
      const auto row = outcome(t, spread);
      values.insert(values.end(), row.begin(), row.end());
    }
    trialsRun += block.count;
    const auto more = tally.add(block.first, block.count, values);
    running.insert(running.end(), more.begin(), more.end());
  }
  if (ran) *ran = trialsRun;
  return tally;
}

void expectStats(const SweepTally& tally, const Stats& want) {
  double mean[2], dev[2], err[2];
  tally.statistics(mean, dev, err);
  for (std::size_t c = 0; c != 2; ++c) {
    EXPECT_NEAR(mean[c], want.mean[c], 1e-12 * std::max(1.0, std::abs(want.mean[c]))) << "column " << c;
    EXPECT_NEAR(dev[c], want.dev[c], 1e-10 * std::max(1.0, want.dev[c])) << "column " << c;
    EXPECT_NEAR(err[c], want.err[c], 1e-10 * std::max(1.0, want.err[c])) << "column " << c;
  }
}

void expectSameRow(const SweepTally& a, const SweepTally& b) {
  double am[2], ad[2], ae[2], bm[2], bd[2], be[2];
  a.statistics(am, ad, ae);
  b.statistics(bm, bd, be);
  EXPECT_EQ(a.trials(), b.trials());
  for (std::size_t c = 0; c != 2; ++c) {
    EXPECT_EQ(am[c], bm[c]);  // bit for bit: the same trials folded in the same order
    EXPECT_EQ(ad[c], bd[c]);
    EXPECT_EQ(ae[c], be[c]);
  }
}

TEST(SweepTally, AFixedNumberOfTrialsIsExactAndOrderDoesNotMatter) {
  SweepSettings settings;
  settings.trials = 500;
  const SweepTally inOrder = runTally(settings, 1.0, 0, 1);
  EXPECT_EQ(inOrder.trials(), 500u);
  expectStats(inOrder, direct(500, 1.0));
  for (std::uint64_t seed : {1, 2, 3, 4, 5}) expectSameRow(inOrder, runTally(settings, 1.0, seed, 64));
}

TEST(SweepTally, TheAutomaticRuleStopsAtTheFirstCountThatMeetsIt) {
  SweepSettings settings;  // automatic: min 3, E 0.1, A 0.01
  for (double spread : {0.5, 3.0, 8.0}) {
    const std::uint64_t want = firstMeeting(3, 10000, 0.1, 0.01, spread);
    const SweepTally inOrder = runTally(settings, spread, 0, 1);
    EXPECT_EQ(inOrder.trials(), want) << "spread " << spread;
    expectStats(inOrder, direct(want, spread));
    // Blocks finishing in any order, trials run ahead: the same row.
    for (std::uint64_t seed : {11, 12, 13}) expectSameRow(inOrder, runTally(settings, spread, seed, 16));
  }
}

TEST(SweepTally, MinimumMaximumAndErrorsAreHonoured) {
  SweepSettings settings;
  settings.minTrials = 40;
  EXPECT_EQ(runTally(settings, 0.01, 3, 8).trials(), 40u);  // met at once, but not before 40
  settings = {};
  settings.trials = -25;  // automatic, at most 25
  EXPECT_EQ(runTally(settings, 50.0, 3, 8).trials(), 25u);
  settings = {};
  settings.maxTrials = 30;
  EXPECT_EQ(runTally(settings, 50.0, 3, 8).trials(), 30u);
  settings = {};
  settings.relativeError = 0;
  settings.absoluteError = 0.5;
  EXPECT_EQ(runTally(settings, 2.0, 4, 8).trials(), firstMeeting(3, 10000, 0, 0.5, 2.0));
  // A minimum of 1 still means 2: a deviation needs two trials.
  settings = {};
  settings.minTrials = 1;
  EXPECT_EQ(runTally(settings, 0.0, 0, 1).trials(), 2u);
}

TEST(SweepTally, TrialsRunAheadAreBoundedAndDropped) {
  SweepSettings settings;
  std::uint64_t ran = 0;
  const SweepTally tally = runTally(settings, 3.0, 7, 1000, &ran);
  EXPECT_GE(ran, tally.trials());
  // At most about twice what was needed, plus a thread's worth per step.
  EXPECT_LE(ran, 2 * tally.trials() + 16) << "ran " << ran << " for " << tally.trials();
}

TEST(SweepTally, OneTrialHasNoDeviation) {
  SweepSettings settings;
  settings.trials = 1;
  const SweepTally tally = runTally(settings, 1.0, 0, 1);
  double mean[2], dev[2], err[2];
  tally.statistics(mean, dev, err);
  EXPECT_EQ(mean[0], outcome(0, 1.0)[0]);
  EXPECT_TRUE(std::isnan(dev[0]));
  EXPECT_TRUE(std::isnan(err[1]));
}

TEST(SweepTable, ColumnsAlignAndTheCsvKeepsFullPrecision) {
  const std::string csv = std::filesystem::temp_directory_path() / ("sweep-table-" + std::to_string(::getpid()) + ".csv");
  SweepSettings settings;
  settings.csv = csv;
  const std::string_view params[] = {"a", "label"};
  const std::string_view outcomes[] = {"value"};
  std::vector<SweepTableRow> rows(2);
  rows[0] = {{"1", "plain"}, 3, {1.0 / 3}, {0.25}, {0.6210}};
  rows[1] = {{"10.5", "with, comma \"q\""}, 102, {12345.678901234}, {std::nan("")}, {std::nan("")}};
  std::ostringstream out;
  jobstream::detail::writeSweepTable(params, outcomes, rows, settings, out);
  EXPECT_EQ(out.str(),
            "trials     a            label     value  value_dev  value_err\n"
            "     3     1            plain  0.333333       0.25      0.621\n"
            "   102  10.5  with, comma \"q\"   12345.7        nan        nan\n");
  std::ifstream in(csv);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(),
            "trials,a,label,value,value_dev,value_err\n"
            "3,1,plain,0.3333333333333333,0.25,0.621\n"
            "102,10.5,\"with, comma \"\"q\"\"\",12345.678901234,nan,nan\n");
  std::filesystem::remove(csv);
}

TEST(SweepTable, ACsvThatCannotBeWrittenSaysWhy) {
  SweepSettings settings;
  settings.csv = "/nonexistent-folder/x.csv";
  const std::string_view params[] = {"param"};
  const std::string_view outcomes[] = {"value"};
  std::ostringstream out;
  try {
    jobstream::detail::writeSweepTable(params, outcomes, {}, settings, out);
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot write the sweep's CSV file '/nonexistent-folder/x.csv'"),
              std::string::npos)
        << e.what();
  }
  EXPECT_EQ(out.str(), "trials  param  value  value_dev  value_err\n");
}

TEST(SweepText, FloatsReadBackExactly) {
  EXPECT_EQ(jobstream::detail::sweepText(0.1), "0.1");
  EXPECT_EQ(jobstream::detail::sweepText(1.0 / 3), "0.3333333333333333");
  EXPECT_EQ(jobstream::detail::sweepText(42), "42");
  EXPECT_EQ(jobstream::detail::sweepText(std::string("x y")), "x y");
  EXPECT_EQ(jobstream::detail::sweepValue<int>(2.5), 3);
  EXPECT_EQ(jobstream::detail::sweepValue<int>(std::nan("")), 0);
  EXPECT_EQ(jobstream::detail::sweepValue<float>(0.25), 0.25f);
}

// The command line of a pipeline with a sweep (only the flags matter here).
namespace swept {
inline const StageDef stages[] = {
    {.kind = StageKind::finish, .name = "swept::all", .input = &itemTypeOf<int>, .inputName = "int", .serial = false,
     .sweep = true, .sweepTable = true},
};
inline const PipelineDef pipeline{"swept", "swept-v1", stages, 0, parserFor<int>()};
}  // namespace swept

struct Parsed {
  int exitCode = -1;
  SweepSettings sweep;
  std::string err;
};

Parsed parse(const PipelineDef& pipeline, std::vector<std::string> args) {
  args.insert(args.begin(), "prog");
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  std::ostringstream out, err;
  auto parsed = jobstream::detail::parseCommandLine(pipeline, static_cast<int>(argv.size()), argv.data(), true, true,
                                                    out, err);
  Parsed result;
  result.err = err.str();
  if (const int* code = std::get_if<int>(&parsed)) {
    result.exitCode = *code;
  } else {
    result.exitCode = 0;
    result.sweep = std::get<jobstream::detail::CommandLine>(parsed).sweep;
  }
  return result;
}

TEST(SweepOptions, ParsedWhenThePipelineHasASweep) {
  Parsed p = parse(swept::pipeline, {"--trials", "-50", "--min-trials", "5", "--relative-error", "0.05",
                                     "--absolute-error", "0", "--csv", "out.csv"});
  ASSERT_EQ(p.exitCode, 0) << p.err;
  EXPECT_EQ(p.sweep.trials, -50);
  EXPECT_EQ(p.sweep.minTrials, 5u);
  EXPECT_EQ(p.sweep.relativeError, 0.05);
  EXPECT_EQ(p.sweep.absoluteError, 0);
  EXPECT_EQ(p.sweep.csv, "out.csv");
  p = parse(swept::pipeline, {});
  ASSERT_EQ(p.exitCode, 0) << p.err;
  EXPECT_EQ(p.sweep.trials, 0);
  EXPECT_EQ(p.sweep.minTrials, 3u);
  EXPECT_EQ(p.sweep.maxTrials, 10000u);
}

TEST(SweepOptions, MistakesAreUsageErrorsThatSayWhat) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--trials", "10", "--min-trials", "4"}, "--min-trials is for an automatic number of trials, but --trials 10"},
      {{"--trials", "10", "--max-trials", "40"}, "--max-trials is for an automatic number of trials"},
      {{"--trials", "-10", "--max-trials", "40"}, "--max-trials and --trials -10 both set the most trials"},
      {{"--min-trials", "50", "--max-trials", "40"}, "--min-trials 50 is more than the most trials, 40 (--max-trials)"},
      {{"--min-trials", "50", "--trials", "-20"}, "--min-trials 50 is more than the most trials, 20 (--trials -20)"},
      {{"--relative-error", "0", "--absolute-error", "-1"}, "one of them must be above 0"},
      {{"--trials", "many"}, "'many' is not a whole number of trials"},
      {{"--min-trials", "0"}, "'0' is not a whole number of trials from 1 up"},
      {{"--relative-error", "nan"}, "'nan' is not a number"},
  };
  for (const auto& [args, message] : cases) {
    const Parsed p = parse(swept::pipeline, args);
    EXPECT_EQ(p.exitCode, 2) << args.front();
    EXPECT_NE(p.err.find(message), std::string::npos) << p.err;
  }
}

TEST(SweepOptions, APipelineWithoutASweepHasNone) {
  const StageDef stages[] = {
      {.kind = StageKind::finish, .name = "plain::all", .input = &itemTypeOf<int>, .inputName = "int", .serial = false},
  };
  const PipelineDef plain{"plain", "plain-v1", stages, 0, parserFor<int>()};
  const Parsed p = parse(plain, {"--trials", "3"});
  EXPECT_EQ(p.exitCode, 2);
  EXPECT_NE(p.err.find("--trials"), std::string::npos) << p.err;
}

}  // namespace
}  // namespace jstest
