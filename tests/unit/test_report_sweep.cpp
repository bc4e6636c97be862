// The --report page's sweep section: the order of its rows, its charts'
// axes and series, escaping, and its size whatever the sweep.
#include <gtest/gtest.h>

#include "report_records.hpp"

namespace jstest {
namespace {

using namespace report;

// --- the sweep section --------------------------------------------------------

SweepPoint sweepPoint(std::vector<std::string> params, std::uint64_t trials,
                      std::vector<double> mean, std::vector<double> err,
                      std::vector<std::string> paramNames = {"a", "n"},
                      std::vector<std::string> outcomeNames = {"value", "cost"}) {
  SweepPoint point;
  point.sweep = "noise::trial";
  point.paramNames = std::move(paramNames);
  point.params = std::move(params);
  point.outcomeNames = std::move(outcomeNames);
  point.trials = trials;
  point.mean = std::move(mean);
  point.err = std::move(err);
  return point;
}

// A short run on two ranks whose sweep points are spread over both in no order.
RunRecord sweepRun(const std::vector<SweepPoint>& points) {
  Shape shape;
  shape.ranks = 2;
  shape.threads = 2;
  shape.duration = 10 * kSecond;
  shape.meanSpan = 0.2e9;
  shape.checkpoints = false;
  RunRecord run = simulatedRun(shape);
  for (std::size_t i = 0; i < points.size(); ++i)
    run.ranks[(i * 7 / 3) % 2].sweepPoints.push_back(points[i]);
  return run;
}

// The contract's sweep: sweep_noise.expected's rows, in no order.
std::vector<SweepPoint> noisePoints() {
  return {sweepPoint({"10", "20"}, 5, {10.1023, 20.2869}, {0.737303, 1.72763}),
          sweepPoint({"1", "10"}, 92, {1.03051, 10.0657}, {0.10231, 0.108338}),
          sweepPoint({"5.5", "20"}, 5, {5.94127, 20.1677}, {0.569331, 1.03524}),
          sweepPoint({"10", "10"}, 4, {9.89766, 10.5108}, {0.982588, 0.377097}),
          sweepPoint({"1", "20"}, 102, {0.974249, 19.9839}, {0.0964572, 0.190637}),
          sweepPoint({"5.5", "10"}, 5, {5.00252, 10.1117}, {0.426004, 0.787349})};
}

std::string sweepSection(const std::string& page) {
  const std::size_t start = page.find("<section id=\"sweep\">");
  if (start == std::string::npos) return {};
  return page.substr(start, page.find("</section>", start) - start);
}

TEST(ReportSweep, MeansAreShownToTheirErrorsPrecision) {
  EXPECT_EQ(meanWithError(1.03051, 0.10231), "1.03 ± 0.10");
  EXPECT_EQ(meanWithError(0.974249, 0.0964572), "0.974 ± 0.096");
  EXPECT_EQ(meanWithError(20.1677, 1.03524), "20.2 ± 1.0");
  EXPECT_EQ(meanWithError(12346, 234), "12350 ± 230");
  EXPECT_EQ(meanWithError(-0.001, 0.5), "0.00 ± 0.50");
  EXPECT_EQ(meanWithError(1.03051, std::nan("")), "1.03051");
  EXPECT_EQ(meanWithError(5, 0), "5 ± 0");
  EXPECT_EQ(meanWithError(6.02e23, 1.2e21), "6.020e+23 ± 1.2e+21");
  EXPECT_EQ(meanWithError(std::nan(""), 1), "nan");
}

TEST(ReportSweep, ParametersSortAsNumbersWhereTheyAreNumbers) {
  const auto order = [](std::string_view a, std::string_view b) {
    return compareParams(paramValue(a), paramValue(b));
  };
  EXPECT_LT(order("9", "10"), 0);
  EXPECT_LT(order("-1", "0.5"), 0);
  EXPECT_EQ(order("1e3", "1000"), 0);
  EXPECT_LT(order("10", "abc"), 0);  // numbers first
  EXPECT_LT(order("abc", "abd"), 0);
  EXPECT_GT(order("b", "B"), 0);
  EXPECT_FALSE(paramValue("1.5x").numeric);
  EXPECT_FALSE(paramValue("nan").numeric);
  EXPECT_FALSE(paramValue("").numeric);
}

TEST(ReportSweep, SectionOnlyWithPoints) {
  const std::string without = pageOf(sweepRun({}));
  EXPECT_EQ(without.find("id=\"sweep\""), std::string::npos);
  EXPECT_EQ(without.find("href=\"#sweep\""), std::string::npos);
  const std::string with = pageOf(sweepRun(noisePoints()));
  expectSafe(with);
  EXPECT_NE(with.find("<section id=\"sweep\">\n<h2>Sweep</h2>"), std::string::npos);
  EXPECT_NE(with.find("href=\"#sweep\""), std::string::npos);
}

TEST(ReportSweep, RowsFromEveryRankInParameterOrder) {
  const std::string section = sweepSection(pageOf(sweepRun(noisePoints())));
  EXPECT_NE(section.find("<h3><code>noise::trial</code></h3>"), std::string::npos);
  EXPECT_NE(
      section.find("6 combinations finished, 213 trials in all, from 4 to 102 per combination."),
      std::string::npos);
  // Table order: a, then n, as numbers (5.5 before 10).
  std::size_t at = 0;
  for (const char* row :
       {"<td class=\"num\">1</td><td class=\"num\">10</td><td class=\"num\">92</td>"
        "<td class=\"num\">1.03 ± 0.10</td><td class=\"num\">10.07 ± 0.11</td>",
        "<td class=\"num\">1</td><td class=\"num\">20</td>",
        "<td class=\"num\">5.5</td><td class=\"num\">10</td>",
        "<td class=\"num\">5.5</td><td class=\"num\">20</td>",
        "<td class=\"num\">10</td><td class=\"num\">10</td>",
        "<td class=\"num\">10</td><td class=\"num\">20</td>"}) {
    const std::size_t next = section.find(row, at);
    ASSERT_NE(next, std::string::npos) << row;
    at = next + 1;
  }
  EXPECT_EQ(count(section, "<tr>"), 7u);  // the header and six rows
}

TEST(ReportSweep, NumericXWithTheOtherParametersAsSeries) {
  const std::string section = sweepSection(pageOf(sweepRun(noisePoints())));
  // A chart per outcome column, a along x, a series per n with a legend.
  EXPECT_EQ(count(section, "<svg class=\"chart sweep\""), 2u);
  EXPECT_NE(section.find("aria-label=\"value: mean and 95% error against a\""), std::string::npos);
  EXPECT_NE(section.find("aria-label=\"cost: mean and 95% error against a\""), std::string::npos);
  EXPECT_NE(section.find("<span class=\"swatch\" style=\"background:#4e79a7\"></span>n=10</li>"),
            std::string::npos);
  EXPECT_NE(section.find("<span class=\"swatch\" style=\"background:#f28e2b\"></span>n=20</li>"),
            std::string::npos);
  EXPECT_EQ(section.find("(categories"), std::string::npos);
  EXPECT_EQ(section.find("(log scale)"), std::string::npos);
  // Every point drawn, with its bar and its numbers on hover.
  EXPECT_EQ(count(section, "<circle "), 12u);
  EXPECT_EQ(count(section, "h6"), 24u);  // two caps per bar
  EXPECT_NE(section.find("<title>a=5.5, n=20: 5.94 ± 0.57, 5 trials</title>"), std::string::npos);
  // Ticks on round numbers.
  EXPECT_NE(section.find(">10</text>"), std::string::npos);
}

TEST(ReportSweep, FirstNumericParameterRunsAlongX) {
  std::vector<SweepPoint> points;
  for (const char* method : {"slow", "fast"})
    for (const char* size : {"1000", "10", "100", "10000"})
      points.push_back(
          sweepPoint({method, size}, 3, {1.5}, {0.2}, {"method", "size"}, {"seconds"}));
  const std::string section = sweepSection(pageOf(sweepRun(points)));
  EXPECT_NE(section.find("against size\""), std::string::npos);
  EXPECT_NE(section.find("size (log scale)"), std::string::npos);
  EXPECT_NE(section.find(">10k</text>"), std::string::npos);  // ticks at the powers of ten
  EXPECT_NE(section.find("</span>method=fast</li>"), std::string::npos);
  EXPECT_LT(section.find("method=fast</li>"), section.find("method=slow</li>"));
  EXPECT_EQ(count(section, "<circle "), 8u);
}

TEST(ReportSweep, TextParametersAreCategoriesInTableOrder) {
  std::vector<SweepPoint> points;
  for (const char* solver : {"lu", "cg", "gmres"})
    for (const char* mesh : {"fine", "coarse"})
      points.push_back(sweepPoint({solver, mesh}, 4, {2.0}, {0.1}, {"solver", "mesh"}, {"error"}));
  const std::string section = sweepSection(pageOf(sweepRun(points)));
  EXPECT_NE(section.find("solver (categories, in table order)"), std::string::npos);
  const std::size_t cg = section.find(">cg</text>");
  const std::size_t gmres = section.find(">gmres</text>");
  const std::size_t lu = section.find(">lu</text>");
  ASSERT_NE(lu, std::string::npos);
  EXPECT_LT(cg, gmres);
  EXPECT_LT(gmres, lu);
  EXPECT_NE(section.find("</span>mesh=coarse</li>"), std::string::npos);
  EXPECT_EQ(count(section, "<circle "), 6u);
  // No line joins categories: the only paths are the grid, the axes and the bars.
  EXPECT_EQ(count(section, "stroke-opacity"), 0u);
}

TEST(ReportSweep, ASingleTrialDrawsNoBar) {
  const std::string section =
      sweepSection(pageOf(sweepRun({sweepPoint({"1"}, 1, {3.25}, {std::nan("")}, {"x"}, {"y"}),
                                    sweepPoint({"2"}, 1, {4.5}, {std::nan("")}, {"x"}, {"y"})})));
  EXPECT_EQ(count(section, "<circle "), 2u);
  EXPECT_EQ(section.find("h6"), std::string::npos);
  EXPECT_NE(section.find("<td class=\"num\">3.25</td>"), std::string::npos);
  EXPECT_NE(section.find("2 trials in all, 1 per combination."), std::string::npos);
  EXPECT_EQ(section.find("class=\"legend\""), std::string::npos);  // one series: no legend
}

TEST(ReportSweep, UserTextIsEscaped) {
  SweepPoint point =
      sweepPoint({"<b>&\"x\"", "1"}, 3, {1, 2}, {0.1, 0.2}, {"<i>name", "k"}, {"<o>", "c'st"});
  point.sweep = "ns::f<script>";
  SweepPoint other = point;
  other.params = {"<b>&\"y\"", "2"};
  const std::string page = pageOf(sweepRun({point, other}));
  expectSafe(page);
  const std::string section = sweepSection(page);
  EXPECT_EQ(section.find("<b>"), std::string::npos);
  EXPECT_EQ(section.find("<i>"), std::string::npos);
  EXPECT_EQ(section.find("<o>"), std::string::npos);
  EXPECT_NE(section.find("ns::f&lt;script&gt;"), std::string::npos);
  EXPECT_NE(section.find("&lt;b&gt;&amp;&quot;x&quot;"), std::string::npos);
  EXPECT_NE(section.find("&lt;i&gt;name"), std::string::npos);
  EXPECT_NE(section.find("c&#39;st"), std::string::npos);
}

// Two ranks at their cap, 40,000 combinations: the charts sum them into bins,
// keep 8 series, and the table shows its ends.
TEST(ReportSweep, SizeIsBoundedWhateverTheSweep) {
  for (const bool grid : {false, true}) {
    std::vector<SweepPoint> points;
    Random random(3);
    for (std::size_t i = 0; i < 2 * kMaxSweepPoints; ++i) {
      std::vector<std::string> params =
          grid ? std::vector<std::string>{fmt::format("{}", i % 200), fmt::format("{}", i / 200)}
               : std::vector<std::string>{fmt::format("{}", i), "0"};
      const double x = static_cast<double>(i % 200);
      points.push_back(
          sweepPoint(std::move(params), 10, {x + random.between(-1, 1), 1}, {0.5, 0.1}));
    }
    const RunRecord run = sweepRun(points);
    const std::string page = pageOf(run);
    expectSafe(page);
    const std::string section = sweepSection(page);
    RecordProperty(fmt::format("sweep_bytes_{}", grid ? "grid" : "line"),
                   static_cast<int>(section.size()));
    EXPECT_LT(section.size(), 400u << 10) << grid;
    EXPECT_NE(section.find("40,000 combinations finished"), std::string::npos);
    EXPECT_EQ(count(section, "<tr>"), 1u + 2 * 100);
    EXPECT_NE(section.find("… 39,800 more rows …"), std::string::npos);
    if (grid) {
      // 200 values of a along x, a series per n: too many series, but each short enough to draw.
      EXPECT_NE(section.find(
                    "The charts show the first 8 of 200 series; 192 more are only in the table."),
                std::string::npos);
      EXPECT_EQ(count(section, "<circle "), 2u * 8 * 200);
      EXPECT_EQ(count(section, "<title>"), 0u);  // too many points for hover text
    } else {
      EXPECT_NE(section.find("Too many combinations to draw one by one"), std::string::npos);
      EXPECT_EQ(count(section, "<circle "), 0u);
      EXPECT_LE(count(section, "<rect "), 2u * kBins);
    }
  }
}

TEST(ReportSweep, RanksAtTheirCapAreNamed) {
  RunRecord run = sweepRun({});
  for (std::size_t i = 0; i < kMaxSweepPoints; ++i)
    run.ranks[1].sweepPoints.push_back(
        sweepPoint({fmt::format("{}", i), "1"}, 3, {1, 1}, {0.1, 0.1}));
  const std::string section = sweepSection(pageOf(run));
  EXPECT_NE(section.find("Rank 1 recorded as many combinations as a rank keeps (20,000)"),
            std::string::npos);
}

}  // namespace
}  // namespace jstest
