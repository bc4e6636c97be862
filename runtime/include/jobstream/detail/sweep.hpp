// Parameter sweeps (contract, section 7): what the code jsgen generates for a
// [[jobstream::sweep]] stage runs on.
//
// jsgen lowers a sweep `O f(const P&, std::uint64_t trial)` into a frame and
// its body, so that sweeps are spread, checkpointed and resumed like any
// frame:
//
//   frame      Sweep<D>::enter   each P starts an instance; hands out trials
//   job        Sweep<D>::run     runs a block of trials: f(p, first..first+count-1)
//   frame_end  Sweep<D>::add     folds a block's outcomes in trial order, hands out more
//   emit       Sweep<D>::row     the SweepRow<P, O> that leaves the instance
//
// and, when the rows leave the pipeline, a finish stage Sweep<D>::table that
// prints the table (and writes --csv). D is a description jsgen generates
// per sweep, in the pipeline's namespace of the generated file:
//
//   struct sweep_3 {
//     using Params = ::noise::Params;
//     using Outcome = ::noise::Outcome;
//     static constexpr std::string_view name = "noise::trial";
//     static constexpr std::array<std::string_view, 2> paramColumns{"a", "n"};       // {"param"}: P whole
//     static constexpr std::array<std::string_view, 2> outcomeColumns{"value", "cost"};  // {"value"}: O whole
//     static Outcome trial(const Params& p, std::uint64_t t) { return ::noise::trial(p, t); }
//     static void outcomes(const Outcome& o, double* to) {   // one double per outcome column
//       to[0] = static_cast<double>(o.value); to[1] = static_cast<double>(o.cost);
//     }
//     static Outcome outcome(const double* from) {            // the inverse, for mean/dev/err
//       Outcome o{};
//       o.value = ::jobstream::detail::sweepValue<decltype(o.value)>(from[0]); ...
//       return o;
//     }
//     static void params(const Params& p, std::vector<std::string>& to) {  // one text per param column
//       to.push_back(::jobstream::detail::sweepText(p.a)); to.push_back(::jobstream::detail::sweepText(p.n));
//     }
//     static bool less(const Params& x, const Params& y) {   // the table's order: members in order
//       if (x.a < y.a) return true; if (y.a < x.a) return false;
//       return x.n < y.n;
//     }
//   };
//
// The statistics, the stopping rule and the table live in the library
// (runtime/src/sweep/): only what touches P and O is a template here.
#pragma once

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <map>
#include <span>
#include <sstream>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "jobstream/detail/text.hpp"
#include "jobstream/detail/user_templates.hpp"
#include "jobstream/jobstream.hpp"

JOBSTREAM_TEMPLATES_BEGIN

namespace jobstream::detail {

// The command line's sweep options (contract, section 7). The same on every
// rank: each parses the same argv.
struct SweepSettings {
  std::int64_t trials = 0;     // --trials: > 0 exactly; 0 automatic; < 0 automatic with at most -trials
  std::uint64_t minTrials = 3;  // --min-trials
  std::uint64_t maxTrials = 10000;  // --max-trials
  double relativeError = 0.1;   // --relative-error, E
  double absoluteError = 0.01;  // --absolute-error, A
  std::string csv;              // --csv FILE: the table's rows as CSV as well; empty: none
};

// The settings of the run on this thread's rank; the defaults outside a run.
const SweepSettings& sweepSettings();

// Student's t quantile t(0.975, dof) for dof >= 1: the factor of the 95%
// half-width of a mean's confidence interval.
double studentT975(std::uint64_t degreesOfFreedom);

// A range of trial indices handed out as one item.
struct TrialRange {
  std::uint64_t first = 0;
  std::uint64_t count = 0;
};

// One combination's trials so far: which are handed out, the running
// statistics of trials 0..counted-1 (folded in index order only, so that the
// numbers do not depend on which rank or thread ran which trial), blocks that
// finished ahead of that prefix, and when to stop. Plain data, so that it
// travels in checkpoints; the rule is fixed when the combination starts.
class SweepTally {
 public:
  // Starts a combination of `columns` outcome columns under `settings`, on a
  // run of `threads` worker threads in all. Returns the first trials to run.
  std::vector<TrialRange> start(std::size_t columns, const SweepSettings& settings, int threads);
  // Folds trials [first, first + count) (values: count rows of columns()
  // doubles); returns the trials to run next, none once the rule is met.
  std::vector<TrialRange> add(std::uint64_t first, std::uint64_t count, const std::vector<double>& values);
  // Called when no trial of the combination is running: what is still to run
  // (none when done).
  std::vector<TrialRange> more();

