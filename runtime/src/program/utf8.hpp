// The user's text, one UTF-8 character at a time, for the places that show
// it on a terminal and must not trust it: an item quoted in a message
// (program/cli.cpp), a stage name on the progress line (observe/).
#pragma once

#include <cstddef>
#include <string_view>

namespace jobstream::detail {

// The length of the well-formed UTF-8 character of two or more bytes that
// `text` starts with, and that character in `point`; 0 if there is none
// (an ASCII byte, a stray or overlong sequence, a surrogate).
inline std::size_t utf8Character(std::string_view text, char32_t& point) {
  const auto lead = static_cast<unsigned char>(text[0]);
  const std::size_t length = lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3
                             : lead >= 0xf0 && lead <= 0xf4                                ? 4
                                                                                           : 0;
  if (length == 0 || text.size() < length) return 0;
  point = lead & (0x7f >> length);
  for (std::size_t i = 1; i != length; ++i) {
    const auto next = static_cast<unsigned char>(text[i]);
    if ((next & 0xc0) != 0x80) return 0;
    point = (point << 6) | (next & 0x3f);
  }
  const bool overlong = (length == 3 && point < 0x800) || (length == 4 && point < 0x10000);
  const bool surrogate = point >= 0xd800 && point <= 0xdfff;
  return overlong || surrogate || point > 0x10ffff ? 0 : length;
}

}  // namespace jobstream::detail
