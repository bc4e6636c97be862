#include "observe/report_sweep.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <set>
#include <vector>

#include "observe/report_svg.hpp"
#include "observe/report_sweep_chart.hpp"
#include "observe/report_text.hpp"

namespace jobstream::detail {
namespace {

// A sweep charts at most kMaxCharts outcome columns, and its table shows at
// most kTableEnds rows from each end: the section stays a few hundred KiB
// whatever the sweep (the charts bound themselves, report_sweep_chart.hpp).
constexpr std::size_t kMaxCharts = 12;
constexpr std::size_t kTableEnds = 100;

std::vector<SweepResults> sweepsOf(const RunRecord& run) {
  std::map<std::string, SweepResults> byName;
  for (const RankRecord& rank : run.ranks) {
    std::set<std::string> here;
    for (const SweepPoint& point : rank.sweepPoints) {
      SweepResults& sweep = byName[point.sweep];
      if (sweep.rows.empty() && sweep.mismatched == 0) {
        sweep.name = point.sweep;
        sweep.paramNames = point.paramNames;
        sweep.outcomeNames = point.outcomeNames;
      }
      if (point.paramNames != sweep.paramNames || point.params.size() != sweep.paramNames.size() ||
          point.outcomeNames != sweep.outcomeNames ||
          point.mean.size() != sweep.outcomeNames.size() ||
          point.err.size() != sweep.outcomeNames.size()) {
        ++sweep.mismatched;
        continue;
      }
      OrderedPoint row{&point, {}};
      for (const std::string& text : point.params) row.key.push_back(paramValue(text));
      sweep.rows.push_back(std::move(row));
      here.insert(point.sweep);
    }
    if (rank.sweepPoints.size() >= kMaxSweepPoints) {
      for (const std::string& name : here) byName[name].fullRanks.push_back(rank.rank);
    }
  }
  std::vector<SweepResults> sweeps;
  for (auto& [name, sweep] : byName) {
    std::stable_sort(sweep.rows.begin(), sweep.rows.end(),
                     [](const OrderedPoint& a, const OrderedPoint& b) {
                       for (std::size_t i = 0; i < a.key.size(); ++i) {
                         if (const int order = compareParams(a.key[i], b.key[i]); order != 0)
                           return order < 0;
                       }
                       return false;
                     });
    sweeps.push_back(std::move(sweep));
  }
  return sweeps;
}

std::string columnList(const SweepResults& sweep, const std::vector<std::size_t>& columns) {
  std::string text;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    text += i == 0 ? "" : i + 1 == columns.size() ? " and " : ", ";
    text += "<code>" + htmlEscape(sweep.paramNames[columns[i]]) + "</code>";
  }
  return text;
}

void writeCharts(const SweepResults& sweep, std::string& page) {
  if (sweep.outcomeNames.empty() || sweep.paramNames.empty()) return;
  const SweepPlot plan = sweepPlot(sweep);
  const bool binned = plan.binned;
  if (plan.series.size() > 1) {
    page += "<ul class=\"legend\">\n";
    for (std::size_t s = 0; s < plan.series.size(); ++s) {
      page += fmt::format("<li><span class=\"swatch\" style=\"background:{}\"></span>{}</li>\n",
                          stageColour(s), htmlEscape(plan.series[s].label));
    }
    page += "</ul>\n";
  }
  const std::size_t charts = std::min(kMaxCharts, sweep.outcomeNames.size());
  std::size_t notFinite = 0;
  page += "<div class=\"sweepcharts\">\n";
  for (std::size_t c = 0; c < charts; ++c)
    page += "<figure>\n" + sweepChartSvg(sweep, plan, c, notFinite) + "</figure>\n";
  page += "</div>\n<p class=\"muted\">";
  const std::string xName = "<code>" + htmlEscape(sweep.paramNames[plan.layout.x]) + "</code>";
  if (binned) {
    page += fmt::format(
        "Too many combinations to draw one by one: {} is cut into {} bins; a line joins each bin's "
        "mean of its "
        "combinations' means, and a band spans the lowest mean − err to the highest mean + err in "
        "it. ",
        xName, kBins);
  } else {
    page +=
        "Each point is a combination's mean over its trials, its bar the 95% confidence interval "
        "(± err, "
        "Student's t); a combination of a single trial has no bar. ";
  }
  page += plan.layout.numeric ? fmt::format("Along x: {}.", xName)
                              : fmt::format("Along x: the values of {}, in table order.", xName);
  if (!plan.layout.series.empty())
    page += fmt::format(" One series per value of {}.", columnList(sweep, plan.layout.series));
  if (plan.seriesInAll > plan.series.size()) {
    page +=
        fmt::format(" The charts show the first {} of {} series; {} more are only in the table.",
                    plan.series.size(), groupedCount(plan.seriesInAll),
                    groupedCount(plan.seriesInAll - plan.series.size()));
  }
  if (charts < sweep.outcomeNames.size()) {
    page += fmt::format(" Charted: the first {} of {} outcome columns; the table has them all.",
                        charts, sweep.outcomeNames.size());
  }
  if (notFinite > 0)
    page += fmt::format(" {} means that are not finite are not drawn.", groupedCount(notFinite));
  page += "</p>\n";
}

void writeTable(const SweepResults& sweep, std::string& page) {
  // A column of numbers is aligned right, head and cells, as every number on the page.
  std::vector<bool> numeric(sweep.paramNames.size(), true);
  for (const OrderedPoint& row : sweep.rows) {
    for (std::size_t p = 0; p < numeric.size(); ++p) numeric[p] = numeric[p] && row.key[p].numeric;
  }
  page += "<div class=\"scroll\"><table class=\"compact sweep\">\n<thead><tr>";
  for (std::size_t p = 0; p < numeric.size(); ++p) {
    page += fmt::format("<th class=\"{}user\">{}</th>", numeric[p] ? "num " : "",
                        htmlEscape(sweep.paramNames[p]));
  }
  page += "<th class=\"num\">Trials</th>";
  for (const std::string& name : sweep.outcomeNames)
    page += fmt::format("<th class=\"num user\">{} <span class=\"unit\">mean ± err</span></th>",
                        htmlEscape(name));
  page += "</tr></thead>\n<tbody>\n";
  const std::size_t rows = sweep.rows.size();
  const std::size_t columns = sweep.paramNames.size() + 1 + sweep.outcomeNames.size();
  for (std::size_t i = 0; i < rows; ++i) {
    if (rows > 2 * kTableEnds && i == kTableEnds) {
      page += fmt::format("<tr class=\"gap\"><td colspan=\"{}\">… {} more rows …</td></tr>\n",
                          columns, groupedCount(rows - 2 * kTableEnds));
      i = rows - kTableEnds;
    }
    const SweepPoint& point = *sweep.rows[i].point;
    page += "<tr>";
    for (std::size_t p = 0; p < point.params.size(); ++p) {
      page += fmt::format("<td class=\"{}\">{}</td>", numeric[p] ? "num" : "name",
                          htmlEscape(point.params[p]));
    }
    page += fmt::format("<td class=\"num\">{}</td>", groupedCount(point.trials));
    for (std::size_t c = 0; c < point.mean.size(); ++c)
      page += fmt::format("<td class=\"num\">{}</td>",
                          htmlEscape(meanWithError(point.mean[c], point.err[c])));
    page += "</tr>\n";
  }
  page += "</tbody>\n</table></div>\n";
}

void writeSweep(const SweepResults& sweep, std::string& page) {
  page += fmt::format("<h3><code>{}</code></h3>\n", htmlEscape(sweep.name));
  std::uint64_t trials = 0;
  std::uint64_t fewest = UINT64_MAX;
  std::uint64_t most = 0;
  for (const OrderedPoint& row : sweep.rows) {
    trials += row.point->trials;
    fewest = std::min(fewest, row.point->trials);
    most = std::max(most, row.point->trials);
  }
  const std::size_t rows = sweep.rows.size();
  page += fmt::format("<p>{} combination{} finished, {} trial{} in all, ", groupedCount(rows),
                      rows == 1 ? "" : "s", groupedCount(trials), trials == 1 ? "" : "s");
  page += rows == 0        ? std::string("none")
          : fewest == most ? fmt::format("{} per combination", groupedCount(most))
                           : fmt::format("from {} to {} per combination", groupedCount(fewest),
                                         groupedCount(most));
  page += ".";
  if (!sweep.fullRanks.empty()) {
    page += fmt::format(
        " Rank{} {} recorded as many combinations as a rank keeps ({}): the rest are missing here.",
        sweep.fullRanks.size() == 1 ? "" : "s", rankList(sweep.fullRanks),
        groupedCount(kMaxSweepPoints));
  }
  if (sweep.mismatched > 0) {
    page += fmt::format(" {} recorded combination{} with other columns than the first left out.",
                        groupedCount(sweep.mismatched), sweep.mismatched == 1 ? "" : "s");
  }
  page += "</p>\n";
  if (rows == 0) return;
  writeCharts(sweep, page);
  writeTable(sweep, page);
}

}  // namespace

bool hasSweepPoints(const RunRecord& run) {
  return std::any_of(run.ranks.begin(), run.ranks.end(),
                     [](const RankRecord& rank) { return !rank.sweepPoints.empty(); });
}

void writeSweepSection(const RunRecord& run, std::string& page) {
  if (!hasSweepPoints(run)) return;
  page += "<section id=\"sweep\">\n<h2>Sweep</h2>\n";
  for (const SweepResults& sweep : sweepsOf(run)) writeSweep(sweep, page);
  page += "</section>\n";
}

}  // namespace jobstream::detail
