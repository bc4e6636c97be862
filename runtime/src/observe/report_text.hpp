// The words and numbers of the --report page: text from the record made safe
// for HTML, and counts, durations and sizes written the way a reader scans
// them (thousands separators, the unit that fits). One place, so every
// section of the page agrees.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace jobstream::detail {

// `text` as HTML character data or a quoted attribute value: & < > " ' as
// entities; control bytes other than tab and newline (which HTML forbids,
// even as references) as their Unicode control pictures (U+2400 + byte, ␛
// for escape), so an error carrying a terminal's colour codes shows them.
std::string htmlEscape(std::string_view text);

// 1234567 -> "1,234,567".
std::string groupedCount(std::uint64_t count);

// 100 * part / whole; 0 when there is no whole.
double percentOf(double part, double whole);

// Axis labels: 1500 -> "1.5k", 2000000 -> "2M", 0.25 -> "0.25".
std::string compactNumber(double value);

// "850 ns", "12.3 µs", "4.56 ms", "1.23 s", "4 min 5 s", "2 h 3 min",
// "1,234 h": three significant digits below a minute, then whole units.
std::string humanDuration(double ns);

// "512 B", "1.50 KiB", "3.20 GiB".
std::string humanBytes(std::uint64_t bytes);

// A sweep's mean and its error, "1.03 ± 0.10": the error to two significant
// digits and the mean to the same place; the mean alone ("1.03051") when the
// error is NaN (a single trial).
std::string meanWithError(double mean, double err);

// "2024-05-01 12:34:56 UTC"; "unknown" for 0 (a record that never had it).
std::string utcTime(std::int64_t unixMs);

// Rank numbers as a reader lists them: {1, 3, 4, 5, 9} -> "1, 3–5, 9".
std::string rankList(std::vector<int> ranks);

}  // namespace jobstream::detail
