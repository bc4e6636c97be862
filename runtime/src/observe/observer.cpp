#include "observe/observer.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <thread>

#include "jobstream/detail/exit_status.hpp"
#include "jobstream/detail/report.hpp"
#include "messages/wire.hpp"
#include "observe/progress_line.hpp"
#include "observe/report_file.hpp"
#include "observe/stats.hpp"
#include "observe/trace_file.hpp"

namespace jobstream::detail {

namespace {

constexpr std::int64_t kMs = 1'000'000;
constexpr std::int64_t kSampleEvery = 100 * kMs;
constexpr std::int64_t kProgressEvery = 250 * kMs;  // the line is redrawn at most 4 times a second
constexpr std::int64_t kSummaryEvery = 1000 * kMs;  // without the progress line: for a failure's record
constexpr std::int64_t kRateWindow = 5000 * kMs;    // the rate on the progress line is over the last 5 s
constexpr auto kGatherTimeout = std::chrono::seconds(60);
constexpr auto kFailedHandover = std::chrono::seconds(5);

std::string_view kindName(StageKind kind) {
  switch (kind) {
    case StageKind::init: return "init";
    case StageKind::job: return "job";
    case StageKind::result: return "result";
    case StageKind::finish: return "finish";
    case StageKind::print: return "print";
    case StageKind::reduce: return "reduce";
    case StageKind::emit: return "emit";
    case StageKind::frame: return "frame";
    case StageKind::frame_end: return "frame_end";
  }
  return "stage";
}

std::string hostName() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') return "unknown";
  return name;
}

}  // namespace

Observer::Observer(Tree& tree, MeasuredTransport& transport, const PipelineDef& pipeline, RankRecorder& recorder,
                   int threads, int workersInRun, std::function<LiveState()> live)
    : tree_(tree),
      transport_(transport),
      pipeline_(pipeline),
      recorder_(recorder),
      threads_(threads),
      workersInRun_(workersInRun),
      live_(std::move(live)) {
  recorder_.host = hostName();
  recorder_.threads = threads;
  if (tree_.root()) {
    latest_.resize(static_cast<std::size_t>(tree_.size()));
    final_.resize(static_cast<std::size_t>(tree_.size()), 0);
    if (recorder_.options().progress) progress_ = std::make_unique<ProgressLine>(STDERR_FILENO, ::isatty(STDERR_FILENO) == 1);
    pingsLeft_ = 0;
  } else {
    ping();
  }
}

Observer::~Observer() = default;

void Observer::ping() {
  if (pingsLeft_ == 0 || pingOut_) return;
  --pingsLeft_;
  pingOut_ = true;
  tree_.send(0, MessageKind::clockPing, encode(ClockPing{now()}));
}

// Cristian's estimate: rank 0 read its clock about halfway through the round
// trip, within half of it.
void Observer::onPong(const ClockPong& pong) {
  if (!pingOut_) throw std::runtime_error("clock pong out of step");
  pingOut_ = false;
  const std::int64_t back = now();
  const std::int64_t error = (back - pong.sentAt) / 2;
  if (bestError_ < 0 || error < bestError_) {
    bestError_ = error;
    recorder_.setClockOffset(pong.rootAt - (pong.sentAt + back) / 2, error);
  }
  ping();
}

RankReport Observer::report(const LiveState& live, bool full, bool complete) {
  recorder_.wallNs = now();
  recorder_.mpiNs = transport_.ns;
  recorder_.messages = transport_.received;
  recorder_.userMessages = transport_.receivedWork;
  recorder_.itemsFinished = live.finished;
  recorder_.peakWaiting = live.peakWaiting;
  recorder_.sample(live.finished, live.waiting, live.busy, full);
  RankReport report;
  report.record = recorder_.record(full, complete);
  report.waitingByStage = live.waitingByStage;
  report.combinationsStarted = recorder_.combinationsStarted();
  report.combinationsDone = recorder_.combinationsDone();
  if (!full) report.sweepLines = recorder_.takeSweepLines();
  return report;
}

bool Observer::tick() {
  const std::int64_t at = now();
  // A finished combination of a sweep is told at once: the run may end
  // before the next summary is due, and its line should come before the table.
  if (recorder_.hasSweepLines()) {
    if (tree_.root()) {
      printSweepLines(recorder_.takeSweepLines());
    } else {
      nextSummary_ = at;
    }
  }
  if (at < nextSample_ && at < nextSummary_ && !(progress_ && at >= nextProgress_)) return false;
  const LiveState live = live_();
  bool sent = false;
  if (at >= nextSample_) {
    recorder_.sample(live.finished, live.waiting, live.busy);
    nextSample_ = at + kSampleEvery;
  }
  const bool fast = recorder_.options().progress;
  if (at >= nextSummary_) {
    nextSummary_ = at + (fast ? kProgressEvery : kSummaryEvery);
    if (!tree_.root()) {
      tree_.send(0, MessageKind::summary, encode(report(live, false, false)));
      sent = true;
    }
  }
  if (progress_ && at >= nextProgress_) {
    nextProgress_ = at + kProgressEvery;
    updateProgress(live);
  }
  return sent;
}

