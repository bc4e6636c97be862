// The sweep section's charts (report_sweep.hpp): a sweep's finished
// combinations in table order, which parameter runs along x and which split
// them into series, and one SVG chart per outcome column of the means with
// their error bars.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "observe/record.hpp"

namespace jobstream::detail {

// A chart draws at most kMaxSeries series of at most kMaxMarks points each;
// past that, every series is summed into kBins bins across x.
inline constexpr std::size_t kMaxSeries = 8;
inline constexpr std::size_t kMaxMarks = 200;
inline constexpr std::size_t kBins = 160;

// A parameter's value as the table prints it, parsed once: a number when
// the whole text is a finite one.
struct ParamValue {
  std::string_view text;
  double number = 0;
  bool numeric = false;
};
ParamValue paramValue(std::string_view text);
// Numbers by value, before text; text by its bytes. <0, 0, >0.
int compareParams(const ParamValue& a, const ParamValue& b);

struct OrderedPoint {
  const SweepPoint* point = nullptr;
  std::vector<ParamValue> key;  // point->params, parsed
};

// One sweep function's finished combinations, ordered by their parameters.
struct SweepResults {
  std::string name;
  std::vector<std::string> paramNames;
  std::vector<std::string> outcomeNames;
  std::vector<OrderedPoint> rows;
  std::size_t mismatched = 0;  // points whose columns were not the first point's (left out)
  std::vector<int> fullRanks;  // ranks that recorded kMaxSweepPoints, and so maybe not all
};

// "a=1, n=10" for `columns`; a parameter that is one printable value
// (column "param") by its value alone. Text, not yet escaped.
std::string paramsText(const SweepResults& sweep, const OrderedPoint& row,
                       const std::vector<std::size_t>& columns);

// Along x: the first numeric parameter that takes more than one value; if
// none, the first that does, as categories in table order. The others that
// vary make the series.
struct PlotLayout {
  std::size_t x = 0;
  bool numeric = false;
  std::vector<std::size_t> series;
};

struct PlotMark {
  double x = 0;  // the value, or the category's index
  const OrderedPoint* row = nullptr;
};

struct PlotSeries {
  std::string label;            // "b=2, c=x" (not yet escaped)
  std::vector<PlotMark> marks;  // by x
};

struct SweepPlot {
  PlotLayout layout;
  std::vector<PlotSeries> series;  // the first kMaxSeries, in the order of their values
  std::size_t seriesInAll = 0;
  std::vector<std::string> categories;  // a categorical x's values, in table order
  std::vector<double> distinctX;        // a numeric x's values, ascending
  bool binned = false;                  // a series has more than kMaxMarks points
};

SweepPlot sweepPlot(const SweepResults& sweep);

// Outcome column `column` of `plot` as an <svg> element; counts the means
// it could not draw (not finite) into `notFinite`.
std::string sweepChartSvg(const SweepResults& sweep, const SweepPlot& plot, std::size_t column,
                          std::size_t& notFinite);

}  // namespace jobstream::detail
