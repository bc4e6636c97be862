#include "observe/report_timeline.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <compare>
#include <map>
#include <vector>

#include "observe/report_text.hpp"

namespace jobstream::detail {
namespace {

// What a row's time is drawn as: stages 0..stages-1, then these two.
struct Categories {
  std::size_t stages = 0;
  std::size_t communication() const { return stages; }
  std::size_t wait() const { return stages + 1; }
  std::size_t count() const { return stages + 2; }

  // count() for spans the rows do not draw (checkpoints are bands over all
  // rows; a stage index past the pipeline's is a record from elsewhere).
  std::size_t of(const Span& span) const {
    switch (span.kind) {
      case SpanKind::stage:
      case SpanKind::merge:
        return span.stage < stages ? span.stage : count();
      case SpanKind::wait:
        return wait();
      case SpanKind::communicate:
      case SpanKind::steal:
      case SpanKind::give:
        return communication();
      case SpanKind::checkpoint:
      case SpanKind::pause:
        break;
    }
    return count();
  }
};

// The time each category covers in each column of one row, in column
// widths: 1 is one thread for the whole column.
class ColumnCover {
 public:
  ColumnCover(const TimeScale& scale, std::size_t categories)
      : scale_(scale), categories_(categories), cover_(kChartColumns * categories) {}

  void clear() { std::fill(cover_.begin(), cover_.end(), 0.0); }

  void add(std::int64_t start, std::int64_t end, std::size_t category) {
    const double from = std::clamp(scale_.column(start), 0.0, double{kChartColumns});
    const double to = std::clamp(scale_.column(end), 0.0, double{kChartColumns});
    for (auto column = static_cast<int>(from); column < kChartColumns && column < to; ++column) {
      cover_[index(column, category)] +=
          std::min(to, column + 1.0) - std::max(from, static_cast<double>(column));
    }
  }

  double at(int column, std::size_t category) const { return cover_[index(column, category)]; }

 private:
  std::size_t index(int column, std::size_t category) const {
    return static_cast<std::size_t>(column) * categories_ + category;
  }

  TimeScale scale_;
  std::size_t categories_;
  std::vector<double> cover_;
};

// Opacity in eighths. A column busy 2% of the time still shows, faintly:
// rounding it away would hide a rank that did a little work.
int opacityLevel(double share) {
  if (share <= 0.02) return 0;
  return std::clamp(static_cast<int>(std::lround(share * 8)), 1, 8);
}

// Calls draw(from, to, look) for each run [from, to) of equal looks.
template <class Look, class Draw>
void forEachRun(const std::vector<Look>& looks, Draw draw) {
  for (std::size_t from = 0; from < looks.size();) {
    std::size_t to = from + 1;
    while (to < looks.size() && looks[to] == looks[from]) ++to;
    draw(static_cast<int>(from), static_cast<int>(to), looks[from]);
    from = to;
  }
}

// The segments of one colour, opacity and row height as one stroked path,
// moving relatively within a row: about 8 bytes a segment.
class SegmentPaths {
 public:
  struct Key {
    int layer = 0;  // 0: waiting, under the busy segments
    std::size_t category = 0;
    int level = 8;
    int height = 1;
    auto operator<=>(const Key&) const = default;
  };

  void add(const Key& key, int top, int fromColumn, int toColumn) {
    Path& path = paths_[key];
    const int x = kChartLeft + fromColumn;
    if (path.top == top) {
      path.d += fmt::format("m{} 0h{}", x - path.endX, toColumn - fromColumn);
    } else {
      path.d +=
          fmt::format("M{} {}h{}", x, svgNumber(top + key.height / 2.0), toColumn - fromColumn);
      path.top = top;
    }
    path.endX = kChartLeft + toColumn;
  }

  std::string svg(const Categories& categories) const {
    std::string out;
    for (const auto& [key, path] : paths_) {
      const std::string colour = key.category == categories.wait() ? kWaitColour
                                 : key.category == categories.communication()
                                     ? kCommunicationColour
                                     : stageColour(key.category);
      const std::string opacity = key.level == 8
                                      ? std::string()
                                      : fmt::format(" stroke-opacity=\"{:.3g}\"", key.level / 8.0);
      out += fmt::format("<path stroke=\"{}\" stroke-width=\"{}\"{} d=\"{}\"/>\n", colour,
                         key.height, opacity, path.d);
    }
    return out;
  }

