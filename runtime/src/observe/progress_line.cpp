#include "observe/progress_line.hpp"

#include <fmt/format.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <iterator>

#include "program/utf8.hpp"

namespace jobstream::detail {

namespace {

constexpr std::string_view kSeparator = " | ";
constexpr std::string_view kEllipsis = "\u2026";
// A stage name's most, so that one long name cannot crowd out the others.
constexpr std::size_t kNameColumns = 24;
constexpr int kLogColumns = 400;      // a line for a file: every field
constexpr int kFallbackColumns = 80;  // when the terminal does not say

// The code point `text` starts with, and its length in bytes: 0 when the
// bytes there are not well-formed UTF-8.
struct Decoded {
  char32_t point = 0;
  std::size_t length = 0;
};

Decoded decodeUtf8(std::string_view text) {
  const auto lead = static_cast<unsigned char>(text[0]);
  if (lead < 0x80) return {lead, 1};
  Decoded c;
  c.length = utf8Character(text, c.point);
  return c;
}

// Characters that move the cursor, reorder the text around them or take no
// room (C0 and C1 controls, bidirectional and zero-width marks, line
// separators): in a stage name they could break the line, so they go.
bool invisible(char32_t c) {
  return c < 0x20 || (c >= 0x7f && c < 0xa0) || c == 0xad || c == 0x61c ||
         (c >= 0x200b && c <= 0x200f) || (c >= 0x2028 && c <= 0x202e) ||
         (c >= 0x2060 && c <= 0x206f) || c == 0xfeff || (c >= 0xfff9 && c <= 0xfffb);
}

// Characters terminals draw two columns wide: East Asian wide and full-width
// forms and emoji. Generous (whole blocks where most are wide): a character
// counted too wide only shortens the line, one counted too narrow wraps it.
struct Range {
  char32_t first;
  char32_t last;
};
constexpr Range kWide[] = {
    {0x1100, 0x115f},   {0x231a, 0x231b},   {0x2329, 0x232a},   {0x23e9, 0x23f3},
    {0x25fd, 0x25fe},   {0x2600, 0x27bf},   {0x2b1b, 0x2b1c},   {0x2b50, 0x2b55},
    {0x2e80, 0xa4cf},   {0xa960, 0xa97f},   {0xac00, 0xd7a3},   {0xf900, 0xfaff},
    {0xfe10, 0xfe19},   {0xfe30, 0xfe6f},   {0xff00, 0xff60},   {0xffe0, 0xffe6},
    {0x16fe0, 0x18aff}, {0x1b000, 0x1b2ff}, {0x1f000, 0x1faff}, {0x20000, 0x3fffd},
};

std::size_t columnsOf(char32_t c) {
  for (const Range& range : kWide)
    if (c >= range.first && c <= range.last) return 2;
  return 1;
}

// `name` as the line may show it: without invisible characters, each byte
// that is not UTF-8 shown as '?'.
std::string visibleText(std::string_view name) {
  std::string text;
  for (std::size_t at = 0; at < name.size();) {
    const Decoded c = decodeUtf8(name.substr(at));
    if (c.length == 0) {
      text += '?';
      ++at;
      continue;
    }
    if (!invisible(c.point)) text.append(name.substr(at, c.length));
    at += c.length;
  }
  return text.empty() ? std::string("?") : text;
}

// `text` cut to `columns`, its end replaced by an ellipsis when it is cut.
std::string cutToColumns(std::string_view text, std::size_t columns) {
  if (displayColumns(text) <= columns) return std::string(text);
  if (columns == 0) return {};
  std::string cut;
  std::size_t used = 0;
  for (std::size_t at = 0; at < text.size();) {
    const Decoded c = decodeUtf8(text.substr(at));
    const std::size_t length = c.length == 0 ? 1 : c.length;
    const std::size_t width = c.length == 0 ? 1 : columnsOf(c.point);
    if (used + width > columns - 1) break;  // one column for the ellipsis
    cut.append(text.substr(at, length));
    used += width;
    at += length;
  }
  return cut + std::string(kEllipsis);
}

std::string_view plural(std::uint64_t n) { return n == 1 ? "" : "s"; }

// The fields before the busiest stages, most important first, in their long
// or short forms.
std::vector<std::string> fixedFields(const ProgressView& view, bool brief) {
  std::vector<std::string> fields;
  const std::string elapsed = durationText(view.elapsedSeconds);
  fields.push_back(brief ? elapsed : "jobstream " + elapsed);
  const std::string done = countText(view.finished);
  const std::string rate = rateText(view.itemsPerSecond);
  fields.push_back(brief ? fmt::format("{} done {}", done, rate)
                         : fmt::format("{} item{} done ({})", done, plural(view.finished), rate));
  fields.push_back(countText(view.waiting) + (view.undrawn ? "+" : "") + " waiting");
  fields.push_back(brief ? fmt::format("{}/{} busy", view.busyWorkers, view.workers)
                         : fmt::format("{}/{} worker{} busy", view.busyWorkers, view.workers,
                                       plural(static_cast<std::uint64_t>(view.workers))));
  fields.push_back(
      fmt::format("{} rank{}", view.ranks, plural(static_cast<std::uint64_t>(view.ranks))));
  if (view.combinations) {
    const auto [ran, all] = *view.combinations;
    fields.push_back(brief ? fmt::format("sweep {}/{}", countText(ran), countText(all))
                           : fmt::format("{}/{} combinations", countText(ran), countText(all)));
  }
  if (view.secondsSinceCheckpoint)
    fields.push_back(fmt::format("{} {} ago", brief ? "ckpt" : "checkpoint",
                                 durationText(*view.secondsSinceCheckpoint)));
  else if (view.checkpointing)
    fields.push_back(brief ? "no ckpt yet" : "no checkpoint yet");
  return fields;
}

struct Line {
  std::string text;
  std::size_t columns = 0;
  std::size_t fields = 0;
};

// The columns a next field may take on `line`, after its separator.
std::size_t room(const Line& line, std::size_t width) {
  const std::size_t used = line.columns + (line.fields == 0 ? 0 : kSeparator.size());
  return used < width ? width - used : 0;
}

void append(Line& line, std::string_view field) {
  if (line.fields != 0) {
    line.text += kSeparator;
    line.columns += kSeparator.size();
  }
  line.text += field;
  line.columns += displayColumns(field);
  ++line.fields;
}

// "busiest: tokenize 300, count 112": as many stages as fit in `room`, the
// busiest with its name cut if that is what it takes to show one.
std::optional<std::string> busiestField(const ProgressView& view, std::size_t room) {
  constexpr std::string_view kLabel = "busiest: ";
  std::string field(kLabel);
  std::size_t columns = kLabel.size();
  std::size_t shown = 0;
  for (const auto& [name, waiting] : view.busiestStages) {
    const std::string visible = visibleText(name);
    const std::string count = " " + countText(waiting);
    const std::string entry = cutToColumns(visible, kNameColumns) + count;
    const std::size_t comma = shown == 0 ? 0 : 2;
    const std::size_t entryColumns = displayColumns(entry);
    if (columns + comma + entryColumns <= room) {
      if (comma != 0) field += ", ";
      field += entry;
      columns += comma + entryColumns;
      ++shown;
      continue;
    }
    if (shown == 0 && columns + count.size() < room) {
      const std::string cut = cutToColumns(visible, room - columns - count.size());
      if (cut != kEllipsis && !cut.empty()) {
        field += cut + count;
        ++shown;
      }
    }
    break;
  }
  if (shown == 0) return std::nullopt;
  return field;
}

Line layOut(const ProgressView& view, bool brief, std::size_t width) {
  Line line;
  for (const std::string& field : fixedFields(view, brief)) {
    if (displayColumns(field) > room(line, width)) return line;  // and every less important one
    append(line, field);
  }
  if (const auto busiest = busiestField(view, room(line, width))) append(line, *busiest);
  return line;
}

// Tenths of a unit below 100 of it, whole units above: 6.6k, 45.6k, 123k.
std::string scaled(double value, int significant) {
  constexpr std::string_view kUnits[] = {"", "k", "M", "G", "T", "P", "E"};
  std::size_t unit = 0;
  while (value >= 999.5 && unit + 1 < std::size(kUnits)) {
    value /= 1000;
    ++unit;
  }
  int decimals = value < 99.95 ? 1 : 0;
  if (significant == 3 && value < 9.995) decimals = 2;
  return fmt::format("{:.{}f}{}", value, decimals, kUnits[unit]);
}

}  // namespace

std::size_t displayColumns(std::string_view text) {
  std::size_t columns = 0;
  for (std::size_t at = 0; at < text.size();) {
    const Decoded c = decodeUtf8(text.substr(at));
    columns += c.length == 0 ? 1 : columnsOf(c.point);
    at += c.length == 0 ? 1 : c.length;
  }
  return columns;
}

std::string durationText(double seconds) {
  if (!(seconds >= 0)) seconds = 0;  // and NaN
  const long long tenths = std::llround(std::min(seconds, 1e12) * 10);
  if (tenths < 600) return fmt::format("{}.{}s", tenths / 10, tenths % 10);
  // Whole seconds down, so that 119.99 is not shown as "1m60s"; 59.96 is
  // 60.0 in tenths, so a minute.
  const long long whole = std::max(60LL, static_cast<long long>(std::min(seconds, 1e12)));
  if (whole < 3600) return fmt::format("{}m{:02}s", whole / 60, whole % 60);
  if (whole < 86400) return fmt::format("{}h{:02}m", whole / 3600, whole % 3600 / 60);
  return fmt::format("{}d{:02}h", whole / 86400, whole % 86400 / 3600);
}

std::string countText(std::uint64_t count) {
  if (count < 1000) return fmt::format("{}", count);
  return scaled(static_cast<double>(count), 3);
}

std::string rateText(double perSecond) {
  if (!(perSecond > 0) || !std::isfinite(perSecond)) return "0/s";
  return scaled(perSecond, 2) + "/s";
}

std::string formatProgress(const ProgressView& view, int columns) {
  if (columns <= 0) return {};
  const auto width = static_cast<std::size_t>(columns);
  const Line full = layOut(view, false, width);
  const Line brief = layOut(view, true, width);
  if (brief.fields == 0) return cutToColumns(durationText(view.elapsedSeconds), width);
  return brief.fields > full.fields ? brief.text : full.text;
}

ProgressLine::ProgressLine(int fd, bool terminal, Clock now)
    : fd_(fd), terminal_(terminal), now_(std::move(now)) {
  // A log's first line waits an interval: a short run adds none.
  if (!terminal_) lastUpdate_ = now_();
  // Results on standard output clear the line too when they go to the same
  // terminal: else they would be written into it.
  registerLiveLine(*this, terminal_ && ::isatty(STDOUT_FILENO) == 1);
}

ProgressLine::~ProgressLine() { finish(); }

void ProgressLine::update(const ProgressView& view) {
  const std::lock_guard lock(mutex_);
  if (finished_) return;
  const auto now = now_();
  const auto interval = terminal_ ? std::chrono::steady_clock::duration(kTerminalInterval)
                                  : std::chrono::steady_clock::duration(kLogInterval);
  if (lastUpdate_ && now - *lastUpdate_ < interval) return;
  lastUpdate_ = now;
  view_ = view;
  if (takenOff_ > 0) {
    putBack_ = true;  // a message is being printed: drawn after it
    return;
  }
  draw();
}

void ProgressLine::hide() {
  const std::lock_guard lock(mutex_);
  putBack_ = false;
  erase();
}

void ProgressLine::finish() {
  unregisterLiveLine(*this);  // first: waits for a message being printed around the line
  const std::lock_guard lock(mutex_);
  finished_ = true;
  erase();
}

void ProgressLine::takeOff() {
  const std::lock_guard lock(mutex_);
  if (takenOff_++ != 0) return;
  putBack_ = shown_;
  erase();
}

void ProgressLine::putBack() {
  const std::lock_guard lock(mutex_);
  if (takenOff_ == 0 || --takenOff_ != 0) return;
  if (putBack_ && !finished_) draw();
  putBack_ = false;
}

void ProgressLine::draw() {
  if (!view_) return;
  if (!terminal_) {
    write(formatProgress(*view_, kLogColumns) + '\n');
    return;
  }
  winsize size{};
  const int columns =
      ::ioctl(fd_, TIOCGWINSZ, &size) == 0 && size.ws_col > 0 ? size.ws_col : kFallbackColumns;
  // One column short of the edge: a character in the last column leaves some
  // terminals about to wrap, and the erase after it would take it away.
  write("\r" + formatProgress(*view_, columns - 1) + "\x1b[K");
  shown_ = true;
}

void ProgressLine::erase() {
  if (!shown_) return;
  write("\r\x1b[K");
  shown_ = false;
}

// One write() for the whole line, so no other writer's bytes land inside it.
void ProgressLine::write(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd_, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // stderr is gone: nothing to show progress on
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

}  // namespace jobstream::detail