  bool started() const { return columns_ != 0; }
  bool done() const { return stopAt_ != 0 && counted_ >= stopAt_; }
  std::size_t columns() const { return columns_; }
  std::uint64_t trials() const { return counted_; }
  // Over trials 0..trials()-1: mean, sample standard deviation (n - 1) and
  // the 95% half-width t(0.975, n-1) * dev / sqrt(n), per column (NaN for
  // dev and err with fewer than two trials).
  void statistics(double* mean, double* dev, double* err) const;

  template <class Archive>
  void serialize(Archive& archive) {
    archive(columns_, exact_, minimum_, maximum_, relative_, absolute_, threads_, issued_, counted_, stopAt_, mean_,
            m2_, ahead_);
  }

 private:
  std::vector<TrialRange> issueUpTo(std::uint64_t target);
  bool ruleMet() const;
  std::uint64_t wanted() const;
  void fold(const double* row);

  std::uint64_t columns_ = 0;
  std::uint64_t exact_ = 0;    // --trials N > 0; 0: automatic
  std::uint64_t minimum_ = 0;  // automatic: at least this many
  std::uint64_t maximum_ = 0;  // automatic: at most this many
  double relative_ = 0;
  double absolute_ = 0;
  std::uint64_t threads_ = 1;
  std::uint64_t issued_ = 0;   // trials 0..issued-1 are handed out
  std::uint64_t counted_ = 0;  // trials 0..counted-1 are in the statistics
  std::uint64_t stopAt_ = 0;   // the number of trials of the row; 0 until known
  std::vector<double> mean_;   // per column
  std::vector<double> m2_;     // per column: sum of squared deviations (Welford)
  std::map<std::uint64_t, std::vector<double>> ahead_;  // blocks that finished past `counted`, by first trial
};

// The rows of a sweep's table, in the table's order, with the text of their
// parameters; the library formats the table and the CSV.
struct SweepTableRow {
  std::vector<std::string> params;
  std::uint64_t trials = 0;
  std::vector<double> mean, dev, err;
};
// Prints the table on `out` and, when settings name one, writes the CSV file
// (throws std::runtime_error when it cannot be written).
void writeSweepTable(std::span<const std::string_view> paramColumns, std::span<const std::string_view> outcomeColumns,
                     const std::vector<SweepTableRow>& rows, const SweepSettings& settings, std::ostream& out);

// A combination that finished, as the rank where it finished tells it:
// counted for the progress line, told on rank 0's stderr with --progress,
// plotted in the --report page.
struct SweepCombinationDone {
  std::string_view sweep;  // the user's function, "noise::trial"
  std::span<const std::string_view> paramColumns;
  std::vector<std::string> params;  // one text per parameter column
  std::span<const std::string_view> outcomeColumns;
  std::uint64_t trials = 0;
  const double* mean = nullptr;  // one per outcome column
  const double* err = nullptr;
};
void noteSweepCombinationStarted();
void noteSweepCombinationDone(const SweepCombinationDone& done);

// A parameter's text in the table and the CSV: floating point in the
// shortest form that reads back exactly, anything else as the default
// printer writes it.
template <class T>
std::string sweepText(const T& value) {
  if constexpr (std::is_floating_point_v<T>) {
    char buffer[64];
    const auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
    if (error == std::errc()) return std::string(buffer, end);
  }
  std::ostringstream text;
  printItem(text, value);
  return text.str();
}

// A statistic as an outcome member of type T: integers are rounded.
template <class T>
T sweepValue(double value) {
  if constexpr (std::is_same_v<T, bool>) {
    return value >= 0.5;
  } else if constexpr (std::is_integral_v<T>) {
    return std::isfinite(value) ? static_cast<T>(std::llround(value)) : T{};
  } else {
    return static_cast<T>(value);
  }
}

// A combination's store: its parameters and its trials' tally.
template <class P>
struct SweepState {
  P params{};
  SweepTally tally;