 private:
  struct Path {
    std::string d;
    int top = -1;
    int endX = 0;
  };
  std::map<Key, Path> paths_;
};

// One row of the timeline: the threads [firstThread, lastThread] of a rank.
struct Row {
  int firstThread = 0;
  int lastThread = 0;
  int top = 0;
  int height = 0;
  std::string name;   // "worker 3", "communication thread", "32 workers"
  std::string label;  // at the row's left, when rows are tall enough
  int threads() const { return lastThread - firstThread + 1; }
};

// A rank's rows, or a single "no data" row for a rank never heard from.
struct RankRows {
  const RankRecord* record = nullptr;
  int rank = 0;
  int top = 0;
  int height = 0;
  std::vector<Row> rows;
};

// At most `limit` characters (UTF-8 code points) of `text`, with "…" when cut.
std::string shortened(const std::string& text, std::size_t limit) {
  std::size_t points = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
    if (++points == limit) return text.substr(0, i) + "…";
  }
  return text;
}

// "rank 3 (node07)", or "rank 3" when the host is not known.
std::string rankName(const RankRows& rank) {
  const std::string& host = rank.record != nullptr ? rank.record->host : std::string();
  return host.empty() ? fmt::format("rank {}", rank.rank)
                      : fmt::format("rank {} ({})", rank.rank, host);
}

// Hover text of a row: its busy share and what it was busy with.
std::string rowTitle(const RunRecord& run, const RankRows& rank, const Row& row,
                     const ColumnCover& cover, const Categories& categories) {
  std::vector<std::pair<double, std::size_t>> shares;
  const double whole = double{kChartColumns} * row.threads();
  double busy = 0;
  for (std::size_t category = 0; category < categories.wait(); ++category) {
    double sum = 0;
    for (int column = 0; column < kChartColumns; ++column) sum += cover.at(column, category);
    busy += sum;
    if (sum > 0) shares.emplace_back(sum / whole, category);
  }
  double waiting = 0;
  for (int column = 0; column < kChartColumns; ++column)
    waiting += cover.at(column, categories.wait());
  std::sort(shares.rbegin(), shares.rend());
  std::string text =
      fmt::format("{}, {}: busy {:.0f}%", rankName(rank), row.name, 100 * busy / whole);
  for (std::size_t i = 0; i < shares.size() && i < 4; ++i) {
    const std::size_t category = shares[i].second;
    const std::string what =
        category == categories.communication() ? "communication" : stageName(run, category);
    text += fmt::format("{} {} {:.1f}%", i == 0 ? ":" : ",", what, 100 * shares[i].first);
  }
  if (waiting > 0) text += fmt::format("; waiting for work {:.0f}%", 100 * waiting / whole);
  return text;
}

// Cuts a row's columns into runs of one look and adds them to `paths`.
void drawRow(const Row& row, const ColumnCover& cover, const Categories& categories,
             SegmentPaths& paths) {
  const double threads = row.threads();
  std::vector<SegmentPaths::Key> busy(kChartColumns);
  std::vector<bool> waiting(kChartColumns);
  for (int column = 0; column < kChartColumns; ++column) {
    double total = 0;
    double most = 0;
    std::size_t dominant = 0;
    for (std::size_t category = 0; category < categories.wait(); ++category) {
      const double value = cover.at(column, category);
      total += value;
      if (value > most) {
        most = value;
        dominant = category;
      }
    }
    busy[static_cast<std::size_t>(column)] = {1, dominant, opacityLevel(total / threads),
                                              row.height};
    waiting[static_cast<std::size_t>(column)] =
        cover.at(column, categories.wait()) / threads >= 0.5;
  }
  forEachRun(busy, [&](int from, int to, const SegmentPaths::Key& look) {
    if (look.level > 0) paths.add(look, row.top, from, to);
  });
  forEachRun(waiting, [&](int from, int to, bool waits) {
    if (waits) paths.add({0, categories.wait(), 8, row.height}, row.top, from, to);
  });
}

// Where every rank's rows go, from the top of the plot down.
struct Layout {
  bool perThread = true;
  int rowHeight = 14;
  int gap = 6;
  bool threadLabels = false;
  int rowsTop = 0;
  int rowsBottom = 0;
  std::vector<RankRows> ranks;
};

Layout layOut(const RunRecord& run, int rowsTop) {
  const std::size_t ranks = rankCount(run);
  const auto record = [&](std::size_t i) -> const RankRecord* {
    return i < run.ranks.size() && heardFrom(run.ranks[i]) ? &run.ranks[i] : nullptr;
  };
  std::size_t threadRows = 0;
  for (std::size_t i = 0; i < ranks; ++i) {
    threadRows +=
        record(i) != nullptr ? static_cast<std::size_t>(std::max(record(i)->threads, 0)) + 1 : 1;
  }
  Layout layout;
  layout.perThread = threadRows <= kTimelineThreadRows;
  const std::size_t rows = std::max<std::size_t>(layout.perThread ? threadRows : ranks, 1);
  layout.rowHeight = static_cast<int>(std::clamp<std::size_t>(640 / rows, 3, 14));
  const int commHeight = layout.perThread ? layout.rowHeight : layout.rowHeight >= 8 ? 3 : 1;
  layout.gap = layout.perThread ? (layout.rowHeight >= 8 ? 6 : 2) : (layout.rowHeight >= 8 ? 4 : 1);
  layout.threadLabels = layout.perThread && layout.rowHeight >= 9;
  layout.rowsTop = rowsTop;

  int y = rowsTop;
  for (std::size_t i = 0; i < ranks; ++i) {
    RankRows rank;
    rank.record = record(i);
    rank.rank = i < run.ranks.size() ? run.ranks[i].rank : static_cast<int>(i);
    rank.top = y;
    if (rank.record == nullptr) {
      y += std::max(layout.rowHeight, 6);  // thick enough to see
    } else {
      const int threads = std::max(rank.record->threads, 0);
      if (layout.perThread) {
        for (int thread = 0; thread < threads; ++thread) {
          rank.rows.push_back(Row{thread, thread, y, layout.rowHeight,
                                  fmt::format("worker {}", thread), fmt::format("w{}", thread)});
          y += layout.rowHeight;
        }
      } else if (threads > 0) {
        rank.rows.push_back(
            Row{0, threads - 1, y, layout.rowHeight, fmt::format("{} workers", threads), ""});
        y += layout.rowHeight;
      }
      rank.rows.push_back(Row{threads, threads, y, commHeight, "communication thread", "comm"});
      y += commHeight;
    }
    rank.height = y - rank.top;
    layout.ranks.push_back(std::move(rank));
    y += layout.gap;
  }
  layout.rowsBottom = y - layout.gap;
  return layout;
}

// "rank 3 (node07)" at the left of a rank's rows: on one line when it fits,
// else the host under the rank when the rows are tall enough, else the host
// cut short; its full text on hover.
std::string rankLabel(const RankRows& rank, const Layout& layout) {
  if (rank.record == nullptr) {
    return fmt::format(
        "<text class=\"rank missing\" x=\"4\" y=\"{}\"><title>no data was received from rank "
        "{}</title>rank {}</text>\n",
        rank.top + rank.height / 2 + 4, rank.rank, rank.rank);
  }
  const std::string& host = rank.record->host;
  const std::string partial = rank.record->complete ? "" : " partial";
  const std::string whole = rankName(rank);
  const std::string title = htmlEscape(
      whole + (rank.record->complete ? "" : ": partial data, sent while the run went on"));
  const std::size_t room = layout.threadLabels ? 25 : 30;  // characters of label column
  const auto line = [&](int baseline, const std::string& cls, const std::string& text) {
    return fmt::format("<text class=\"{}{}\" x=\"4\" y=\"{}\"><title>{}</title>{}</text>\n", cls,
                       partial, baseline, title, htmlEscape(text));
  };
  if (whole.size() <= room) return line(rank.top + rank.height / 2 + 4, "rank", whole);
  if (rank.height >= 28) {
    return line(rank.top + 11, "rank", fmt::format("rank {}", rank.rank)) +
           line(rank.top + 24, "host", shortened(host, room));
  }
  const std::string prefix = fmt::format("rank {} (", rank.rank);
  return line(
      rank.top + rank.height / 2 + 4, "rank",
      prefix + shortened(host, room > prefix.size() + 2 ? room - prefix.size() - 1 : 2) + ")");
}

// Checkpoint pauses: hatched bands over every row, merged per column so a
// run checkpointing every second stays small; numbered as in the table
// when there is room.
std::string pauseBandsSvg(const std::vector<CheckpointMark>& marks, const TimeScale& scale, int top,
                          int bottom, bool numbered) {
  std::vector<bool> paused(kChartColumns);
  for (const CheckpointMark& mark : marks) {
    const double from = std::clamp(scale.column(mark.start), 0.0, kChartColumns - 2.0);
    // At least two columns: a pause is short, and where it was matters.
    const double to =
        std::clamp(scale.column(mark.start + mark.pauseNs), from + 2, double{kChartColumns});
    for (auto column = static_cast<int>(from); column < to; ++column)
      paused[static_cast<std::size_t>(column)] = true;
  }
  std::string out;
  forEachRun(paused, [&](int from, int to, bool pause) {
    if (!pause) return;
    out += fmt::format(
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"url(#pause-hatch)\"/>\n",
        kChartLeft + from, top, to - from, bottom - top);
  });
  if (!numbered) return out;
  double lastX = -100;
  for (std::size_t i = 0; i < marks.size(); ++i) {
    const double x = scale.x(marks[i].start + marks[i].pauseNs / 2);
    if (x - lastX < 16) continue;
    out += fmt::format("<text class=\"mark\" x=\"{}\" y=\"11\" text-anchor=\"middle\">{}</text>\n",
                       svgNumber(x), i + 1);
    lastX = x;
  }
  return out;
}

}  // namespace