void Observer::handle(const Message& message) {
  switch (static_cast<MessageKind>(message.tag)) {
    case MessageKind::clockPing: {
      if (!tree_.root()) throw std::runtime_error("clock ping out of step (sent to another rank than 0)");
      const auto ping = decode<ClockPing>(message.bytes);
      tree_.send(message.source, MessageKind::clockPong, encode(ClockPong{ping.sentAt, now()}));
      break;
    }
    case MessageKind::clockPong:
      onPong(decode<ClockPong>(message.bytes));
      break;
    case MessageKind::summary: {
      if (!tree_.root()) throw std::runtime_error("summary out of step (sent to another rank than 0)");
      RankReport summary = decode<RankReport>(message.bytes);
      printSweepLines(summary.sweepLines);
      const auto from = static_cast<std::size_t>(message.source);
      if (!final_[from]) latest_[from] = std::move(summary);  // a summary may overtake the record
      break;
    }
    case MessageKind::record: {
      // While the run goes on, a record means its rank failed.
      if (!tree_.root()) throw std::runtime_error("record out of step (sent to another rank than 0)");
      RankReport record = decode<RankReport>(message.bytes);
      const auto from = static_cast<std::size_t>(message.source);
      const std::string error = record.error;
      latest_[from] = std::move(record);
      final_[from] = 1;
      if (!error.empty()) {
        endedElsewhere(error);
        tree_.send(message.source, MessageKind::recordTaken, encode(Signal{}));
      }
      break;
    }
    case MessageKind::recordTaken:
      decode<Signal>(message.bytes);
      break;
    default:
      throw std::logic_error("not a message of the observer");
  }
}

void Observer::printSweepLines(const std::vector<std::string>& lines) {
  if (!progress_ || lines.empty()) return;
  std::string text;
  for (const std::string& line : lines) text += line + '\n';
  const ClearLiveLine clear(std::cerr);
  std::cerr << text << std::flush;
}

void Observer::updateProgress(const LiveState& live) {
  ProgressView view;
  view.elapsedSeconds = static_cast<double>(now()) / 1e9;
  view.finished = live.finished;
  view.waiting = live.waiting;
  view.undrawn = live.openSources != 0;
  view.busyWorkers = static_cast<int>(live.busy);
  view.workers = workersInRun_;
  view.ranks = tree_.size();
  view.checkpointing = live.checkpointing;
  view.secondsSinceCheckpoint = live.secondsSinceCheckpoint;
  std::vector<std::uint64_t> byStage = live.waitingByStage;
  printSweepLines(recorder_.takeSweepLines());
  std::uint64_t started = recorder_.combinationsStarted(), done = recorder_.combinationsDone();
  for (std::size_t rank = 1; rank < latest_.size(); ++rank) {
    if (!latest_[rank]) continue;
    const RankReport& other = *latest_[rank];
    started += other.combinationsStarted;
    done += other.combinationsDone;
    if (!other.record.samples.empty()) {
      const Sample& last = other.record.samples.back();
      view.finished += last.finished;
      view.waiting += last.waiting;
      view.busyWorkers += static_cast<int>(last.busyWorkers);
    }
    byStage.resize(std::max(byStage.size(), other.waitingByStage.size()));
    for (std::size_t i = 0; i != other.waitingByStage.size(); ++i) byStage[i] += other.waitingByStage[i];
  }
  if (started != 0) view.combinations = std::make_pair(done, started);
  const std::int64_t at = now();
  history_.emplace_back(at, view.finished);
  while (history_.size() > 2 && history_.front().first < at - kRateWindow) history_.pop_front();
  const auto& [since, then] = history_.front();
  view.itemsPerSecond =
      at > since ? static_cast<double>(view.finished - std::min(then, view.finished)) * 1e9 / static_cast<double>(at - since)
                 : 0.0;
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i != byStage.size() && i != pipeline_.stages.size(); ++i)
    if (byStage[i] != 0) order.push_back(i);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return byStage[a] > byStage[b]; });
  // Names without the pipeline's namespace, which every stage shares: the
  // line is short.
  const std::string prefix = pipeline_.name.empty() ? std::string() : std::string(pipeline_.name) + "::";
  for (std::size_t i = 0; i != order.size() && i != 3; ++i) {
    std::string_view name = pipeline_.stages[order[i]].name;
    if (!prefix.empty() && name.starts_with(prefix)) name.remove_prefix(prefix.size());
    view.busiestStages.emplace_back(std::string(name), byStage[order[i]]);
  }
  progress_->update(view);
}

