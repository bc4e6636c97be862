// How a batch of one item type is made, merged, written and read: the runtime
// handles items only through these type-erased operations, so it never needs
// to know a user type. Trivially copyable items travel as raw bytes; the rest
// through cereal (jsgen writes the `serialize` functions for user types).
#pragma once

#include <cereal/archives/binary.hpp>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <istream>
#include <memory>
#include <ostream>
#include <stdexcept>
#include <streambuf>
#include <type_traits>
#include <typeinfo>
#include <vector>

#include "jobstream/detail/batch.hpp"
#include "jobstream/detail/user_templates.hpp"

JOBSTREAM_TEMPLATES_BEGIN

namespace jobstream::detail {

// Appends bytes to a caller-owned buffer.
class ByteWriter {
 public:
  explicit ByteWriter(std::vector<char>& out) : out_(out) {}
  void write(const void* data, std::size_t size) {
    const char* bytes = static_cast<const char*>(data);
    out_.insert(out_.end(), bytes, bytes + size);
  }
  template <class T>
  void put(const T& value) {
    static_assert(std::is_trivially_copyable_v<T>);
    write(&value, sizeof value);
  }
  std::vector<char>& buffer() { return out_; }

 private:
  std::vector<char>& out_;
};

// Reads bytes from a buffer it does not own; throws on reading past the end,
// so a truncated message or file is an error, never undefined behaviour.
class ByteReader {
 public:
  ByteReader(const char* data, std::size_t size) : data_(data), size_(size) {}
  void read(void* out, std::size_t size) {
    if (size > remaining()) throw std::runtime_error("truncated data");
    if (size == 0) return;  // `out` may be null then (an empty vector's data())
    std::memcpy(out, data_ + pos_, size);
    pos_ += size;
  }
  template <class T>
  T get() {
    static_assert(std::is_trivially_copyable_v<T>);
    T value;
    read(&value, sizeof value);
    return value;
  }
  const char* current() const { return data_ + pos_; }
  void skip(std::size_t size) {
    if (size > remaining()) throw std::runtime_error("truncated data");
    pos_ += size;
  }
  std::size_t remaining() const { return size_ - pos_; }

 private:
  const char* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

// std::streambuf adapters so cereal's archives write into / read from the
// buffers above without an intermediate std::string.
class AppendStreamBuf final : public std::streambuf {
 public:
  explicit AppendStreamBuf(std::vector<char>& out) : out_(out) {}

 protected:
  int_type overflow(int_type ch) override {
    if (!traits_type::eq_int_type(ch, traits_type::eof())) out_.push_back(traits_type::to_char_type(ch));
    return traits_type::not_eof(ch);
  }
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    out_.insert(out_.end(), s, s + n);
    return n;
  }

 private:
  std::vector<char>& out_;
};

class SpanStreamBuf final : public std::streambuf {
 public:
  SpanStreamBuf(const char* data, std::size_t size) {
    char* begin = const_cast<char*>(data);  // read-only use: only the get area is set
    setg(begin, begin, begin + size);
  }
  std::size_t consumed() const { return static_cast<std::size_t>(gptr() - eback()); }
};

// True when T may travel as its object representation. jsgen specialises this
// to false for trivially copyable types that bring their own serialisation.
template <class T>
struct travels_as_bytes
    : std::bool_constant<std::is_trivially_copyable_v<T> && !std::is_pointer_v<T> &&
                         !std::is_member_pointer_v<T>> {};

struct ItemType {
  const std::type_info* type;
  std::unique_ptr<BatchBase> (*make)();
  // Moves items [begin, end) of `from` to the end of `into` (same type).
  void (*append)(BatchBase& into, BatchBase& from, std::size_t begin, std::size_t end);
  // Writes items [begin, end) as: u64 count, u64 payload bytes, payload.
  void (*save)(const BatchBase& from, std::size_t begin, std::size_t end, ByteWriter& out);
  // Reads what `save` wrote and appends the items to `into`.
  void (*load)(ByteReader& in, BatchBase& into);
};

template <class T>
std::unique_ptr<BatchBase> makeBatch() {
  return std::make_unique<Batch<T>>();
}

template <class T>
void appendItems(BatchBase& into, BatchBase& from, std::size_t begin, std::size_t end) {
  auto& dst = static_cast<Batch<T>&>(into).items;
  auto& src = static_cast<Batch<T>&>(from).items;
  dst.insert(dst.end(), std::make_move_iterator(src.begin() + static_cast<std::ptrdiff_t>(begin)),
             std::make_move_iterator(src.begin() + static_cast<std::ptrdiff_t>(end)));
}

// Writes items [begin, end) of `items` (a vector or a pointer) as: u64
// count, u64 payload bytes, payload.
template <class T, class Indexable>
void saveRange(const Indexable& items, std::size_t begin, std::size_t end, ByteWriter& out) {
  out.put<std::uint64_t>(end - begin);
  if constexpr (travels_as_bytes<T>::value) {
    out.put<std::uint64_t>((end - begin) * sizeof(T));
    if (end != begin) out.write(&items[begin], (end - begin) * sizeof(T));
  } else {
    std::vector<char>& buffer = out.buffer();
    const std::size_t sizeAt = buffer.size();
    out.put<std::uint64_t>(0);  // patched below, once the payload size is known
    const std::size_t payloadAt = buffer.size();
    {
      AppendStreamBuf sink(buffer);
      std::ostream stream(&sink);
      cereal::BinaryOutputArchive archive(stream);
      for (std::size_t i = begin; i != end; ++i) archive(items[i]);
    }
    const std::uint64_t payload = buffer.size() - payloadAt;
    std::memcpy(buffer.data() + sizeAt, &payload, sizeof payload);
  }
}

// Reads what saveRange wrote and appends the items to `items`.
template <class T>
void loadRange(ByteReader& in, Items<T>& items) {
  const auto count = in.get<std::uint64_t>();
  const auto bytes = in.get<std::uint64_t>();
  if (bytes > in.remaining()) throw std::runtime_error("truncated batch");
  if constexpr (travels_as_bytes<T>::value) {
    // Divided, not multiplied: a corrupt count must not wrap around to match.
    if (bytes % sizeof(T) != 0 || count != bytes / sizeof(T)) throw std::runtime_error("corrupt batch");
    const std::size_t at = items.size();
    items.resize(at + count);
    in.read(items.data() + at, bytes);
  } else {
    SpanStreamBuf source(in.current(), bytes);
    std::istream stream(&source);
    cereal::BinaryInputArchive archive(stream);
    items.reserve(items.size() + std::min(count, bytes));  // not more than the bytes could hold
    for (std::uint64_t i = 0; i != count; ++i) {
      T item{};
      archive(item);
      items.push_back(std::move(item));
    }
    if (source.consumed() != bytes) throw std::runtime_error("corrupt batch");
    in.skip(bytes);
  }
}

template <class T>
void saveItems(const BatchBase& from, std::size_t begin, std::size_t end, ByteWriter& out) {
  saveRange<T>(static_cast<const Batch<T>&>(from).items, begin, end, out);
}

template <class T>
void loadItems(ByteReader& in, BatchBase& into) {
  loadRange<T>(in, static_cast<Batch<T>&>(into).items);
}

template <class T>
inline const ItemType itemTypeOf{&typeid(T), &makeBatch<T>, &appendItems<T>, &saveItems<T>,
                                 &loadItems<T>};

}  // namespace jobstream::detail

JOBSTREAM_TEMPLATES_END