Timeline timelineSvg(const RunRecord& run, const TimeScale& scale) {
  const Categories categories{stageCount(run)};
  static const std::vector<CheckpointMark> kNoMarks;
  const std::vector<CheckpointMark>& marks =
      run.ranks.empty() ? kNoMarks : run.ranks.front().checkpoints;
  // Numbers over the pause bands, then the time labels, then the rows.
  const int labelY = marks.empty() ? 13 : 28;
  const Layout layout = layOut(run, labelY + 10);
  const TimeTicks ticks = timeTicks(scale, 10);
  const bool bottomAxis = layout.rowsBottom - layout.rowsTop > 320;
  const int height = layout.rowsBottom + (bottomAxis ? 22 : 6);
  SegmentPaths paths;
  std::string labels;
  int lastLabel = -100;
  std::string hover;
  ColumnCover cover(scale, categories.count());
  for (std::size_t i = 0; i < layout.ranks.size(); ++i) {
    const RankRows& rank = layout.ranks[i];
    // A label only where it does not overlap the last one: with thin rows,
    // every few ranks.
    const int middle = rank.top + rank.height / 2;
    if (middle - lastLabel >= 13) {
      labels += rankLabel(rank, layout);
      lastLabel = middle;
    }
    if (rank.record == nullptr) {
      labels +=
          fmt::format("<rect class=\"nodata\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>\n",
                      kChartLeft, rank.top, kChartColumns, rank.height);
      if (rank.height >= 10) {
        labels += fmt::format(
            "<text class=\"nodata\" x=\"{}\" y=\"{}\">no data received from this rank</text>\n",
            kChartLeft + 6, rank.top + rank.height / 2 + 4);
      }
      continue;
    }
    // Each span goes to the row of its thread.
    const int threads = std::max(rank.record->threads, 0);
    std::vector<std::size_t> rowOfThread(static_cast<std::size_t>(threads) + 1, rank.rows.size());
    for (std::size_t r = 0; r < rank.rows.size(); ++r) {
      for (int t = rank.rows[r].firstThread; t <= rank.rows[r].lastThread; ++t) {
        rowOfThread[static_cast<std::size_t>(t)] = r;
      }
    }
    std::vector<std::vector<const Span*>> spansOfRow(rank.rows.size());
    for (const Span& span : rank.record->spans) {
      if (span.thread > threads || categories.of(span) == categories.count()) continue;
      const std::size_t r = rowOfThread[span.thread];
      if (r < rank.rows.size()) spansOfRow[r].push_back(&span);
    }
    for (std::size_t r = 0; r < rank.rows.size(); ++r) {
      const Row& row = rank.rows[r];
      cover.clear();
      for (const Span* span : spansOfRow[r])
        cover.add(span->start, span->start + span->duration, categories.of(*span));
      drawRow(row, cover, categories, paths);
      hover += fmt::format(
          "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"><title>{}</title></rect>\n",
          kChartLeft, row.top, kChartColumns, row.height,
          htmlEscape(rowTitle(run, rank, row, cover, categories)));
      if (layout.threadLabels) {
        labels +=
            fmt::format("<text class=\"thread\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\n",
                        kChartLeft - 6, row.top + row.height / 2 + 3, row.label);
      }
    }
  }

  std::string svg = fmt::format(
      "<svg class=\"chart timeline\" viewBox=\"0 0 {0} {1}\" width=\"{0}\" "
      "height=\"{1}\" role=\"img\" aria-label=\"timeline of every rank's threads\">\n",
      kChartWidth, height);
  svg +=
      "<defs><pattern id=\"pause-hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
      "patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#222\" "
      "fill-opacity=\".07\"/>"
      "<rect width=\"2\" height=\"6\" fill=\"#222\" fill-opacity=\".4\"/></pattern></defs>\n";
  svg += timeGridSvg(scale, ticks, layout.rowsTop - 4, layout.rowsBottom);
  svg += "<g fill=\"none\" shape-rendering=\"crispEdges\">\n" + paths.svg(categories) + "</g>\n";
  svg += pauseBandsSvg(marks, scale, layout.rowsTop - 4, layout.rowsBottom, marks.size() <= 99);
  svg += timeLabelsSvg(scale, ticks, labelY);
  if (bottomAxis) svg += timeLabelsSvg(scale, ticks, layout.rowsBottom + 16);
  svg += labels;
  svg += "<g class=\"hover\">\n" + hover + "</g>\n</svg>\n";
  return Timeline{std::move(svg), layout.perThread};
}

}  // namespace jobstream::detail
