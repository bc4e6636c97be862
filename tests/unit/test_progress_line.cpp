// The --progress line: its text at any width, and how it is drawn, taken off
// and put back around messages on stderr (the bytes, read back from a pipe).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "jobstream/detail/report.hpp"
#include "observe/progress_line.hpp"

namespace jobstream::detail {
namespace {

using namespace std::chrono_literals;

constexpr std::string_view kErase = "\r\x1b[K";

ProgressView busyRun() {
  ProgressView view;
  view.elapsedSeconds = 185;
  view.finished = 1'234'567;
  view.itemsPerSecond = 6'612;
  view.waiting = 412;
  view.busyWorkers = 8;
  view.workers = 8;
  view.ranks = 2;
  view.busiestStages = {{"tokenize", 300}, {"count", 112}};
  view.checkpointing = true;
  view.secondsSinceCheckpoint = 70;
  return view;
}

ProgressView sweepRun() {
  ProgressView view = busyRun();
  view.combinations = {{12, 40}};
  view.busiestStages = {{"日本語のステージ名はとても長いですね", 12'345}, {"🚀 launch", 7}};
  return view;
}

bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

// ------------------------------------------------------------------ text

TEST(ProgressFormat, ShowsEverythingWhenThereIsRoom) {
  EXPECT_EQ(
      formatProgress(busyRun(), 200),
      "jobstream 3m05s | 1.23M items done (6.6k/s) | 412 waiting | 8/8 workers busy | 2 ranks | "
      "checkpoint 1m10s ago | busiest: tokenize 300, count 112");
}

TEST(ProgressFormat, At80KeepsTheMostImportantInShortForms) {
  EXPECT_EQ(formatProgress(busyRun(), 80),
            "3m05s | 1.23M done 6.6k/s | 412 waiting | 8/8 busy | 2 ranks | ckpt 1m10s ago");
}

TEST(ProgressFormat, At40KeepsElapsedDoneAndWaiting) {
  EXPECT_EQ(formatProgress(busyRun(), 40), "3m05s | 1.23M done 6.6k/s | 412 waiting");
}

TEST(ProgressFormat, NeverWiderThanItsColumns) {
  for (const ProgressView& view : {busyRun(), sweepRun()})
    for (int columns = -1; columns <= 220; ++columns) {
      const std::string line = formatProgress(view, columns);
      EXPECT_LE(displayColumns(line), static_cast<std::size_t>(std::max(columns, 0)))
          << columns << ": " << line;
    }
}

// Whatever the width, the fields shown are the most important ones: a field
// is never shown while a more important one is missing.
TEST(ProgressFormat, DropsTheLeastImportantFirst) {
  // One mark per field, in order of importance, found in both forms.
  const std::vector<std::string_view> marks = {"3m05s", "1.23M", "waiting", "busy",
                                               "ranks", "12/40", "ago",     "busiest"};
  for (int columns = 5; columns <= 220; ++columns) {
    const std::string line = formatProgress(sweepRun(), columns);
    std::size_t shown = 0;
    while (shown < marks.size() && contains(line, marks[shown])) ++shown;
    for (std::size_t i = shown; i < marks.size(); ++i)
      EXPECT_FALSE(contains(line, marks[i])) << columns << ": " << line;
    EXPECT_GE(shown, columns >= 40 ? 3u : 1u) << columns << ": " << line;
  }
}

TEST(ProgressFormat, NarrowerThanTheElapsedTimeCutsIt) {
  EXPECT_EQ(formatProgress(busyRun(), 5), "3m05s");
  EXPECT_EQ(formatProgress(busyRun(), 3), "3m…");
  EXPECT_EQ(formatProgress(busyRun(), 0), "");
}

TEST(ProgressFormat, CheckpointAgeOnlyWhenCheckpointing) {
  ProgressView view = busyRun();
  view.secondsSinceCheckpoint.reset();
  EXPECT_TRUE(contains(formatProgress(view, 200), "| no checkpoint yet |"));
  view.checkpointing = false;
  EXPECT_FALSE(contains(formatProgress(view, 200), "checkpoint"));
}

// Items a jobstream::Lazy has not drawn are not counted (an unsized one
// has no count to give): the waiting count is then at least that many.
TEST(ProgressFormat, UndrawnItemsMakeTheWaitingCountALowerBound) {
  ProgressView view = busyRun();
  view.undrawn = true;
  EXPECT_TRUE(contains(formatProgress(view, 200), "| 412+ waiting |"));
  EXPECT_EQ(formatProgress(view, 41), "3m05s | 1.23M done 6.6k/s | 412+ waiting");
}

TEST(ProgressFormat, SweepCombinations) {
  EXPECT_TRUE(contains(formatProgress(sweepRun(), 250), "| 12/40 combinations |"));
  EXPECT_TRUE(contains(formatProgress(sweepRun(), 80), "| sweep 12/40"));
}

TEST(ProgressFormat, OneOfAThingIsSingular) {
  ProgressView view;
  view.finished = 1;
  view.busyWorkers = 1;
  view.workers = 1;
  view.ranks = 1;
  EXPECT_EQ(formatProgress(view, 200),
            "jobstream 0.0s | 1 item done (0/s) | 0 waiting | 1/1 worker busy | 1 rank");
}

TEST(ProgressFormat, BusiestStagesShrinkToTheRoomLeft) {
  ProgressView view = busyRun();
  const std::string line = formatProgress(view, 99);
  EXPECT_LE(displayColumns(line), 99u);
  EXPECT_TRUE(line.ends_with("| busiest: token… 300")) << line;
}

TEST(ProgressUnits, Durations) {
  EXPECT_EQ(durationText(0), "0.0s");
  EXPECT_EQ(durationText(12.34), "12.3s");
  EXPECT_EQ(durationText(59.94), "59.9s");
  EXPECT_EQ(durationText(59.96), "1m00s");
  EXPECT_EQ(durationText(185), "3m05s");
  EXPECT_EQ(durationText(3599.9), "59m59s");
  EXPECT_EQ(durationText(3725), "1h02m");
  EXPECT_EQ(durationText(90'000), "1d01h");
  EXPECT_EQ(durationText(-1), "0.0s");
  EXPECT_EQ(durationText(std::nan("")), "0.0s");
}

TEST(ProgressUnits, Counts) {
  EXPECT_EQ(countText(0), "0");
  EXPECT_EQ(countText(999), "999");
  EXPECT_EQ(countText(1'234), "1.23k");
  EXPECT_EQ(countText(45'600), "45.6k");
  EXPECT_EQ(countText(99'960), "100k");
  EXPECT_EQ(countText(999'499), "999k");
  EXPECT_EQ(countText(999'500), "1.00M");
  EXPECT_EQ(countText(1'234'567), "1.23M");
  EXPECT_EQ(countText(UINT64_MAX), "18.4E");
}

TEST(ProgressUnits, Rates) {
  EXPECT_EQ(rateText(0), "0/s");
  EXPECT_EQ(rateText(0.5), "0.5/s");
  EXPECT_EQ(rateText(412), "412/s");
  EXPECT_EQ(rateText(999.6), "1.0k/s");
  EXPECT_EQ(rateText(6'612), "6.6k/s");
  EXPECT_EQ(rateText(1.5e6), "1.5M/s");
  EXPECT_EQ(rateText(-3), "0/s");
  EXPECT_EQ(rateText(1.0 / 0.0), "0/s");
}

TEST(ProgressNames, DisplayColumnsCountWideCharactersTwice) {
  EXPECT_EQ(displayColumns("tokenize"), 8u);
  EXPECT_EQ(displayColumns("café"), 4u);
  EXPECT_EQ(displayColumns("日本"), 4u);
  EXPECT_EQ(displayColumns("🚀"), 2u);
  EXPECT_EQ(displayColumns("…"), 1u);
  EXPECT_EQ(displayColumns("\xff"), 1u);
}

// A stage name that would move the cursor, clear the screen, ring the bell,
// reorder the line or end it never reaches the terminal as such.
TEST(ProgressNames, LoseTheirControlCharacters) {
  ProgressView view = busyRun();
  view.busiestStages = {{"\x1b[2J\x1b[Hclear\r\nnext\tline\a\x7f", 5},
                        {"c1\xc2\x9b"
                         "31m",
                         4},  // U+009B, the one-byte CSI
                        {"bidi\u202eevil\u2066", 3},
                        {"zero\u200bwidth\ufeff", 2}};
  const std::string line = formatProgress(view, 250);
  for (const char c : line) {
    const auto byte = static_cast<unsigned char>(c);
    EXPECT_TRUE(byte >= 0x20 && byte != 0x7f) << "byte " << int(byte) << " in " << line;
  }
  EXPECT_TRUE(contains(line, "busiest: [2J[Hclearnextline 5, c131m 4, bidievil 3, zerowidth 2"))
      << line;
}

TEST(ProgressNames, InvalidUtf8IsShownAsQuestionMarks) {
  ProgressView view = busyRun();
  view.busiestStages = {{"bad\xff\xc0\xafname\xe6\x97", 1}};  // stray, overlong, cut short
  EXPECT_TRUE(formatProgress(view, 250).ends_with("busiest: bad???name?? 1"));
}

TEST(ProgressNames, AnEmptyNameIsAQuestionMark) {
  ProgressView view = busyRun();
  view.busiestStages = {{"\r\n", 1}};
  EXPECT_TRUE(formatProgress(view, 250).ends_with("busiest: ? 1"));
}

TEST(ProgressNames, LongNamesAreCutWithAnEllipsis) {
  ProgressView view = busyRun();
  view.busiestStages = {{std::string(100, 'x'), 9}, {"short", 1}};
  EXPECT_TRUE(
      formatProgress(view, 250).ends_with("busiest: " + std::string(23, 'x') + "… 9, short 1"));
  // Wide characters are cut whole, within the same 24 columns (11 of them
  // and the ellipsis).
  EXPECT_TRUE(contains(formatProgress(sweepRun(), 250),
                       "busiest: 日本語のステージ名はと… 12.3k, 🚀 launch 7"))
      << formatProgress(sweepRun(), 250);
}

// ------------------------------------------------------------------ drawing

// A pipe whose read end gives back, without blocking, what was written.
class Pipe {
 public:
  Pipe() {
    if (::pipe(fds_) != 0) throw std::runtime_error("pipe");
    ::fcntl(fds_[0], F_SETFL, O_NONBLOCK);
    ::fcntl(fds_[1], F_SETPIPE_SZ, 1 << 20);  // room for the threads' test
  }
  ~Pipe() {
    ::close(fds_[0]);
    ::close(fds_[1]);
  }
  int writeEnd() const { return fds_[1]; }
  std::string take() {
    std::string bytes;
    char buffer[4096];
    for (ssize_t n; (n = ::read(fds_[0], buffer, sizeof buffer)) > 0;)
      bytes.append(buffer, static_cast<std::size_t>(n));
    return bytes;
  }

 private:
  int fds_[2] = {-1, -1};
};

// A clock the test moves by hand, so the rate limit is checked without waiting.
struct ManualClock {
  std::chrono::steady_clock::time_point now{};
  ProgressLine::Clock clock() {
    return [this] { return now; };
  }
};

// What a draw of `view` writes: the fallback width (a pipe has none), less
// the last column.
std::string drawn(const ProgressView& view) { return "\r" + formatProgress(view, 79) + "\x1b[K"; }

TEST(ProgressLine, DrawsInPlaceWithOneWrite) {
  Pipe pipe;
  ManualClock time;
  ProgressLine line(pipe.writeEnd(), true, time.clock());
  line.update(busyRun());
  EXPECT_EQ(pipe.take(), drawn(busyRun()));
}

TEST(ProgressLine, DrawsAtMostFourTimesASecond) {
  Pipe pipe;
  ManualClock time;
  ProgressLine line(pipe.writeEnd(), true, time.clock());
  ProgressView view = busyRun();
  line.update(view);
  EXPECT_EQ(pipe.take(), drawn(view));
  view.finished += 1;
  for (const auto step : {100ms, 100ms, 49ms}) {
    time.now += step;
    line.update(view);
    EXPECT_EQ(pipe.take(), "");
  }
  time.now += 1ms;  // 250 ms after the last draw
  line.update(view);
  EXPECT_EQ(pipe.take(), drawn(view));
}

TEST(ProgressLine, HideErasesOnlyAShownLine) {
  Pipe pipe;
  ManualClock time;
  ProgressLine line(pipe.writeEnd(), true, time.clock());
  line.hide();
  EXPECT_EQ(pipe.take(), "");
  line.update(busyRun());
  line.hide();
  EXPECT_EQ(pipe.take(), drawn(busyRun()) + std::string(kErase));
  line.hide();
  EXPECT_EQ(pipe.take(), "");
  time.now += 1s;
  line.update(busyRun());  // shown again
  EXPECT_EQ(pipe.take(), drawn(busyRun()));
}

TEST(ProgressLine, FinishErasesItForGood) {
  Pipe pipe;
  ManualClock time;
  ProgressLine line(pipe.writeEnd(), true, time.clock());
  line.update(busyRun());
  line.finish();
  EXPECT_EQ(pipe.take(), drawn(busyRun()) + std::string(kErase));
  time.now += 1s;
  line.update(busyRun());
  line.finish();
  EXPECT_EQ(pipe.take(), "");
}

TEST(ProgressLine, PutBackDrawsTheLatestView) {
  Pipe pipe;
  ManualClock time;
  ProgressLine line(pipe.writeEnd(), true, time.clock());
  line.update(busyRun());
  line.takeOff();
  EXPECT_EQ(pipe.take(), drawn(busyRun()) + std::string(kErase));
  ProgressView later = busyRun();
  later.finished *= 2;
  time.now += 1s;
  line.update(later);  // not while it is off
  EXPECT_EQ(pipe.take(), "");
  line.putBack();
  EXPECT_EQ(pipe.take(), drawn(later));
}

TEST(ProgressLine, AHiddenLineIsNotPutBack) {
  Pipe pipe;
  ManualClock time;
  ProgressLine line(pipe.writeEnd(), true, time.clock());
  line.takeOff();
  line.putBack();
  EXPECT_EQ(pipe.take(), "");  // never shown: nothing to erase or put back
  line.update(busyRun());
  line.hide();
  line.takeOff();
  line.putBack();
  EXPECT_EQ(pipe.take(), drawn(busyRun()) + std::string(kErase));
}

TEST(ProgressLine, ElsewhereThanATerminalWritesPlainLinesEveryTenSeconds) {
  Pipe pipe;
  ManualClock time;
  ProgressLine line(pipe.writeEnd(), false, time.clock());
  line.update(busyRun());  // a short run's log gets none
  time.now += 9s;
  line.update(busyRun());
  EXPECT_EQ(pipe.take(), "");
  time.now += 1s;
  line.update(busyRun());
  EXPECT_EQ(pipe.take(), formatProgress(busyRun(), 400) + "\n");
  line.finish();
  EXPECT_EQ(pipe.take(), "");  // nothing to erase
}

// The width comes from the terminal at each draw: a pseudo-terminal told it
// is 50 columns wide gets lines of at most 49.
TEST(ProgressLine, FitsTheTerminalItDrawsOn) {
  const int controller = ::posix_openpt(O_RDWR | O_NOCTTY);
  if (controller < 0) GTEST_SKIP() << "no pseudo-terminals here";
  ASSERT_EQ(::grantpt(controller), 0);
  ASSERT_EQ(::unlockpt(controller), 0);
  const int terminal = ::open(::ptsname(controller), O_RDWR | O_NOCTTY);
  ASSERT_GE(terminal, 0);
  winsize size{};
  size.ws_col = 50;
  size.ws_row = 10;
  ASSERT_EQ(::ioctl(terminal, TIOCSWINSZ, &size), 0);
  {
    ProgressLine line(terminal, true);
    line.update(busyRun());
  }
  std::string bytes;
  char buffer[512];
  const std::string expected =
      "\r" + formatProgress(busyRun(), 49) + "\x1b[K" + std::string(kErase);
  for (pollfd ready{controller, POLLIN, 0};
       bytes.size() < expected.size() && ::poll(&ready, 1, 2000) == 1;) {
    const ssize_t n = ::read(controller, buffer, sizeof buffer);
    if (n <= 0) break;
    bytes.append(buffer, static_cast<std::size_t>(n));
  }
  EXPECT_EQ(bytes, expected);
  ::close(terminal);
  ::close(controller);
}

// ------------------------------------------------------------------ messages

// Points this process's stderr at `fd` while it lives: std::cerr writes there.
class StderrTo {
 public:
  explicit StderrTo(int fd) : saved_(::dup(STDERR_FILENO)) {
    std::cerr.flush();
    ::dup2(fd, STDERR_FILENO);
  }
  ~StderrTo() {
    std::cerr.flush();
    ::dup2(saved_, STDERR_FILENO);
    ::close(saved_);
  }

 private:
  int saved_;
};

TEST(ProgressGuard, AMessageOnCerrTakesTheLineOffAndPutsItBack) {
  Pipe pipe;
  ManualClock time;
  std::string bytes;
  {
    const StderrTo redirect(pipe.writeEnd());
    ProgressLine line(STDERR_FILENO, true, time.clock());
    line.update(busyRun());
    reportError(std::cerr, "stage 'count' failed: boom");
    line.finish();
    bytes = pipe.take();
  }
  EXPECT_EQ(bytes, drawn(busyRun()) + std::string(kErase) +
                       "jobstream: error: stage 'count' failed: boom\n" + drawn(busyRun()) +
                       std::string(kErase));
}

TEST(ProgressGuard, OtherStreamsAreLeftAlone) {
  Pipe pipe;
  ManualClock time;
  ProgressLine line(pipe.writeEnd(), true, time.clock());
  line.update(busyRun());
  pipe.take();
  std::ostringstream out;
  reportWarning(out, "careful");
  EXPECT_EQ(out.str(), "jobstream: warning: careful\n");
  EXPECT_EQ(pipe.take(), "");
}

// Lines printed together stay together: the line is put back once, after all.
TEST(ProgressGuard, NestedGuardsPutTheLineBackOnce) {
  Pipe pipe;
  ManualClock time;
  std::string bytes;
  {
    const StderrTo redirect(pipe.writeEnd());
    ProgressLine line(STDERR_FILENO, true, time.clock());
    line.update(busyRun());
    {
      const ClearLiveLine clear;
      reportError(std::cerr, "first");
      std::cerr << "second\n";
    }
    bytes = pipe.take();
  }
  EXPECT_EQ(bytes, drawn(busyRun()) + std::string(kErase) + "jobstream: error: first\nsecond\n" +
                       drawn(busyRun()));
}

// A process that ends on an error takes the line off before its last words.
TEST(ProgressGuard, EndLiveLineKeepsItOff) {
  Pipe pipe;
  ManualClock time;
  std::string bytes;
  {
    const StderrTo redirect(pipe.writeEnd());
    ProgressLine line(STDERR_FILENO, true, time.clock());
    line.update(busyRun());
    endLiveLine();
    reportError(std::cerr, "the end");
    time.now += 1s;
    line.update(busyRun());
    bytes = pipe.take();
  }
  EXPECT_EQ(bytes, drawn(busyRun()) + std::string(kErase) + "jobstream: error: the end\n");
}

// Threads drawing and threads printing: every message arrives whole, at the
// start of a row the line was erased from, never inside a drawn line.
TEST(ProgressGuard, ThreadsNeverTearTheLine) {
  Pipe pipe;
  std::atomic<long long> ticks{0};
  std::string bytes;
  constexpr int kMessages = 40;
  {
    const StderrTo redirect(pipe.writeEnd());
    // Each reading of the clock is a second later: every update draws.
    ProgressLine line(STDERR_FILENO, true, [&ticks] {
      return std::chrono::steady_clock::time_point(std::chrono::seconds(++ticks));
    });
    std::vector<std::thread> threads;
    for (int t = 0; t != 3; ++t)
      threads.emplace_back([&line] {
        for (int i = 0; i != 100; ++i) line.update(busyRun());
      });
    for (int t = 0; t != 2; ++t)
      threads.emplace_back([t] {
        for (int i = 0; i != kMessages; ++i)
          reportWarning(std::cerr, "message " + std::to_string(t * kMessages + i));
      });
    for (std::thread& thread : threads) thread.join();
    line.finish();
    bytes = pipe.take();
  }
  for (int m = 0; m != 2 * kMessages; ++m) {
    const std::string message = "jobstream: warning: message " + std::to_string(m) + "\n";
    const std::size_t at = bytes.find(message);
    ASSERT_NE(at, std::string::npos) << message;
    const std::string_view before = std::string_view(bytes).substr(0, at);
    // First of all, or after an erase or a whole line.
    EXPECT_TRUE(before.empty() || before.ends_with(kErase) || before.ends_with("\n")) << message;
  }
  // What is left once the messages are gone: only whole draws and erases.
  std::string rest = bytes;
  for (std::size_t at; (at = rest.find("jobstream: warning: message ")) != std::string::npos;)
    rest.erase(at, rest.find('\n', at) + 1 - at);
  const std::string draw = drawn(busyRun());
  for (std::size_t at = 0; at < rest.size();) {
    if (rest.compare(at, draw.size(), draw) == 0)
      at += draw.size();
    else if (rest.compare(at, kErase.size(), kErase) == 0)
      at += kErase.size();
    else
      FAIL() << "torn at byte " << at << ": " << rest.substr(at, 40);
  }
  EXPECT_TRUE(rest.ends_with(kErase));
}

}  // namespace
}  // namespace jobstream::detail
