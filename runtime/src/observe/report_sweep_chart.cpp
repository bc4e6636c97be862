#include "observe/report_sweep_chart.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <set>

#include "observe/report_svg.hpp"
#include "observe/report_text.hpp"

namespace jobstream::detail {
namespace {

std::optional<double> numberIn(std::string_view text) {
  double value = 0;
  const char* end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, value);
  if (error != std::errc() || stop != end || !std::isfinite(value)) return std::nullopt;
  return value;
}

// One chart, in SVG units (the page scales it to its column).
constexpr int kWidth = 600;
constexpr int kLeft = 70;
constexpr int kRight = 14;
constexpr int kTop = 30;
constexpr int kPlotHeight = 220;
constexpr int kPlotWidth = kWidth - kLeft - kRight;
constexpr std::size_t kMaxTitled = 400;  // points with a hover text in one chart
constexpr std::size_t kLabelChars = 16;  // a category's label is cut after this many characters

// Text cut to `chars` characters (not bytes: UTF-8 stays whole), "…" at the cut.
std::string cut(std::string_view text, std::size_t chars) {
  std::size_t seen = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;  // a continuation byte
    if (seen++ == chars) return std::string(text.substr(0, i)) + "…";
  }
  return std::string(text);
}

// --- axes -------------------------------------------------------------------

// A round step (1, 2 or 5 x 10^k) near `raw`.
double roundStep(double raw) {
  if (!(raw > 0) || !std::isfinite(raw)) return 1;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  for (const double m : {1.0, 2.0, 5.0}) {
    if (m * magnitude >= raw * (1 - 1e-9)) return m * magnitude;
  }
  return 10 * magnitude;
}

// A tick's label with as many decimals as the step needs: "0.25", "1.5k".
std::string tickLabel(double value, double step) {
  if (std::fabs(value) < step * 1e-6) return "0";
  const double size = std::fabs(value);
  if (step < 1e-4 || size >= 1e15) return fmt::format("{:g}", value);
  double scale = 1;
  const char* suffix = "";
  if (size >= 1e4 && step >= 1e3) {
    for (const auto& [s, name] : {std::pair{1e12, "T"}, {1e9, "G"}, {1e6, "M"}, {1e3, "k"}}) {
      if (size >= s) {
        scale = s;
        suffix = name;
        break;
      }
    }
  }
  const int decimals = std::max(0, static_cast<int>(std::ceil(-std::log10(step / scale) - 1e-9)));
  return fmt::format("{:.{}f}{}", value / scale, decimals, suffix);
}

struct Tick {
  double at = 0;  // in the axis' own units (log10 of the value on a log axis)
  std::string label;
};

// Maps a value onto [from, to) in SVG units.
struct Axis {
  double low = 0;
  double high = 1;
  double from = 0;
  double to = 1;
  bool log = false;
  double of(double value) const {
    const double v = log ? std::log10(value) : value;
    return from + (v - low) / (high - low) * (to - from);
  }
};

struct Range {
  double low = std::numeric_limits<double>::infinity();
  double high = -std::numeric_limits<double>::infinity();
  void add(double v) {
    low = std::min(low, v);
    high = std::max(high, v);
  }
  bool empty() const { return !(low <= high); }
};

// A value axis from round tick to round tick around `range`.
Axis valueAxis(Range range, std::vector<Tick>& ticks) {
  if (range.empty()) range = {0, 1};
  if (range.low == range.high) {
    const double pad = range.low == 0 ? 1 : std::fabs(range.low) * 0.1;
    range = {range.low - pad, range.high + pad};
  }
  const double step = roundStep((range.high - range.low) / 5);
  Axis axis;
  axis.low = std::floor(range.low / step + 1e-9) * step;
  axis.high = std::ceil(range.high / step - 1e-9) * step;
  for (double v = axis.low; v <= axis.high + step * 1e-6; v += step)
    ticks.push_back({v, tickLabel(v, step)});
  return axis;
}