  template <class Archive>
  void serialize(Archive& archive) {
    archive(params, tally);
  }
};

// Trials [first, first + count) of one combination: the item the trial job takes.
template <class P>
struct TrialBlock {
  P params{};
  std::uint64_t first = 0;
  std::uint64_t count = 0;

  template <class Archive>
  void serialize(Archive& archive) {
    archive(params, first, count);
  }
};

// What a TrialBlock measured: count rows of one double per outcome column.
struct TrialOutcomes {
  std::uint64_t first = 0;
  std::uint64_t count = 0;
  std::vector<double> values;

  template <class Archive>
  void serialize(Archive& archive) {
    archive(first, count, values);
  }
};

template <class D>
struct Sweep {
  using P = typename D::Params;
  using O = typename D::Outcome;
  static constexpr std::size_t kColumns = D::outcomeColumns.size();

  // frame: the combination's first call starts it; a later one (when none of
  // its trials is running) hands out what is still missing, nothing once done.
  static Multiple<TrialBlock<P>> enter(SweepState<P>& state, const P& params) {
    if (!state.tally.started()) {
      state.params = params;
      noteSweepCombinationStarted();
      return blocks(state, state.tally.start(kColumns, sweepSettings(), total_threads()));
    }
    return blocks(state, state.tally.more());
  }

  // job: runs a block of trials.
  static TrialOutcomes run(const TrialBlock<P>& block) {
    TrialOutcomes done;
    done.first = block.first;
    done.count = block.count;
    done.values.resize(block.count * kColumns);
    for (std::uint64_t i = 0; i != block.count; ++i) D::outcomes(D::trial(block.params, block.first + i), &done.values[i * kColumns]);
    return done;
  }

  // frame_end: folds a block, hands out more when the rule wants more.
  static Multiple<TrialBlock<P>> add(SweepState<P>& state, const TrialOutcomes& done) {
    return blocks(state, state.tally.add(done.first, done.count, done.values));
  }

  // emit: the row of a finished combination.
  static SweepRow<P, O> row(const SweepState<P>& state) {
    double mean[kColumns], dev[kColumns], err[kColumns];
    state.tally.statistics(mean, dev, err);
    SweepRow<P, O> row;
    row.params = state.params;
    row.trials = state.tally.trials();
    row.mean = D::outcome(mean);
    row.dev = D::outcome(dev);
    row.err = D::outcome(err);
    row.exact.reserve(3 * kColumns);
    for (std::size_t c = 0; c != kColumns; ++c) row.exact.insert(row.exact.end(), {mean[c], dev[c], err[c]});
    SweepCombinationDone done{D::name, D::paramColumns, {}, D::outcomeColumns, row.trials, mean, err};
    D::params(state.params, done.params);
    noteSweepCombinationDone(done);
    return row;
  }

  // finish, when the rows leave the pipeline: the table, ordered by the
  // parameters, on stdout (and --csv).
  static void table(std::vector<SweepRow<P, O>> rows) {
    std::stable_sort(rows.begin(), rows.end(),
                     [](const SweepRow<P, O>& x, const SweepRow<P, O>& y) { return D::less(x.params, y.params); });
    std::vector<SweepTableRow> table(rows.size());
    for (std::size_t i = 0; i != rows.size(); ++i) {
      D::params(rows[i].params, table[i].params);
      table[i].trials = rows[i].trials;
      for (std::size_t c = 0; c != kColumns; ++c) {
        table[i].mean.push_back(rows[i].exact[3 * c]);
        table[i].dev.push_back(rows[i].exact[3 * c + 1]);
        table[i].err.push_back(rows[i].exact[3 * c + 2]);
      }
    }
    writeSweepTable(D::paramColumns, D::outcomeColumns, table, sweepSettings(), std::cout);
  }

 private:
  static Multiple<TrialBlock<P>> blocks(const SweepState<P>& state, const std::vector<TrialRange>& ranges) {
    Multiple<TrialBlock<P>> out;
    out.reserve(ranges.size());
    for (const TrialRange& range : ranges) out.push_back(TrialBlock<P>{state.params, range.first, range.count});
    return out;
  }
};

}  // namespace jobstream::detail

JOBSTREAM_TEMPLATES_END
