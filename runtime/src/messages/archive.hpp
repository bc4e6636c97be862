// One description of a message or a checkpoint section serves both
// directions, as cereal's serialize does:
//
//   template <class Archive>
//   void describe(Archive& ar, PauseReply& reply) {
//     ar(reply.round, reply.sent, reply.received);
//   }
//
// SaveArchive runs it to write the fields, LoadArchive to read them back, so
// the two can never disagree. (cereal's own binary archive is not used for
// this: it believes the sizes it reads, and a corrupt one makes it allocate
// whatever the bytes say.)
//
// What a field becomes (integers in the writer's byte order):
//   integers, floats, enums   their bytes
//   bool                      u8, 0 or 1
//   std::string, vectors      u64 count, then the elements (bytes if plain)
//   maps                      u64 count, then each key and its value
//   std::pair                 first, second
//   anything else             what its describe(ar, value) says (found by ADL)
// Loading replaces what it reads into. It refuses a count larger than the
// bytes left (every element takes at least one), builds elements one at a
// time as they are read, and throws std::runtime_error saying what is wrong:
// a truncated or corrupt input is refused, never a crash or a huge
// allocation.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "jobstream/detail/codec.hpp"

namespace jobstream::detail {

namespace archive {

template <class T>
inline constexpr bool kPlain =
    (std::is_arithmetic_v<T> && !std::is_same_v<T, bool>) || std::is_enum_v<T>;

template <class T>
struct IsVector : std::false_type {};
template <class T, class A>
struct IsVector<std::vector<T, A>> : std::true_type {};

template <class T>
struct IsMap : std::false_type {};
template <class K, class V, class C, class A>
struct IsMap<std::map<K, V, C, A>> : std::true_type {};
template <class K, class V, class H, class E, class A>
struct IsMap<std::unordered_map<K, V, H, E, A>> : std::true_type {};

template <class T>
struct IsPair : std::false_type {};
template <class A, class B>
struct IsPair<std::pair<A, B>> : std::true_type {};

// A vector whose elements travel as their bytes.
template <class T>
constexpr bool plainVector() {
  if constexpr (IsVector<T>::value)
    return kPlain<typename T::value_type>;
  else
    return false;
}

}  // namespace archive

class SaveArchive {
 public:
  static constexpr bool loading = false;

  explicit SaveArchive(std::vector<char>& out) : out_(out) {}

  template <class... T>
  void operator()(const T&... fields) {
    (field(fields), ...);
  }

  // The count of `items`, then `each(item)` for every one of them: for
  // elements that need more than the archive to be described.
  template <class Container, class Each>
  void sequence(Container& items, Each&& each) {
    out_.put(static_cast<std::uint64_t>(items.size()));
    for (auto& item : items) each(item);
  }

  // Items [begin, end) of a batch of `type`, as ItemType::save writes them.
  template <class Ptr>
  void batch(const ItemType& type, Ptr& from, std::size_t& begin, std::size_t& end) {
    type.save(*from, begin, end, out_);
  }
  // A whole batch; none is written as an empty one.
  template <class Ptr>
  void batch(const ItemType& type, Ptr& from) {
    if (from) {
      type.save(*from, 0, from->size(), out_);
    } else {
      type.save(*type.make(), 0, 0, out_);
    }
  }

 private:
  template <class T>
  void field(const T& value) {
    if constexpr (std::is_same_v<T, bool>) {
      out_.put(static_cast<std::uint8_t>(value ? 1 : 0));
    } else if constexpr (archive::kPlain<T>) {
      out_.put(value);
    } else if constexpr (std::is_same_v<T, std::string> || archive::plainVector<T>()) {
      out_.put(static_cast<std::uint64_t>(value.size()));
      out_.write(value.data(), value.size() * sizeof(typename T::value_type));
    } else if constexpr (archive::IsVector<T>::value || archive::IsMap<T>::value) {
      sequence(value, [&](const auto& element) { (*this)(element); });
    } else if constexpr (archive::IsPair<T>::value) {
      (*this)(value.first, value.second);
    } else {
      describe(*this, const_cast<T&>(value));  // saving only reads it
    }
  }

  ByteWriter out_;
};

class LoadArchive {
 public:
  static constexpr bool loading = true;

  LoadArchive(const char* data, std::size_t size) : in_(data, size) {}
  explicit LoadArchive(const std::vector<char>& bytes) : in_(bytes.data(), bytes.size()) {}

  template <class... T>
  void operator()(T&... fields) {
    (field(fields), ...);
  }

  // Reads what SaveArchive::sequence wrote: `each` fills a fresh element,
  // which is then appended.
  template <class Container, class Each>
  void sequence(Container& items, Each&& each) {
    items.clear();
    for (std::uint64_t n = count(1); n != 0; --n) {
      typename Container::value_type item{};
      each(item);
      items.push_back(std::move(item));
    }
  }

  // A batch as a fresh one of `type`, all of whose items are the range.
  template <class Ptr>
  void batch(const ItemType& type, Ptr& into, std::size_t& begin, std::size_t& end) {
    batch(type, into);
    begin = 0;
    end = into->size();
  }
  template <class Ptr>
  void batch(const ItemType& type, Ptr& into) {
    std::unique_ptr<BatchBase> fresh = type.make();
    type.load(in_, *fresh);
    into = std::move(fresh);
  }

  std::size_t remaining() const { return in_.remaining(); }

  // Refuses bytes after the last field.
  void end() const {
    if (in_.remaining() != 0)
      throw std::runtime_error("it goes on past its end (" + std::to_string(in_.remaining()) +
                               " more bytes)");
  }

 private:
  template <class T>
  T get() {
    if (sizeof(T) > in_.remaining()) throw std::runtime_error("it ends early");
    return in_.get<T>();
  }

  // A count of elements of at least `bytesEach` bytes each.
  std::uint64_t count(std::size_t bytesEach) {
    const auto n = get<std::uint64_t>();
    if (n > in_.remaining() / bytesEach)
      throw std::runtime_error("a count of " + std::to_string(n) + " where only " +
                               std::to_string(in_.remaining()) + " bytes are left");
    return n;
  }

  template <class T>
  void field(T& value) {
    if constexpr (std::is_same_v<T, bool>) {
      const auto flag = get<std::uint8_t>();
      if (flag > 1) throw std::runtime_error("a flag that is neither 0 nor 1");
      value = flag == 1;
    } else if constexpr (archive::kPlain<T>) {
      value = get<T>();
    } else if constexpr (std::is_same_v<T, std::string> || archive::plainVector<T>()) {
      using Element = typename T::value_type;
      value.resize(static_cast<std::size_t>(count(sizeof(Element))));
      in_.read(value.data(), value.size() * sizeof(Element));
    } else if constexpr (archive::IsVector<T>::value) {
      sequence(value, [&](auto& element) { (*this)(element); });
    } else if constexpr (archive::IsMap<T>::value) {
      value.clear();
      for (std::uint64_t n = count(1); n != 0; --n) {
        typename T::key_type key{};
        typename T::mapped_type mapped{};
        (*this)(key, mapped);
        if (!value.emplace(std::move(key), std::move(mapped)).second)
          throw std::runtime_error("a key twice");
      }
    } else if constexpr (archive::IsPair<T>::value) {
      (*this)(value.first, value.second);
    } else {
      describe(*this, value);
    }
  }

  ByteReader in_;
};

}  // namespace jobstream::detail