// A numeric x axis with a margin so that points at the ends stay off the
// frame; logarithmic when the values spread over decades and sit more evenly
// on a log scale (10, 100, 1000, ...).
Axis numericAxis(const std::vector<double>& distinct, std::vector<Tick>& ticks) {
  Axis axis;
  const double first = distinct.front();
  const double last = distinct.back();
  const auto largestGap = [&](auto map) {
    double gap = 0;
    for (std::size_t i = 1; i < distinct.size(); ++i)
      gap = std::max(gap, map(distinct[i]) - map(distinct[i - 1]));
    return gap / (map(last) - map(first));
  };
  axis.log =
      first > 0 && last / first >= 20 && distinct.size() >= 3 &&
      largestGap([](double v) { return std::log10(v); }) < largestGap([](double v) { return v; });
  if (axis.log) {
    const double low = std::log10(first);
    const double high = std::log10(last);
    const double pad = (high - low) * 0.04;
    axis.low = low - pad;
    axis.high = high + pad;
    const double lowValue = std::pow(10.0, axis.low);
    const double highValue = std::pow(10.0, axis.high);
    const int decades = static_cast<int>(std::floor(axis.high) - std::ceil(axis.low)) + 1;
    const std::vector<double> multiples =
        decades >= 3 ? std::vector<double>{1} : std::vector<double>{1, 2, 5};
    for (int k = static_cast<int>(std::floor(axis.low));
         k <= static_cast<int>(std::ceil(axis.high)); ++k) {
      for (const double m : multiples) {
        const double v = m * std::pow(10.0, k);
        if (v < lowValue || v > highValue) continue;
        ticks.push_back({std::log10(v), tickLabel(v, v)});
      }
    }
    return axis;
  }
  double low = first;
  double high = last;
  if (low == high) {
    const double pad = low == 0 ? 1 : std::fabs(low) * 0.1;
    low -= pad;
    high += pad;
  } else {
    const double pad = (high - low) * 0.04;
    low -= pad;
    high += pad;
  }
  axis.low = low;
  axis.high = high;
  const double step = roundStep((high - low) / 7);
  for (double v = std::ceil(low / step - 1e-9) * step; v <= high; v += step)
    ticks.push_back({v, tickLabel(v, step)});
  return axis;
}

// --- what a chart shows -------------------------------------------------------

PlotLayout layoutOf(const SweepResults& sweep) {
  const std::size_t columns = sweep.paramNames.size();
  std::vector<std::size_t> distinct(columns);
  std::vector<bool> numeric(columns, true);
  for (std::size_t c = 0; c < columns; ++c) {
    std::set<std::string_view> values;
    for (const OrderedPoint& row : sweep.rows) {
      values.insert(row.key[c].text);
      numeric[c] = numeric[c] && row.key[c].numeric;
    }
    distinct[c] = values.size();
  }
  PlotLayout layout;
  // The first numeric column that varies; else the first that varies, as
  // categories; else the first.
  std::optional<std::size_t> pick;
  for (std::size_t c = 0; c < columns && !pick; ++c) {
    if (numeric[c] && distinct[c] > 1) pick = c;
  }
  for (std::size_t c = 0; c < columns && !pick; ++c) {
    if (distinct[c] > 1) pick = c;
  }
  layout.x = pick.value_or(0);
  layout.numeric = columns > 0 && numeric[layout.x];
  for (std::size_t c = 0; c < columns; ++c) {
    if (c != layout.x && distinct[c] > 1) layout.series.push_back(c);
  }
  return layout;
}

}  // namespace

