// jobstream::map on the generated side: for each function a program maps,
// jsgen writes one MapRegistration<&f>, which builds a two-stage pipeline
// (a MapDef) that the runtime runs for each call (runtime/src/program/map.cpp):
//
//   stage 0, job "ns::f":          slices of items -> slices of results
//   stage 1, result (rank 0):      each slice of results put in place
//
// Items travel in slices that carry their index range (MapSlice), never one
// message per item; the runtime queues, steals and sends slices like any
// other items. Code is generated only for functions that are mapped.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <memory>
#include <stdexcept>
#include <string_view>
#include <type_traits>
#include <typeinfo>
#include <utility>
#include <vector>

#include "jobstream/detail/batch.hpp"
#include "jobstream/detail/codec.hpp"
#include "jobstream/detail/map_call.hpp"
#include "jobstream/detail/stage.hpp"
#include "jobstream/detail/user_templates.hpp"

JOBSTREAM_TEMPLATES_BEGIN

namespace jobstream::detail {

// Items [first, first + size()) of one map call. On rank 0 a slice of the
// caller's items is a view of the caller's vector (`view`), which lives
// through the call: only slices that go to another rank are copied, when
// they are sent, and arrive there as `items`.
template <class T>
struct MapSlice {
  std::uint64_t first = 0;
  Items<T> items;
  T* view = nullptr;
  std::size_t viewSize = 0;
  bool movable = false;  // the view's items may be moved from

  std::size_t size() const { return view ? viewSize : items.size(); }
};

// Slices are saved as a batch of anything is (u64 count, u64 payload bytes,
// payload); each slice's items with the codec of T, so a trivially copyable
// T is one memcpy per slice.
template <class T>
void saveSlices(const BatchBase& from, std::size_t begin, std::size_t end, ByteWriter& out) {
  const auto& slices = static_cast<const Batch<MapSlice<T>>&>(from).items;
  out.put<std::uint64_t>(end - begin);
  std::vector<char>& buffer = out.buffer();
  if constexpr (travels_as_bytes<T>::value) {
    // One allocation for the whole message: fresh memory is what costs most.
    std::size_t bytes = buffer.size() + 8;
    for (std::size_t i = begin; i != end; ++i) bytes += 24 + slices[i].size() * sizeof(T);
    buffer.reserve(bytes);
  }
  const std::size_t sizeAt = buffer.size();
  out.put<std::uint64_t>(0);  // patched below
  const std::size_t payloadAt = buffer.size();
  for (std::size_t i = begin; i != end; ++i) {
    const MapSlice<T>& slice = slices[i];
    out.put<std::uint64_t>(slice.first);
    if (slice.view) {
      saveRange<T>(slice.view, 0, slice.viewSize, out);
    } else {
      saveRange<T>(slice.items, 0, slice.items.size(), out);
    }
  }
  const std::uint64_t payload = buffer.size() - payloadAt;
  std::memcpy(buffer.data() + sizeAt, &payload, sizeof payload);
}

template <class T>
void loadSlices(ByteReader& in, BatchBase& into) {
  auto& slices = static_cast<Batch<MapSlice<T>>&>(into).items;
  const auto count = in.get<std::uint64_t>();
  const auto bytes = in.get<std::uint64_t>();
  if (bytes > in.remaining()) throw std::runtime_error("truncated batch");
  const std::size_t before = in.remaining();
  for (std::uint64_t i = 0; i != count; ++i) {
    MapSlice<T> slice;
    slice.first = in.get<std::uint64_t>();
    loadRange<T>(in, slice.items);
    slices.push_back(std::move(slice));
  }
  if (before - in.remaining() != bytes) throw std::runtime_error("corrupt batch");
}

template <class T>
inline const ItemType sliceTypeOf{&typeid(MapSlice<T>), &makeBatch<MapSlice<T>>, &appendItems<MapSlice<T>>,
                                  &saveSlices<T>, &loadSlices<T>};

// One mapped function, for the runtime.
struct MapDef {
  MapKey function;
  std::string_view name;  // qualified, as the user wrote it: "ns::f"
  const std::type_info* input;
  const std::type_info* result;
  const PipelineDef* pipeline;
  // The caller's items (a std::vector<In>*).
  std::size_t (*count)(const void* items);
  // Rank 0: moves (`movable`) or copies the caller's items (a
  // std::vector<In>*) into a batch of slices of at most `sliceItems` items.
  std::unique_ptr<BatchBase> (*split)(void* items, bool movable, std::size_t sliceItems);
  // Rank 0: makes the caller's results (a std::vector<R>*) hold `count`
  // values and the result stage put slices there.
  void (*prepare)(void* results, std::size_t count);
};

// Called by MapRegistration, from static initialisers of generated code.
void registerMap(const MapDef& map);

template <auto F, class Signature = decltype(F)>
struct MappedJob;

template <auto F, class R, class P>
struct MappedJob<F, R (*)(P)> {
  using In = std::remove_cvref_t<P>;
  static_assert(std::is_default_constructible_v<R>, "a mapped function's result must be default-constructible");

  // Rank 0's results during a call; set before its workers start.
  static inline std::vector<R>* target = nullptr;