RunRecord Observer::assemble(bool complete, int exitCode, const std::string& error) {
  RunRecord run;
  run.pipeline = std::string(pipeline_.name);
  for (const StageDef& stage : pipeline_.stages)
    run.stages.push_back(StageInfo{std::string(stage.name), std::string(kindName(stage.kind))});
  run.ranksInRun = tree_.size();
  run.error = error;
  run.exitCode = exitCode;
  run.startedAtUnixMs = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count() -
                        now() / kMs;
  RankReport own = report(live_(), true, complete);
  run.ranks.resize(static_cast<std::size_t>(tree_.size()));
  run.ranks[0] = std::move(own.record);
  for (std::size_t rank = 1; rank < latest_.size(); ++rank) {
    if (latest_[rank]) {
      run.ranks[rank] = latest_[rank]->record;
      if (!final_[rank]) run.ranks[rank].complete = false;
    } else {
      run.ranks[rank].rank = static_cast<int>(rank);  // never heard from
    }
  }
  return run;
}

bool Observer::write(RunRecord run) {
  if (written_) return true;
  written_ = true;
  if (progress_) progress_->finish();
  bool ok = true;
  const ObserveOptions& options = recorder_.options();
  if (options.stats) std::cerr << statsText(run) << std::flush;
  const auto attempt = [&](const std::string& path, const char* what, auto&& writer) {
    if (path.empty()) return;
    try {
      writer(run, path);
    } catch (const std::exception& e) {
      reportError(std::cerr, fmt::format("the {} was not written: {}", what, e.what()));
      ok = false;
    }
  };
  attempt(options.trace, "trace", [](const RunRecord& r, const std::string& p) { writeTraceFile(r, p); });
  attempt(options.report, "report", [](const RunRecord& r, const std::string& p) { writeReportFile(r, p); });
  return ok;
}

bool Observer::finish(int exitCode, const std::string& error) {
  if (!tree_.root()) {
    // Every clock ping answered first, so that nothing is in flight to a
    // rank that has left.
    while (pingOut_) {
      if (std::optional<Message> message = transport_.poll()) {
        if (static_cast<MessageKind>(message->tag) != MessageKind::clockPong)
          throw std::runtime_error(fmt::format("a message of kind {} after the end of the run", message->tag));
        onPong(decode<ClockPong>(message->bytes));
        pingsLeft_ = 0;
      } else {
        std::this_thread::yield();
      }
    }
    tree_.send(0, MessageKind::record, encode(report(live_(), true, true)));
    return true;
  }
  std::size_t missing = 0;
  for (std::size_t rank = 1; rank < final_.size(); ++rank) missing += final_[rank] ? 0 : 1;
  const auto deadline = std::chrono::steady_clock::now() + kGatherTimeout;
  while (missing != 0 && std::chrono::steady_clock::now() < deadline) {
    std::optional<Message> message = transport_.poll();
    if (!message) {
      std::this_thread::sleep_for(std::chrono::microseconds(100));
      continue;
    }
    const auto kind = static_cast<MessageKind>(message->tag);
    if (kind == MessageKind::record) {
      const auto from = static_cast<std::size_t>(message->source);
      if (final_[from]) throw std::runtime_error("record out of step (twice from one rank)");
      latest_[from] = decode<RankReport>(message->bytes);
      final_[from] = 1;
      --missing;
    } else if (kind == MessageKind::clockPing || kind == MessageKind::summary) {
      handle(*message);
    } else {
      throw std::runtime_error(fmt::format("a message of kind {} after the end of the run", message->tag));
    }
  }
  if (missing != 0)
    reportWarning(std::cerr, fmt::format("{} rank{} sent no record of the run in {} s; what they did is missing",
                                         missing, missing == 1 ? "" : "s", kGatherTimeout.count()));
  return write(assemble(true, exitCode, error));
}

void Observer::failed(const std::string& error) {
  // The run is failing already: what cannot be gathered is said, never
  // thrown over the error the user must see.
  try {
    handOver(error);
  } catch (const std::exception& e) {
    reportWarning(std::cerr, fmt::format("what rank {} recorded of the run is lost: {}", tree_.rank(), e.what()));
  }
}

void Observer::handOver(const std::string& error) {
  if (tree_.root()) {
    write(assemble(false, exit_status::failed, error));
    return;
  }
  RankReport own = report(live_(), true, false);
  own.error = error;
  tree_.send(0, MessageKind::record, encode(own));
  // Rank 0 writes what it has, then this rank ends the run. Not for ever:
  // rank 0 may be the one that cannot answer.
  const auto deadline = std::chrono::steady_clock::now() + kFailedHandover;
  while (std::chrono::steady_clock::now() < deadline && !transport_.aborted()) {
    std::optional<Message> message = transport_.poll();
    if (message && static_cast<MessageKind>(message->tag) == MessageKind::recordTaken) return;
    if (!message) std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
}

void Observer::endedElsewhere(const std::string& error) {
  if (!tree_.root()) return;
  try {
    write(assemble(false, exit_status::failed, error));
  } catch (const std::exception& e) {
    reportWarning(std::cerr, fmt::format("what rank 0 recorded of the run is lost: {}", e.what()));
  }
}

}  // namespace jobstream::detail