SweepPlot sweepPlot(const SweepResults& sweep) {
  SweepPlot plan;
  plan.layout = layoutOf(sweep);
  if (sweep.paramNames.empty()) return plan;
  const std::size_t x = plan.layout.x;
  const auto keyLess = [&](const OrderedPoint* a, const OrderedPoint* b) {
    for (const std::size_t c : plan.layout.series) {
      if (const int order = compareParams(a->key[c], b->key[c]); order != 0) return order < 0;
    }
    return false;
  };
  std::map<const OrderedPoint*, std::size_t, decltype(keyLess)> seriesOf(keyLess);
  std::vector<std::vector<const OrderedPoint*>> members;
  for (const OrderedPoint& row : sweep.rows) {
    const auto [it, added] = seriesOf.emplace(&row, members.size());
    if (added) members.emplace_back();
    members[it->second].push_back(&row);
  }
  plan.seriesInAll = members.size();
  // Series in the order of their values, whatever order they appeared in.
  std::vector<std::size_t> order;
  for (const auto& [first, index] : seriesOf) order.push_back(index);
  if (order.size() > kMaxSeries) order.resize(kMaxSeries);

  std::map<std::string_view, std::size_t> categoryIndex;
  if (!plan.layout.numeric) {
    std::vector<ParamValue> values;
    for (const OrderedPoint& row : sweep.rows) values.push_back(row.key[x]);
    std::stable_sort(values.begin(), values.end(), [](const ParamValue& a, const ParamValue& b) {
      return compareParams(a, b) < 0;
    });
    for (const ParamValue& value : values) {
      if (categoryIndex.emplace(value.text, plan.categories.size()).second)
        plan.categories.emplace_back(value.text);
    }
  }
  std::set<double> distinctX;
  for (const std::size_t index : order) {
    PlotSeries series;
    series.label = paramsText(sweep, *members[index].front(), plan.layout.series);
    for (const OrderedPoint* row : members[index]) {
      const double at = plan.layout.numeric
                            ? row->key[x].number
                            : static_cast<double>(categoryIndex.at(row->key[x].text));
      series.marks.push_back({at, row});
      if (plan.layout.numeric) distinctX.insert(at);
    }
    std::stable_sort(series.marks.begin(), series.marks.end(),
                     [](const PlotMark& a, const PlotMark& b) { return a.x < b.x; });
    plan.series.push_back(std::move(series));
  }
  plan.distinctX.assign(distinctX.begin(), distinctX.end());
  for (const PlotSeries& series : plan.series)
    plan.binned = plan.binned || series.marks.size() > kMaxMarks;
  return plan;
}

namespace {

// --- drawing ------------------------------------------------------------------

// A bin of a series too long to draw point by point: the mean of its
// combinations' means, and the lowest and highest of mean − err and mean + err.
struct Bin {
  std::size_t count = 0;
  double sum = 0;
  Range reach;  // mean ± err
};

// The lowest and highest mean − err and mean + err of the finite means of
// column `c`, and how many means are not finite.
Range reachOf(const SweepPlot& plan, std::size_t c, std::size_t& notFinite) {
  Range range;
  for (const PlotSeries& series : plan.series) {
    for (const PlotMark& mark : series.marks) {
      const double mean = mark.row->point->mean[c];
      const double err = mark.row->point->err[c];
      if (!std::isfinite(mean)) {
        ++notFinite;
        continue;
      }
      range.add(mean);
      if (std::isfinite(err)) {
        range.add(mean - err);
        range.add(mean + err);
      }
    }
  }
  return range;
}

}  // namespace

