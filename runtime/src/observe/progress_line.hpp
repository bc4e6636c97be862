// The --progress line (contract, section 4): one line on stderr that says how
// the run is going, rewritten in place a few times a second:
//
//   jobstream 3m05s | 1.23M items done (6.6k/s) | 412 waiting | 8/8 workers busy | 2 ranks | ...
//
// formatProgress makes the text, ProgressLine draws it. Messages printed on
// std::cerr meanwhile go through ClearLiveLine (jobstream/detail/report.hpp),
// which takes the line off and puts it back, so the two never mix.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "jobstream/detail/report.hpp"

namespace jobstream::detail {

// What the line shows, as the run sees it now.
struct ProgressView {
  double elapsedSeconds = 0;
  std::uint64_t finished = 0;  // items done
  double itemsPerSecond = 0;
  std::uint64_t waiting = 0;  // items queued, all ranks together
  // A jobstream::Lazy has items it has not drawn yet, which `waiting` leaves
  // out (there may be no telling how many): the line says "412+ waiting".
  bool undrawn = false;
  int busyWorkers = 0;
  int workers = 0;
  int ranks = 1;
  // Stage names and the items waiting there, most first.
  std::vector<std::pair<std::string, std::uint64_t>> busiestStages;
  // The run writes checkpoints: with no checkpoint taken yet the line says so.
  bool checkpointing = false;
  std::optional<double> secondsSinceCheckpoint;
  // A sweep's combinations: done, of all.
  std::optional<std::pair<std::uint64_t, std::uint64_t>> combinations;
};

// The line's text, at most `columns` display columns wide. Fields are kept
// in this order of importance and the least important dropped first:
// elapsed time, items done and rate, waiting, workers busy, ranks, sweep,
// checkpoint age, busiest stages. When long forms ("8/8 workers busy")
// would drop fields that short ones ("8/8 busy") keep, the short ones are
// used. Stage names lose control and invisible characters and are cut with
// an ellipsis.
std::string formatProgress(const ProgressView& view, int columns);

// The units the line speaks in, for its tests: 12.3s, 3m05s, 1h02m, 2d03h;
// 412, 45.6k, 1.23M; 6.6/s, 6.6k/s.
std::string durationText(double seconds);
std::string countText(std::uint64_t count);
std::string rateText(double perSecond);

// The columns a terminal gives `text` (UTF-8): East Asian wide characters
// and emoji take two; when unsure, the larger count, so a line never wraps.
std::size_t displayColumns(std::string_view text);

// The progress line on a file descriptor (stderr). On a terminal it is one
// line rewritten in place ("\r", text, erase to the end of the line) at most
// four times a second, as wide as the terminal is at each draw. Elsewhere (a
// file, a pipe) it is a plain line every ten seconds, which a log can hold.
// All members may be called from any thread.
class ProgressLine final : public LiveLine {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;

  static constexpr std::chrono::milliseconds kTerminalInterval{250};
  static constexpr std::chrono::seconds kLogInterval{10};

  // Registers itself as the live line messages on std::cerr clear around.
  // `now` is the clock update() is rate-limited by (tests step their own).
  ProgressLine(int fd, bool terminal, Clock now = &std::chrono::steady_clock::now);
  ~ProgressLine();  // finish()
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  // Shows `view`, unless the line was drawn less than an interval ago: the
  // caller may call this as often as it likes.
  void update(const ProgressView& view);
  // Erases the line until the next drawn update().
  void hide();
  // Erases the line for good, before the run's last words (statistics,
  // results) are printed where it was.
  void finish();

  void takeOff() override;
  void putBack() override;

 private:
  void draw();   // the latest view
  void erase();  // if shown
  void write(std::string_view bytes);

  const int fd_;
  const bool terminal_;
  const Clock now_;
  std::mutex mutex_;
  std::optional<ProgressView> view_;  // the latest one update() accepted
  std::optional<std::chrono::steady_clock::time_point> lastUpdate_;
  bool shown_ = false;    // on the terminal now
  int takenOff_ = 0;      // takeOff() calls not yet put back
  bool putBack_ = false;  // putBack() draws: it was shown, or an update came meanwhile
  bool finished_ = false;
};

}  // namespace jobstream::detail
