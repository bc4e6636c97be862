// A sweep's table on stdout and its CSV file (contract, section 7): columns
// `trials`, the parameters, then `c`, `c_dev`, `c_err` for each outcome
// column c. The table is for people: right-aligned columns, numbers with
// six significant digits. The CSV is for programs: a header line, then every
// number in the shortest form that reads back exactly.
#include <fmt/format.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "jobstream/detail/sweep.hpp"

namespace jobstream::detail {

namespace {

std::vector<std::string> header(std::span<const std::string_view> paramColumns,
                                std::span<const std::string_view> outcomeColumns) {
  std::vector<std::string> names{"trials"};
  for (std::string_view name : paramColumns) names.emplace_back(name);
  for (std::string_view name : outcomeColumns) {
    names.emplace_back(name);
    names.push_back(fmt::format("{}_dev", name));
    names.push_back(fmt::format("{}_err", name));
  }
  return names;
}

// NaN (dev and err of a single trial) reads "nan" in both.
std::string tableNumber(double value) { return std::isnan(value) ? "nan" : fmt::format("{:.6g}", value); }
std::string csvNumber(double value) { return std::isnan(value) ? "nan" : fmt::format("{}", value); }

template <class Number>
std::vector<std::string> cells(const SweepTableRow& row, Number number) {
  std::vector<std::string> out{std::to_string(row.trials)};
  out.insert(out.end(), row.params.begin(), row.params.end());
  for (std::size_t c = 0; c != row.mean.size(); ++c) {
    out.push_back(number(row.mean[c]));
    out.push_back(number(row.dev[c]));
    out.push_back(number(row.err[c]));
  }
  return out;
}

// Display width: UTF-8 continuation bytes take no column.
std::size_t width(const std::string& text) {
  std::size_t columns = 0;
  for (unsigned char byte : text) columns += (byte & 0xC0) != 0x80;
  return columns;
}

// RFC 4180: a field with a comma, a quote or a line break is quoted, its
// quotes doubled.
std::string csvField(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + '"';
}

void writeCsv(const std::vector<std::string>& names, const std::vector<SweepTableRow>& rows, const std::string& path) {
  const std::string temporary = path + ".tmp";
  const auto failure = [&](int error) {
    const std::string reason = std::strerror(error != 0 ? error : EIO);
    std::remove(temporary.c_str());
    return std::runtime_error(fmt::format("cannot write the sweep's CSV file '{}': {}", path, reason));
  };
  errno = 0;
  std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
  if (!out) throw failure(errno);
  const auto line = [&out](const std::vector<std::string>& fields) {
    for (std::size_t i = 0; i != fields.size(); ++i) out << (i ? "," : "") << csvField(fields[i]);
    out << '\n';
  };
  line(names);
  for (const SweepTableRow& row : rows) line(cells(row, csvNumber));
  out.close();
  if (!out) throw failure(errno);
  if (std::rename(temporary.c_str(), path.c_str()) != 0) throw failure(errno);
}

}  // namespace

void writeSweepTable(std::span<const std::string_view> paramColumns, std::span<const std::string_view> outcomeColumns,
                     const std::vector<SweepTableRow>& rows, const SweepSettings& settings, std::ostream& out) {
  const std::vector<std::string> names = header(paramColumns, outcomeColumns);
  std::vector<std::vector<std::string>> table{names};
  for (const SweepTableRow& row : rows) table.push_back(cells(row, tableNumber));
  std::vector<std::size_t> widths(names.size(), 0);
  for (const auto& line : table)
    for (std::size_t i = 0; i != line.size() && i != widths.size(); ++i) widths[i] = std::max(widths[i], width(line[i]));
  std::string text;
  for (const auto& line : table) {
    for (std::size_t i = 0; i != line.size(); ++i) {
      if (i) text += "  ";
      text.append(widths[i] - width(line[i]), ' ');
      text += line[i];
    }
    text += '\n';
  }
  {
    const ClearLiveLine clear(out);
    out << text << std::flush;
  }
  if (!settings.csv.empty()) writeCsv(names, rows, settings.csv);
}

}  // namespace jobstream::detail