std::string sweepChartSvg(const SweepResults& sweep, const SweepPlot& plan, std::size_t c,
                          std::size_t& notFinite) {
  const bool binned = plan.binned;
  const std::string& outcome = sweep.outcomeNames[c];
  const std::string& xName = sweep.paramNames[plan.layout.x];

  std::vector<Tick> yTicks;
  Axis y = valueAxis(reachOf(plan, c, notFinite), yTicks);
  y.from = kTop + kPlotHeight;
  y.to = kTop;

  std::vector<Tick> xTicks;
  Axis x;
  bool rotate = false;
  std::size_t labelEvery = 1;
  const std::size_t categories = plan.categories.size();
  if (plan.layout.numeric) {
    x = plan.distinctX.empty() ? Axis{} : numericAxis(plan.distinctX, xTicks);
  } else {
    x.low = -0.5;
    x.high = static_cast<double>(categories) - 0.5;
    const double band =
        static_cast<double>(kPlotWidth) / static_cast<double>(std::max<std::size_t>(categories, 1));
    std::size_t longest = 0;
    for (const std::string& category : plan.categories)
      longest = std::max(longest, std::min(kLabelChars + 1, category.size()));
    rotate = 6.5 * static_cast<double>(longest) > band * 0.9;
    // Rotated labels need a line's height each; upright ones their width.
    const double room = rotate ? 14 : 6.5 * static_cast<double>(longest) + 8;
    labelEvery = static_cast<std::size_t>(std::ceil(room / band));
    for (std::size_t i = 0; i < categories; i += labelEvery)
      xTicks.push_back({static_cast<double>(i), cut(plan.categories[i], kLabelChars)});
  }
  x.from = kLeft;
  x.to = kLeft + kPlotWidth;
  const int plotBottom = kTop + kPlotHeight;
  const int height = plotBottom + (rotate ? 104 : 46);

  std::string svg = fmt::format(
      "<svg class=\"chart sweep\" viewBox=\"0 0 {0} {1}\" width=\"{0}\" height=\"{1}\" "
      "role=\"img\" aria-label=\"{2}: mean and 95% error against {3}\">\n",
      kWidth, height, htmlEscape(outcome), htmlEscape(xName));
  svg += fmt::format("<text class=\"paneltitle\" x=\"{}\" y=\"16\">{}</text>\n", kLeft,
                     htmlEscape(outcome));

  // Grid, ticks and axes.
  std::string grid;
  for (const Tick& tick : yTicks) {
    const double at = y.from + (tick.at - y.low) / (y.high - y.low) * (y.to - y.from);
    grid += fmt::format("M{} {}H{}", kLeft, svgNumber(at), kLeft + kPlotWidth);
    svg += fmt::format("<text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\n",
                       kLeft - 6, svgNumber(at + 4), tick.label);
  }
  for (const Tick& tick : xTicks) {
    const double at = x.from + (tick.at - x.low) / (x.high - x.low) * (x.to - x.from);
    if (plan.layout.numeric) grid += fmt::format("M{} {}V{}", svgNumber(at), kTop, plotBottom);
    if (rotate) {
      svg += fmt::format(
          "<text class=\"tick\" x=\"{0}\" y=\"{1}\" text-anchor=\"end\" transform=\"rotate(-40 {0} "
          "{1})\">{2}</text>\n",
          svgNumber(at + 3), plotBottom + 12, htmlEscape(tick.label));
    } else {
      svg +=
          fmt::format("<text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n",
                      svgNumber(at), plotBottom + 16, htmlEscape(tick.label));
    }
  }
  svg += fmt::format("<path class=\"grid\" d=\"{}\"/>\n", grid);
  svg += fmt::format("<path class=\"axis\" d=\"M{0} {1}V{2}H{3}\"/>\n", kLeft, kTop, plotBottom,
                     kLeft + kPlotWidth);
  svg += fmt::format(
      "<text class=\"axistitle\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}{}</text>\n",
      kLeft + kPlotWidth / 2, height - 6, htmlEscape(xName),
      x.log                 ? " (log scale)"
      : plan.layout.numeric ? ""
                            : " (categories, in table order)");

  // The marks, series by series. Categories spread their series over a
  // part of their band so that bars do not hide each other.
  const double band =
      plan.layout.numeric ? 0 : static_cast<double>(kPlotWidth) / static_cast<double>(categories);
  const double dodge = plan.series.size() < 2
                           ? 0
                           : std::min(band * 0.6 / static_cast<double>(plan.series.size()), 9.0);
  std::size_t titled = 0;
  for (const PlotSeries& series : plan.series) titled += series.marks.size();
  const bool titles = !binned && titled <= kMaxTitled;
  std::vector<std::size_t> everyColumn(sweep.paramNames.size());
  for (std::size_t i = 0; i < everyColumn.size(); ++i) everyColumn[i] = i;
  for (std::size_t s = 0; s < plan.series.size(); ++s) {
    const PlotSeries& series = plan.series[s];
    const std::string colour = stageColour(s);
    const double shift =
        (static_cast<double>(s) - (static_cast<double>(plan.series.size()) - 1) / 2) * dodge;
    std::string line;
    std::string bars;
    std::string dots;
    if (binned) {
      std::vector<Bin> bins(kBins);
      for (const PlotMark& mark : series.marks) {
        const double mean = mark.row->point->mean[c];
        const double err = mark.row->point->err[c];
        if (!std::isfinite(mean)) continue;
        const double at = (x.of(mark.x) - kLeft) / kPlotWidth;
        Bin& bin = bins[std::min(kBins - 1, static_cast<std::size_t>(std::max(0.0, at * kBins)))];
        ++bin.count;
        bin.sum += mean;
        bin.reach.add(std::isfinite(err) ? mean - err : mean);
        bin.reach.add(std::isfinite(err) ? mean + err : mean);
      }
      const double width = static_cast<double>(kPlotWidth) / kBins;
      for (std::size_t b = 0; b < kBins; ++b) {
        const Bin& bin = bins[b];
        if (bin.count == 0) continue;
        const double left = kLeft + width * static_cast<double>(b);
        const double middle = left + width / 2;
        const double mean = bin.sum / static_cast<double>(bin.count);
        line += fmt::format("{}{} {}", line.empty() ? "M" : "L", svgNumber(middle),
                            svgNumber(y.of(mean)));
        bars += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>", svgNumber(left),
                            svgNumber(y.of(bin.reach.high)), svgNumber(width),
                            svgNumber(std::max(0.5, y.of(bin.reach.low) - y.of(bin.reach.high))));
      }
      svg += fmt::format("<g fill=\"{}\" fill-opacity=\".28\">{}</g>\n", colour, bars);
      if (!line.empty()) {
        svg += fmt::format(
            "<path fill=\"none\" stroke=\"{}\" stroke-width=\"1.5\" stroke-linejoin=\"round\" "
            "d=\"{}\"/>\n",
            colour, line);
      }
      continue;
    }
    for (const PlotMark& mark : series.marks) {
      const double mean = mark.row->point->mean[c];
      const double err = mark.row->point->err[c];
      if (!std::isfinite(mean)) continue;
      const double px = x.of(mark.x) + shift;
      const double py = y.of(mean);
      if (plan.layout.numeric)
        line += fmt::format("{}{} {}", line.empty() ? "M" : "L", svgNumber(px), svgNumber(py));
      if (std::isfinite(err) && err > 0) {
        const double top = y.of(mean + err);
        const double bottom = y.of(mean - err);
        bars += fmt::format("M{0} {1}V{2}M{3} {1}h6M{3} {2}h6", svgNumber(px), svgNumber(top),
                            svgNumber(bottom), svgNumber(px - 3));
      }
      if (titles) {
        dots += fmt::format(
            "<circle cx=\"{}\" cy=\"{}\" r=\"3\"><title>{}: {}, {} trial{}</title></circle>",
            svgNumber(px), svgNumber(py), htmlEscape(paramsText(sweep, *mark.row, everyColumn)),
            htmlEscape(meanWithError(mean, err)), groupedCount(mark.row->point->trials),
            mark.row->point->trials == 1 ? "" : "s");
      } else {
        dots +=
            fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"2.5\"/>", svgNumber(px), svgNumber(py));
      }
    }
    if (!line.empty()) {
      svg += fmt::format(
          "<path fill=\"none\" stroke=\"{}\" stroke-opacity=\".55\" stroke-width=\"1.2\" "
          "d=\"{}\"/>\n",
          colour, line);
    }
    if (!bars.empty())
      svg += fmt::format("<path fill=\"none\" stroke=\"{}\" stroke-width=\"1.2\" d=\"{}\"/>\n",
                         colour, bars);
    svg += fmt::format("<g fill=\"{}\">{}</g>\n", colour, dots);
  }
  svg += "</svg>\n";
  return svg;
}

ParamValue paramValue(std::string_view text) {
  const std::optional<double> number = numberIn(text);
  return ParamValue{text, number.value_or(0), number.has_value()};
}

int compareParams(const ParamValue& a, const ParamValue& b) {
  if (a.numeric && b.numeric) return a.number < b.number ? -1 : b.number < a.number ? 1 : 0;
  if (a.numeric != b.numeric) return a.numeric ? -1 : 1;
  const int order = a.text.compare(b.text);
  return order < 0 ? -1 : order > 0 ? 1 : 0;
}

// "a=1, n=10"; a single printable parameter (column "param") by its value.
std::string paramsText(const SweepResults& sweep, const OrderedPoint& row,
                       const std::vector<std::size_t>& columns) {
  std::string text;
  const bool whole = sweep.paramNames.size() == 1 && sweep.paramNames[0] == "param";
  for (const std::size_t c : columns) {
    if (!text.empty()) text += ", ";
    if (!whole) text += sweep.paramNames[c] + "=";
    text += row.point->params[c];
  }
  return text;
}

}  // namespace jobstream::detail
