#include "observe/report_text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>

namespace jobstream::detail {

std::string htmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      case '\t':
      case '\n':
        out += c;
        break;
      default:
        if (byte < 0x20) {
          // U+2400 + byte: the "control picture" of the byte (␛ for escape).
          out += "\xE2\x90";
          out += static_cast<char>(0x80 + byte);
        } else if (byte == 0x7f) {
          out += "\xE2\x90\xA1";  // ␡
        } else {
          out += c;
        }
    }
  }
  return out;
}

std::string groupedCount(std::uint64_t count) {
  const std::string digits = fmt::format("{}", count);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i != 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

double percentOf(double part, double whole) { return whole > 0 ? 100 * part / whole : 0; }

std::string compactNumber(double value) {
  struct Suffix {
    double scale;
    const char* name;
  };
  static constexpr std::array<Suffix, 4> kSuffixes = {
      {{1e12, "T"}, {1e9, "G"}, {1e6, "M"}, {1e3, "k"}}};
  // Rounding to three digits may carry into the next suffix (999,999 -> "1M").
  const double magnitude = std::fabs(value);
  for (const Suffix& suffix : kSuffixes) {
    if (magnitude >= suffix.scale * 0.9995)
      return fmt::format("{:.3g}{}", value / suffix.scale, suffix.name);
  }
  return fmt::format("{:.3g}", value);
}

namespace {

// Three significant digits in the largest unit the value reaches.
std::string shortDuration(double ns) {
  struct Unit {
    double scale;
    const char* name;
  };
  static constexpr std::array<Unit, 4> kUnits = {{{1e9, "s"}, {1e6, "ms"}, {1e3, "µs"}, {1, "ns"}}};
  for (const Unit& unit : kUnits) {
    // 999.96 µs is "1.00 ms", not "1000 µs".
    if (ns >= unit.scale * 0.99995 || unit.scale == 1) {
      const double value = ns / unit.scale;
      const int decimals = value >= 99.95 ? 0 : value >= 9.995 ? 1 : 2;
      if (unit.scale == 1 && value == std::floor(value)) return fmt::format("{:.0f} ns", value);
      return fmt::format("{:.{}f} {}", value, decimals, unit.name);
    }
  }
  return {};
}

}  // namespace

std::string humanDuration(double ns) {
  if (std::isnan(ns)) return "?";
  if (ns < 0) return "-" + humanDuration(-ns);
  if (ns < 59.995e9) return shortDuration(ns);
  const auto seconds = std::llround(ns / 1e9);
  if (seconds < 3600) return fmt::format("{} min {} s", seconds / 60, seconds % 60);
  const auto minutes = std::llround(ns / 60e9);
  if (minutes < 100 * 60) return fmt::format("{} h {} min", minutes / 60, minutes % 60);
  // Past a few days, hours (CPU-hours are what clusters account in).
  return groupedCount(static_cast<std::uint64_t>(std::llround(ns / 3600e9))) + " h";
}

std::string humanBytes(std::uint64_t bytes) {
  if (bytes < 1024) return fmt::format("{} B", bytes);
  static constexpr std::array<const char*, 5> kUnits = {"KiB", "MiB", "GiB", "TiB", "PiB"};
  double value = static_cast<double>(bytes) / 1024;
  std::size_t unit = 0;
  while (value >= 1023.995 && unit + 1 < kUnits.size()) {
    value /= 1024;
    ++unit;
  }
  const int decimals = value >= 99.95 ? 0 : value >= 9.995 ? 1 : 2;
  return fmt::format("{:.{}f} {}", value, decimals, kUnits[unit]);
}

std::string utcTime(std::int64_t unixMs) {
  if (unixMs == 0) return "unknown";
  using namespace std::chrono;
  const sys_time<milliseconds> at{milliseconds{unixMs}};
  const sys_days day = floor<days>(at);
  const year_month_day date{day};
  const hh_mm_ss time{floor<seconds>(at - day)};
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02} UTC", static_cast<int>(date.year()),
                     static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                     time.hours().count(), time.minutes().count(), time.seconds().count());
}

std::string rankList(std::vector<int> ranks) {
  std::sort(ranks.begin(), ranks.end());
  ranks.erase(std::unique(ranks.begin(), ranks.end()), ranks.end());
  std::string out;
  for (std::size_t i = 0; i < ranks.size();) {
    std::size_t last = i;
    while (last + 1 < ranks.size() && ranks[last + 1] == ranks[last] + 1) ++last;
    if (!out.empty()) out += ", ";
    if (last == i) {
      out += fmt::format("{}", ranks[i]);
    } else {
      out += fmt::format("{}–{}", ranks[i], ranks[last]);
    }
    i = last + 1;
  }
  return out;
}

std::string meanWithError(double mean, double err) {
  if (!std::isfinite(mean)) return fmt::format("{}", mean);
  if (std::isnan(err)) return fmt::format("{:.6g}", mean);
  if (!std::isfinite(err) || err == 0)
    return fmt::format("{:.6g} ± {}", mean, err == 0 ? "0" : fmt::format("{}", err));
  // Two significant digits of the error, and the mean to the same place.
  const int place = static_cast<int>(std::floor(std::log10(err))) - 1;
  if (place >= 6 || place < -9 || std::fabs(mean) >= 1e12) {
    const int digits = std::clamp(
        static_cast<int>(std::floor(std::log10(std::max(std::fabs(mean), err)))) - place + 1, 2,
        16);
    return fmt::format("{:.{}e} ± {:.1e}", mean, digits - 1, err);
  }
  const int decimals = std::max(0, -place);
  double shownMean = mean;
  double shownErr = err;
  if (place > 0) {  // 12346 ± 234 -> 12350 ± 230
    const double unit = std::pow(10.0, place);
    shownMean = std::round(mean / unit) * unit;
    shownErr = std::round(err / unit) * unit;
  }
  if (std::fabs(shownMean) < 0.5 * std::pow(10.0, -decimals)) shownMean = 0;  // not "-0.00"
  return fmt::format("{:.{}f} ± {:.{}f}", shownMean, decimals, shownErr, decimals);
}

}  // namespace jobstream::detail
