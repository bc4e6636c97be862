// Type names in messages, as a user writes them: `std::string`, not
// `std::__cxx11::basic_string<char, std::char_traits<char>,
// std::allocator<char> >`. The demangled name is parsed into a tree of
// template arguments; the std library's inline namespaces and the
// arguments a user leaves to their default are dropped.
#include <cxxabi.h>
#include <fmt/format.h>

#include <array>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <typeinfo>
#include <vector>

#include "jobstream/detail/text.hpp"

namespace jobstream::detail {
namespace {

// A name such as `std::vector<int>::iterator const*`: text, then maybe
// template arguments, then text again, and so on.
struct Name {
  struct Part {
    std::string text;
    std::optional<std::vector<Name>> arguments;
  };
  std::vector<Part> parts;
};

// Parses from `at` up to a ',' or '>' outside brackets (or the end).
// Parentheses (function types, "(anonymous namespace)") are kept as text.
std::optional<Name> parse(std::string_view text, std::size_t& at) {
  Name name;
  name.parts.emplace_back();
  while (at < text.size() && text[at] != ',' && text[at] != '>') {
    const char c = text[at];
    if (c == '(') {
      int depth = 0;
      const std::size_t start = at;
      do {
        depth += text[at] == '(' ? 1 : text[at] == ')' ? -1 : 0;
        ++at;
      } while (depth != 0 && at < text.size());
      if (depth != 0) return std::nullopt;
      name.parts.back().text.append(text.substr(start, at - start));
    } else if (c == '<') {
      if (name.parts.back().arguments) name.parts.emplace_back();  // `A<x>B<y>`: cannot happen, but be safe
      std::vector<Name> arguments;
      do {
        ++at;  // '<' or ','
        std::optional<Name> argument = parse(text, at);
        if (!argument) return std::nullopt;
        arguments.push_back(std::move(*argument));
      } while (at < text.size() && text[at] == ',');
      if (at == text.size()) return std::nullopt;
      ++at;  // '>'
      name.parts.back().arguments = std::move(arguments);
      name.parts.emplace_back();
    } else {
      name.parts.back().text += c;
      ++at;
    }
  }
  return name;
}

std::string trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(' ');
  if (first == std::string_view::npos) return {};
  return std::string(text.substr(first, text.find_last_not_of(' ') - first + 1));
}

// `int const` as `const int`, `char const*` as `const char*` (not when the
// const is the pointer's own: `char* const` stays).
std::string constFirst(std::string text) {
  const auto suffix = text.find_last_not_of("*&");
  const std::string_view kConst = " const";
  if (suffix == std::string::npos || suffix + 1 < kConst.size()) return text;
  const std::size_t at = suffix + 1 - kConst.size();
  if (text.compare(at, kConst.size(), kConst) != 0) return text;
  const std::string before = text.substr(0, at);
  if (before.empty() || before.back() == '*' || before.back() == '&' || before.ends_with(" const")) return text;
  return "const " + before + text.substr(suffix + 1);
}

// `3ul` as `3`: the demangler spells integer arguments with their suffix.
std::string withoutIntegerSuffix(const std::string& text) {
  const std::size_t digits = text.find_first_not_of("0123456789", text.starts_with('-') ? 1 : 0);
  if (digits == std::string::npos || digits == (text.starts_with('-') ? 1u : 0u)) return text;
  const std::string_view suffix = std::string_view(text).substr(digits);
  for (std::string_view known : {"u", "l", "ul", "ll", "ull"})
    if (suffix == known) return text.substr(0, digits);
  return text;
}

std::string print(const Name& name);

// The default of each std template's trailing arguments, as printed, given
// the arguments before them: what a user leaves out.
std::optional<std::string> defaultArgument(std::string_view tmpl, std::size_t index,
                                           const std::vector<std::string>& args) {
  const auto of = [&](std::string_view wrapper, std::size_t arg) { return fmt::format("std::{}<{}>", wrapper, args[arg]); };
  const auto pair = [&] { return fmt::format("std::allocator<std::pair<const {}, {}>>", args[0], args[1]); };
  const auto is = [&](std::initializer_list<std::string_view> names) {
    for (std::string_view n : names)
      if (tmpl == n) return true;
    return false;
  };
  if (is({"std::vector", "std::deque", "std::list", "std::forward_list"}) && index == 1) return of("allocator", 0);
  if (is({"std::set", "std::multiset"}) && index == 1) return of("less", 0);
  if (is({"std::set", "std::multiset"}) && index == 2) return of("allocator", 0);
  if (is({"std::map", "std::multimap"}) && index == 2) return of("less", 0);
  if (is({"std::map", "std::multimap"}) && index == 3) return pair();
  if (is({"std::unordered_set", "std::unordered_multiset"}) && index >= 1 && index <= 3)
    return of(std::array{"hash", "equal_to", "allocator"}[index - 1], 0);
  if (is({"std::unordered_map", "std::unordered_multimap"}) && index >= 2 && index <= 3)
    return of(index == 2 ? "hash" : "equal_to", 0);
  if (is({"std::unordered_map", "std::unordered_multimap"}) && index == 4) return pair();
  if (is({"std::basic_string", "std::basic_string_view"}) && index == 1) return of("char_traits", 0);
  if (is({"std::basic_string"}) && index == 2) return of("allocator", 0);
  if (is({"std::unique_ptr"}) && index == 1) return of("default_delete", 0);
  return std::nullopt;
}

std::string printTemplate(const std::string& tmpl, const std::vector<Name>& arguments) {
  std::vector<std::string> args;
  for (const Name& argument : arguments) args.push_back(print(argument));
  while (!args.empty()) {
    const std::optional<std::string> fallback = defaultArgument(tmpl, args.size() - 1, args);
    if (!fallback || *fallback != args.back()) break;
    args.pop_back();
  }
  if (tmpl == "std::basic_string" || tmpl == "std::basic_string_view") {
    const std::string_view kinds[][2] = {{"char", ""}, {"wchar_t", "w"}, {"char8_t", "u8"}, {"char16_t", "u16"},
                                         {"char32_t", "u32"}};
    for (const auto& [character, prefix] : kinds)
      if (args.size() == 1 && args[0] == character)
        return fmt::format("std::{}{}", prefix, tmpl == "std::basic_string" ? "string" : "string_view");
  }
  std::string text = tmpl + '<';
  for (std::size_t i = 0; i != args.size(); ++i) text += (i ? ", " : "") + args[i];
  return text + '>';
}

std::string print(const Name& name) {
  std::string text;
  for (const Name::Part& part : name.parts) {
    if (!part.arguments) {
      text += part.text;
      continue;
    }
    text = printTemplate(trimmed(text + part.text), *part.arguments);
  }
  return withoutIntegerSuffix(constFirst(trimmed(text)));
}

// The std library's inline namespaces (libstdc++'s and libc++'s).
std::string withoutInlineNamespaces(std::string text) {
  for (std::string_view inner : {"std::__cxx11::", "std::__1::"})
    for (auto at = text.find(inner); at != std::string::npos; at = text.find(inner, at))
      text.replace(at, inner.size(), "std::");
  return text;
}

std::string readableTypeName(std::string_view demangled) {
  const std::string text = withoutInlineNamespaces(std::string(demangled));
  std::size_t at = 0;
  const std::optional<Name> name = parse(text, at);
  return name && at == text.size() ? print(*name) : text;
}

}  // namespace

std::string demangle(const std::type_info& type) {
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> name(abi::__cxa_demangle(type.name(), nullptr, nullptr, &status),
                                              std::free);
  return readableTypeName(status == 0 && name ? std::string_view(name.get()) : std::string_view(type.name()));
}

}  // namespace jobstream::detail
