// Items as text: parsing ITEM arguments and input lines into the first
// stage's input type, and the default printer for items leaving a pipeline.
#pragma once

#include <charconv>
#include <cstddef>
#include <iostream>
#include <optional>
#include <ranges>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <tuple>
#include <type_traits>
#include <typeinfo>
#include <utility>
#include <variant>

#include "jobstream/detail/report.hpp"
#include "jobstream/detail/batch.hpp"
#include "jobstream/detail/stage.hpp"
#include "jobstream/detail/user_templates.hpp"

JOBSTREAM_TEMPLATES_BEGIN

namespace jobstream::detail {

// A type's name as a user writes it: `std::string`, `std::vector<int>`,
// `const char*` (runtime/src/program/type_name.cpp).
std::string demangle(const std::type_info& type);

template <class T>
concept Streamable = requires(std::ostream& out, const T& value) { out << value; };

template <class T>
concept Extractable = requires(std::istream& in, T& value) { in >> value; };

template <class T>
inline constexpr bool kIsTupleLike = false;
template <class... Ts>
inline constexpr bool kIsTupleLike<std::tuple<Ts...>> = true;
template <class A, class B>
inline constexpr bool kIsTupleLike<std::pair<A, B>> = true;

template <class T>
inline constexpr bool kIsOptional = false;
template <class T>
inline constexpr bool kIsOptional<std::optional<T>> = true;

template <class T>
inline constexpr bool kIsVariant = false;
template <class... Ts>
inline constexpr bool kIsVariant<std::variant<Ts...>> = true;

// Writes `value` the way the default printer shows an item: operator<< when
// the type has one, containers as [a, b], tuples and pairs as (a, b),
// optionals as their value or "nullopt". jsgen refuses any other item with a
// diagnostic at the pipeline's last stage (jsgen/printer_check.cpp).
template <class T>
void printItem(std::ostream& out, const T& value) {
  if constexpr (std::is_same_v<T, bool>) {
    out << (value ? "true" : "false");
  } else if constexpr (std::is_same_v<T, signed char> || std::is_same_v<T, unsigned char>) {
    out << static_cast<int>(value);
  } else if constexpr (Streamable<T>) {
    out << value;
  } else if constexpr (kIsTupleLike<T>) {
    out << '(';
    std::apply(
        [&out](const auto&... parts) {
          std::size_t n = 0;
          ((out << (n++ ? ", " : ""), printItem(out, parts)), ...);
        },
        value);
    out << ')';
  } else if constexpr (kIsOptional<T>) {
    if (value) {
      printItem(out, *value);
    } else {
      out << "nullopt";
    }
  } else if constexpr (kIsVariant<T>) {
    std::visit([&out](const auto& held) { printItem(out, held); }, value);
  } else if constexpr (std::ranges::input_range<const T>) {
    out << '[';
    bool first = true;
    for (const auto& element : value) {
      if (!first) out << ", ";
      first = false;
      printItem(out, element);
    }
    out << ']';
  } else {
    static_assert(!sizeof(T), "jsgen lets through an item the default printer cannot print");
  }
}

// The process function of jsgen's default last stage (StageKind::print).
template <class T>
void printItems(BatchBase& in, std::size_t begin, std::size_t end, Emitter&) {
  const auto& items = static_cast<const Batch<T>&>(in).items;
  std::ostringstream text;
  for (std::size_t i = begin; i != end; ++i) {
    printItem(text, items[i]);
    text << '\n';
  }
  const ClearLiveLine clear(std::cout);  // a progress line on the same terminal
  std::cout << text.str() << std::flush;
}

template <class T>
concept ParsableItem = std::is_same_v<T, std::string> || std::is_arithmetic_v<T> ||
                       (std::is_default_constructible_v<T> && Extractable<T>);

// Parses the whole of `text` as a T; false if it does not parse or if
// anything but whitespace is left over. A string is the text as it is;
// numbers and bools may have whitespace around them.
template <ParsableItem T>
bool parseItem(std::string_view text, T& value) {
  if constexpr (std::is_arithmetic_v<T>) {
    const auto first = text.find_first_not_of(" \t\r\n\f\v");
    text = first == std::string_view::npos
               ? std::string_view()
               : text.substr(first, text.find_last_not_of(" \t\r\n\f\v") - first + 1);
  }
  if constexpr (std::is_same_v<T, std::string>) {
    value.assign(text);
    return true;
  } else if constexpr (std::is_same_v<T, bool>) {
    if (text == "true" || text == "1") return value = true, true;
    if (text == "false" || text == "0") return value = false, true;
    return false;
  } else if constexpr (std::is_arithmetic_v<T>) {
    const char* first = text.data();
    const char* last = text.data() + text.size();
    if (first != last && *first == '+') ++first;  // from_chars rejects a leading '+'
    const auto [end, error] = std::from_chars(first, last, value);
    return error == std::errc() && end == last && first != last;
  } else {
    std::istringstream in{std::string(text)};
    if (!(in >> value)) return false;
    in >> std::ws;
    return in.eof();
  }
}

template <ParsableItem T>
bool parseInto(std::string_view text, BatchBase& into) {
  T value{};
  if (!parseItem(text, value)) return false;
  static_cast<Batch<T>&>(into).items.push_back(std::move(value));
  return true;
}

// What jsgen puts in PipelineDef::parseItem: null for types that cannot be
// read from text (such a pipeline takes its items from an init stage).
template <class T>
constexpr auto parserFor() -> bool (*)(std::string_view, BatchBase&) {
  if constexpr (ParsableItem<T>) {
    return &parseInto<T>;
  } else {
    return nullptr;
  }
}

}  // namespace jobstream::detail

JOBSTREAM_TEMPLATES_END
