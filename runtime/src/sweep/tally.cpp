// A sweep combination's trials: the statistics, the stopping rule of the
// contract's section 7, and which trials to hand out next.
//
// The rule looks at trials in index order only: a block that finishes before
// the blocks below it waits in `ahead_` until they are in, and the running
// statistics (Welford's, one column at a time) take the trials 0, 1, 2, ...
// one by one, checking the rule after each. So the row depends on the
// trials' outcomes alone, never on which rank or thread ran which, and
// trials run ahead past the stopping point are dropped.
#include <boost/math/distributions/students_t.hpp>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <memory>
#include <stdexcept>

#include "jobstream/detail/sweep.hpp"

namespace jobstream::detail {

namespace {

// t(0.975, dof) for the degrees of freedom a sweep meets most, computed once
// each; past these, on every call (boost's quantile takes microseconds).
constexpr std::uint64_t kCachedDegrees = 1 << 14;

double computeT975(std::uint64_t degreesOfFreedom) {
  const boost::math::students_t distribution(static_cast<double>(degreesOfFreedom));
  return boost::math::quantile(distribution, 0.975);
}

// The most trials a block holds: enough to make a block's overhead nothing
// beside a trivial trial, few enough that a combination's trials spread.
constexpr std::uint64_t kMaxBlock = 1024;

}  // namespace

double studentT975(std::uint64_t degreesOfFreedom) {
  if (degreesOfFreedom == 0) return std::numeric_limits<double>::quiet_NaN();
  if (degreesOfFreedom >= kCachedDegrees) return computeT975(degreesOfFreedom);
  // Filled on demand by whichever thread asks first; a race computes the
  // same value twice.
  static const std::unique_ptr<std::atomic<double>[]> cache(new std::atomic<double>[kCachedDegrees]());
  std::atomic<double>& slot = cache[degreesOfFreedom];
  double value = slot.load(std::memory_order_relaxed);
  if (value == 0) {
    value = computeT975(degreesOfFreedom);
    slot.store(value, std::memory_order_relaxed);
  }
  return value;
}

std::vector<TrialRange> SweepTally::start(std::size_t columns, const SweepSettings& settings, int threads) {
  if (columns == 0) throw std::invalid_argument("a sweep's outcome has no column");
  columns_ = columns;
  threads_ = static_cast<std::uint64_t>(std::max(1, threads));
  if (settings.trials > 0) {
    exact_ = static_cast<std::uint64_t>(settings.trials);
  } else {
    maximum_ = settings.trials < 0 ? static_cast<std::uint64_t>(-(settings.trials + 1)) + 1 : settings.maxTrials;
    maximum_ = std::max<std::uint64_t>(maximum_, 1);
    minimum_ = std::min(std::max<std::uint64_t>(settings.minTrials, 2), maximum_);
    relative_ = settings.relativeError;
    absolute_ = settings.absoluteError;
  }
  mean_.assign(columns_, 0.0);
  m2_.assign(columns_, 0.0);
  return issueUpTo(exact_ ? exact_ : minimum_);
}

std::vector<TrialRange> SweepTally::add(std::uint64_t first, std::uint64_t count, const std::vector<double>& values) {
  if (values.size() != count * columns_) throw std::logic_error("a sweep's block has the wrong number of outcomes");
  if (done() || first < counted_) return {};  // past the stopping point, or folded before a resume
  if (first > counted_) {
    ahead_.emplace(first, values);
    return {};
  }
  for (std::uint64_t i = 0; i != count && !done(); ++i) fold(&values[i * columns_]);
  // Blocks that were waiting for this one.
  for (auto next = ahead_.find(counted_); !done() && next != ahead_.end(); next = ahead_.find(counted_)) {
    const std::vector<double> rows = std::move(next->second);
    ahead_.erase(next);
    for (std::size_t at = 0; at < rows.size() && !done(); at += columns_) fold(&rows[at]);
  }
  if (done()) {
    ahead_.clear();
    return {};
  }
  return issueUpTo(wanted());
}

std::vector<TrialRange> SweepTally::more() {
  if (done()) return {};
  // No trial is running, yet the rule wants more: every block handed out was
  // folded, so what is wanted is past `issued_`.
  if (issued_ != counted_) throw std::logic_error("a sweep's trials went missing");
  return issueUpTo(std::max(wanted(), counted_ + 1));
}

void SweepTally::fold(const double* row) {
  const auto n = static_cast<double>(++counted_);
  for (std::size_t c = 0; c != columns_; ++c) {
    const double delta = row[c] - mean_[c];
    mean_[c] += delta / n;
    m2_[c] += delta * (row[c] - mean_[c]);
  }
  if (exact_) {
    if (counted_ == exact_) stopAt_ = counted_;
  } else if ((counted_ >= minimum_ && ruleMet()) || counted_ >= maximum_) {
    stopAt_ = counted_;
  }
}

bool SweepTally::ruleMet() const {
  if (counted_ < 2) return false;
  const double n = static_cast<double>(counted_);
  const double t = studentT975(counted_ - 1);
  for (std::size_t c = 0; c != columns_; ++c) {
    const double err = t * std::sqrt(m2_[c] / (n - 1)) / std::sqrt(n);
    if (!(err <= std::max(relative_ * std::abs(mean_[c]), absolute_))) return false;
  }
  return true;
}

// How many trials the combination should have handed out by now.
std::uint64_t SweepTally::wanted() const {
  if (exact_) return exact_;
  if (counted_ < minimum_) return minimum_;
  // The trials the rule would need if the spread and the mean stayed as they
  // are (Driels and Shin's estimate, as job_stream made it): n with
  // t * dev / sqrt(n) = target. With few trials t and dev are rough, so the
  // estimate may at most double the trials (plus one per worker thread) at
  // each step: trials run past the stopping point are wasted.
  const double n = static_cast<double>(counted_);
  const double t = studentT975(counted_ - 1);
  double need = n + 1;
  for (std::size_t c = 0; c != columns_; ++c) {
    const double target = std::max(relative_ * std::abs(mean_[c]), absolute_);
    const double dev = std::sqrt(m2_[c] / (n - 1));
    const double estimate = target > 0 ? std::ceil(std::pow(t * dev / target, 2)) : static_cast<double>(maximum_);
    if (std::isfinite(estimate)) need = std::max(need, estimate);
    else need = static_cast<double>(maximum_);
  }
  const double cap = std::min(static_cast<double>(maximum_), 2 * n + static_cast<double>(threads_));
  return static_cast<std::uint64_t>(std::min(need, cap));
}

std::vector<TrialRange> SweepTally::issueUpTo(std::uint64_t target) {
  std::vector<TrialRange> ranges;
  if (target <= issued_) return ranges;
  // Blocks of a quarter of what is left per worker thread of the run, so
  // that the trials of one combination spread over every worker.
  const std::uint64_t left = target - issued_;
  const std::uint64_t block = std::clamp<std::uint64_t>(left / (4 * threads_), 1, kMaxBlock);
  ranges.reserve(static_cast<std::size_t>((left + block - 1) / block));
  while (issued_ < target) {
    const std::uint64_t count = std::min(block, target - issued_);
    ranges.push_back({issued_, count});
    issued_ += count;
  }
  return ranges;
}

void SweepTally::statistics(double* mean, double* dev, double* err) const {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double n = static_cast<double>(counted_);
  const double t = counted_ >= 2 ? studentT975(counted_ - 1) : nan;
  for (std::size_t c = 0; c != columns_; ++c) {
    mean[c] = counted_ ? mean_[c] : nan;
    dev[c] = counted_ >= 2 ? std::sqrt(m2_[c] / (n - 1)) : nan;
    err[c] = counted_ >= 2 ? t * dev[c] / std::sqrt(n) : nan;
  }
}

}  // namespace jobstream::detail
