#include "observe/report_svg.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>

namespace jobstream::detail {

bool heardFrom(const RankRecord& rank) {
  return rank.wallNs > 0 || !rank.spans.empty() || !rank.samples.empty();
}

std::size_t rankCount(const RunRecord& run) {
  return std::max(run.ranks.size(), static_cast<std::size_t>(std::max(run.ranksInRun, 0)));
}

std::size_t stageCount(const RunRecord& run) {
  std::size_t count = run.stages.size();
  for (const RankRecord& rank : run.ranks) count = std::max(count, rank.stages.size());
  return count;
}

std::string stageName(const RunRecord& run, std::size_t index) {
  return index < run.stages.size() ? run.stages[index].name : fmt::format("stage {}", index);
}

std::string stageColour(std::size_t index) {
  // Tableau 10 without its grey, which the page keeps for waiting.
  static constexpr std::array<const char*, 9> kPalette = {"#4e79a7", "#f28e2b", "#e15759",
                                                          "#76b7b2", "#59a14f", "#edc948",
                                                          "#b07aa1", "#ff9da7", "#9c755f"};
  if (index < kPalette.size()) return kPalette[index];
  const double hue = std::fmod(static_cast<double>(index) * 137.508, 360.0);
  return fmt::format("hsl({:.0f},55%,52%)", hue);
}

TimeScale runTimeScale(const RunRecord& run) {
  std::int64_t end = run.ranks.empty() ? 0 : run.ranks.front().wallNs;
  for (const RankRecord& rank : run.ranks) {
    for (const Span& span : rank.spans) end = std::max(end, span.start + span.duration);
    if (!rank.samples.empty()) end = std::max(end, rank.samples.back().at);
    for (const CheckpointMark& mark : rank.checkpoints) {
      end = std::max({end, mark.start + mark.pauseNs, mark.writtenAt});
    }
    for (const FrameSpan& frame : rank.frames) end = std::max(end, frame.end);
  }
  // A run too short to measure still gets an axis.
  return TimeScale{0, std::max<std::int64_t>(end, 1000)};
}

namespace {

constexpr std::int64_t kSecond = 1'000'000'000;
constexpr std::int64_t kMinute = 60 * kSecond;
constexpr std::int64_t kHour = 60 * kMinute;

// Round steps: 1, 2, 5 x 10^k up to 10 s, then the steps of a clock.
std::vector<std::int64_t> roundSteps() {
  std::vector<std::int64_t> steps;
  for (std::int64_t power = 1; power < 10 * kSecond; power *= 10) {
    for (const std::int64_t m : {1, 2, 5}) steps.push_back(m * power);
  }
  for (const std::int64_t s : {10, 20, 30}) steps.push_back(s * kSecond);
  for (const std::int64_t m : {1, 2, 5, 10, 15, 20, 30}) steps.push_back(m * kMinute);
  for (const std::int64_t h : {1, 2, 3, 6, 12, 24, 48, 120, 240, 480, 1200, 2400})
    steps.push_back(h * kHour);
  return steps;
}

}  // namespace

TimeTicks timeTicks(const TimeScale& scale, int wanted) {
  static const std::vector<std::int64_t> kSteps = roundSteps();
  const std::int64_t length = scale.end - scale.begin;
  TimeTicks ticks;
  ticks.step = kSteps.back();
  for (const std::int64_t step : kSteps) {
    if (length / step <= wanted) {
      ticks.step = step;
      break;
    }
  }
  const std::int64_t first = (scale.begin + ticks.step - 1) / ticks.step * ticks.step;
  for (std::int64_t t = std::max<std::int64_t>(first, 0); t <= scale.end; t += ticks.step)
    ticks.at.push_back(t);
  return ticks;
}

std::string timeTickLabel(std::int64_t t, std::int64_t step, std::int64_t axisEnd) {
  if (t == 0) return "0";
  if (step >= kMinute) {
    const std::int64_t hours = t / kHour;
    const std::int64_t minutes = t % kHour / kMinute;
    if (hours == 0) return fmt::format("{} min", minutes);
    if (minutes == 0) return fmt::format("{} h", hours);
    return fmt::format("{} h {} min", hours, minutes);
  }
  if (step >= kSecond) {
    if (axisEnd < kMinute) return fmt::format("{} s", t / kSecond);
    const std::int64_t minutes = t / kMinute;
    const std::int64_t seconds = t % kMinute / kSecond;
    if (minutes == 0) return fmt::format("{} s", seconds);
    if (seconds == 0) return fmt::format("{} min", minutes);
    return fmt::format("{} min {} s", minutes, seconds);
  }
  // Below a second: every label in the unit of the axis' end, with as many
  // decimals as the step needs (0.5 s, 1.0 s, 1.5 s).
  struct Unit {
    double scale;
    const char* name;
  };
  static constexpr std::array<Unit, 4> kUnits = {{{1e9, "s"}, {1e6, "ms"}, {1e3, "µs"}, {1, "ns"}}};
  Unit unit = kUnits.back();
  for (const Unit& candidate : kUnits) {
    if (static_cast<double>(axisEnd) >= candidate.scale) {
      unit = candidate;
      break;
    }
  }
  const int decimals = std::max(
      0, static_cast<int>(std::ceil(std::log10(unit.scale / static_cast<double>(step)) - 1e-9)));
  return fmt::format("{:.{}f} {}", static_cast<double>(t) / unit.scale, decimals, unit.name);
}

std::string svgNumber(double value) {
  std::string text = fmt::format("{:.1f}", value);
  if (text.size() > 2 && text.compare(text.size() - 2, 2, ".0") == 0) text.resize(text.size() - 2);
  if (text == "-0") text = "0";
  return text;
}

std::string timeGridSvg(const TimeScale& scale, const TimeTicks& ticks, int top, int bottom) {
  std::string d;
  for (const std::int64_t t : ticks.at)
    d += fmt::format("M{} {}V{}", svgNumber(scale.x(t)), top, bottom);
  return d.empty() ? std::string() : fmt::format("<path class=\"grid\" d=\"{}\"/>\n", d);
}

std::string timeLabelsSvg(const TimeScale& scale, const TimeTicks& ticks, int labelY) {
  std::string out;
  for (const std::int64_t t : ticks.at) {
    const double x = scale.x(t);
    const std::string label = timeTickLabel(t, ticks.step, scale.end);
    // A label too long to centre on its tick near the right edge ends there.
    const bool fits = x + 3.3 * static_cast<double>(label.size()) < kChartWidth;
    out += fmt::format("<text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"{}\">{}</text>\n",
                       svgNumber(x), labelY, fits ? "middle" : "end", label);
  }
  return out;
}

ValueTicks valueTicks(double max, int wanted) {
  if (!(max > 0)) return ValueTicks{1, 1};
  const double raw = max / wanted;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  double step = 10 * magnitude;
  for (const double m : {1.0, 2.0, 5.0}) {
    if (m * magnitude >= raw) {
      step = m * magnitude;
      break;
    }
  }
  return ValueTicks{step, std::ceil(max / step - 1e-9) * step};
}

}  // namespace jobstream::detail