  // Calls F on each item of a slice, handing each result to `put`.
  template <class Put>
  static void apply(MapSlice<In>& slice, Put&& put) {
    if (!slice.view) {
      for (In& item : slice.items) put(F(std::move(item)));
    } else if (slice.movable) {
      for (std::size_t i = 0; i != slice.viewSize; ++i) put(F(std::move(slice.view[i])));
    } else {
      for (std::size_t i = 0; i != slice.viewSize; ++i) {
        if constexpr (std::is_rvalue_reference_v<P>) {
          put(F(In(std::as_const(slice.view[i]))));  // the caller keeps its item: F gets a copy
        } else {
          put(F(std::as_const(slice.view[i])));
        }
      }
    }
  }

  // On rank 0 the results go straight into place; elsewhere they travel
  // back to rank 0 as a slice for the result stage.
  static void process(BatchBase& batch, std::size_t begin, std::size_t end, Emitter& emitter) {
    auto& slices = static_cast<Batch<MapSlice<In>>&>(batch).items;
    emitter.current = 0;
    if (jobstream::rank() == 0 && target) {
      for (std::size_t s = begin; s != end; ++s) {
        MapSlice<In>& slice = slices[s];
        if (slice.first > target->size() || slice.size() > target->size() - slice.first)
          throw std::logic_error("a map's items outside its range");
        auto at = target->begin() + static_cast<std::ptrdiff_t>(slice.first);
        apply(slice, [&](R&& result) { *at++ = std::move(result); });
      }
      return;
    }
    Output<MapSlice<R>> out(emitter, 1);
    for (std::size_t s = begin; s != end; ++s) {
      MapSlice<In>& slice = slices[s];
      MapSlice<R> done;
      done.first = slice.first;
      done.items.reserve(slice.size());
      apply(slice, [&](R&& result) { done.items.push_back(std::move(result)); });
      out.push(std::move(done));
    }
    out.close();
  }

  static void place(BatchBase& batch, std::size_t begin, std::size_t end, Emitter&) {
    auto& slices = static_cast<Batch<MapSlice<R>>&>(batch).items;
    for (std::size_t s = begin; s != end; ++s) {
      MapSlice<R>& slice = slices[s];
      if (slice.first > target->size() || slice.items.size() > target->size() - slice.first)
        throw std::logic_error("a map's results outside its range");
      std::move(slice.items.begin(), slice.items.end(),
                target->begin() + static_cast<std::ptrdiff_t>(slice.first));
    }
  }

  static std::unique_ptr<BatchBase> split(void* items, bool movable, std::size_t sliceItems) {
    auto& all = *static_cast<std::vector<In>*>(items);
    auto batch = std::make_unique<Batch<MapSlice<In>>>();
    sliceItems = std::max<std::size_t>(sliceItems, 1);
    batch->items.reserve((all.size() + sliceItems - 1) / sliceItems);
    for (std::size_t first = 0; first < all.size(); first += sliceItems) {
      const std::size_t last = std::min(all.size(), first + sliceItems);
      MapSlice<In>& slice = batch->items.emplace_back();
      slice.first = first;
      if constexpr (!std::is_same_v<In, bool>) {  // std::vector<bool> has no items to point to
        slice.view = all.data() + first;
        slice.viewSize = last - first;
        slice.movable = movable;
        continue;
      }
      const auto from = all.begin() + static_cast<std::ptrdiff_t>(first);
      const auto to = all.begin() + static_cast<std::ptrdiff_t>(last);
      if (movable) {
        slice.items.assign(std::make_move_iterator(from), std::make_move_iterator(to));
      } else {
        slice.items.assign(from, to);
      }
    }
    return batch;
  }

  static std::size_t count(const void* items) { return static_cast<const std::vector<In>*>(items)->size(); }

  static void prepare(void* results, std::size_t count) {
    target = static_cast<std::vector<R>*>(results);
    target->clear();
    // A new large vector is first touched here: with huge pages, a fraction
    // of the page faults (allocator.hpp says why that matters). A vector
    // kept from call to call keeps its memory.
    if (target->capacity() < count) {
      target->reserve(count);
      if constexpr (!std::is_same_v<R, bool>) adviseHugePages(target->data(), count * sizeof(R));
    }
    target->resize(count);
  }
};

// A noexcept function maps the same way.
template <auto F, class R, class P>
struct MappedJob<F, R (*)(P) noexcept> : MappedJob<F, R (*)(P)> {};

// A static object of generated code: registers the map of F.
//   const MapRegistration<&::ns::f> map_0{"ns::f", "int", "double"};
template <auto F>
class MapRegistration {
  using Job = MappedJob<F>;

 public:
  MapRegistration(std::string_view name, std::string_view inputName, std::string_view resultName)
      : stages_{StageDef{.kind = StageKind::job, .name = name, .input = &sliceTypeOf<typename Job::In>,
                         .inputName = inputName, .serial = false, .process = &Job::process},
                StageDef{.kind = StageKind::result, .name = "jobstream::map", .input = &sliceTypeOf<Result>,
                         .inputName = resultName, .serial = false, .process = &Job::place}},
        pipeline_{.name = name, .fingerprint = "map", .stages = stages_, .entry = 0, .parseItem = nullptr},
        map_{reinterpret_cast<MapKey>(F), name, &typeid(typename Job::In), &typeid(Result), &pipeline_, &Job::count, &Job::split,
             &Job::prepare} {
    registerMap(map_);
  }
  MapRegistration(const MapRegistration&) = delete;
  MapRegistration& operator=(const MapRegistration&) = delete;

 private:
  using Result = std::remove_cvref_t<decltype(F(std::declval<typename Job::In>()))>;
  StageDef stages_[2];
  PipelineDef pipeline_;
  MapDef map_;
};

}  // namespace jobstream::detail

JOBSTREAM_TEMPLATES_END
