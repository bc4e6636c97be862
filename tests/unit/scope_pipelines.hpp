// Pipelines with reductions and frames, written by hand in the shape jsgen
// generates for them (see jobstream/detail/stage.hpp): generic stage
// functions instantiated per user function, and StageDef tables that give
// every stage its owner, region and partner.
#pragma once

#include <span>
#include <string>
#include <type_traits>
#include <utility>

#include "test_pipelines.hpp"

namespace jstest::scoped {

template <class T>
struct ItemOf {
  using type = T;
};
template <class T>
struct ItemOf<std::optional<T>> {
  using type = T;
};
template <class T>
struct ItemOf<jobstream::Multiple<T>> {
  using type = T;
};

template <class R>
bool returnedSomething(const R& value) {
  if constexpr (std::is_same_v<R, std::optional<typename ItemOf<R>::type>>) {
    return value.has_value();
  } else if constexpr (std::is_same_v<R, jobstream::Multiple<typename ItemOf<R>::type>>) {
    return !value.empty();
  } else {
    return true;
  }
}

// Calls `call` and sends what it returns to `stage`; true if it returned items.
template <class Call>
bool callAndSend(Emitter& em, StageIndex stage, Call&& call) {
  using R = decltype(call());
  if constexpr (std::is_void_v<R>) {
    call();
    return false;
  } else {
    R value = call();
    const bool any = returnedSomething(value);
    Output<typename ItemOf<R>::type> out(em, stage);
    out.push(std::move(value));
    out.close();
    return any;
  }
}

template <class T>
auto& itemsOf(BatchBase& batch) {
  return static_cast<Batch<T>&>(batch).items;
}

template <class Store>
std::unique_ptr<BatchBase> newStore() {
  auto batch = std::make_unique<Batch<Store>>();
  batch->items.emplace_back();
  return batch;
}

// One Output for the whole chunk, as generated jobs do.
template <auto F, class In, StageIndex Self, StageIndex Next>
void job(BatchBase& in, std::size_t begin, std::size_t end, Emitter& em) {
  auto& items = itemsOf<In>(in);
  using R = decltype(F(items[begin]));
  Output<typename ItemOf<R>::type> out(em, Next);
  for (std::size_t i = begin; i != end; ++i) {
    em.current = Self;
    out.push(F(items[i]));
  }
  out.close();
}

template <auto F, class In, StageIndex Self>
void result(BatchBase& in, std::size_t begin, std::size_t end, Emitter& em) {
  auto& items = itemsOf<In>(in);
  for (std::size_t i = begin; i != end; ++i) {
    em.current = Self;
    F(items[i]);
  }
}

template <auto F, class Store, class In, StageIndex Self, StageIndex Recur>
void reduce(BatchBase& store, BatchBase& in, std::size_t begin, std::size_t end, Emitter& em) {
  auto& items = itemsOf<In>(in);
  em.current = Self;
  callAndSend(em, Recur, [&] {
    return F(itemsOf<Store>(store)[0], std::span<const In>(items.data() + begin, end - begin),
             std::span<const Store>());
  });
}

template <auto F, class Store, class In, StageIndex Self, StageIndex Recur>
void merge(BatchBase& stores, Emitter& em) {
  auto& all = itemsOf<Store>(stores);
  em.current = Self;
  callAndSend(em, Recur,
              [&] { return F(all[0], std::span<const In>(), std::span<const Store>(all.data() + 1, all.size() - 1)); });
}

template <class Store, StageIndex Self, StageIndex Next>
void leaveStore(BatchBase& store, Emitter& em) {
  em.current = Self;
  Output<Store> out(em, Next);
  out.push(std::move(itemsOf<Store>(store)[0]));
  out.close();
}

template <auto E, class Store, StageIndex EmitStage, StageIndex Next>
void leaveEmit(BatchBase& store, Emitter& em) {
  em.current = EmitStage;
  callAndSend(em, Next, [&] { return E(std::as_const(itemsOf<Store>(store)[0])); });
}

template <auto F, class Store, class First, StageIndex Self, StageIndex Body>
bool enter(BatchBase& store, BatchBase& first, Emitter& em) {
  em.current = Self;
  return callAndSend(em, Body, [&] { return F(itemsOf<Store>(store)[0], std::as_const(itemsOf<First>(first)[0])); });
}

template <auto F, class Store, class In, StageIndex Self, StageIndex Body>
void frameEnd(BatchBase& store, BatchBase& in, std::size_t begin, std::size_t end, Emitter& em) {
  auto& items = itemsOf<In>(in);
  for (std::size_t i = begin; i != end; ++i) {
    em.current = Self;
    callAndSend(em, Body, [&] { return F(itemsOf<Store>(store)[0], std::as_const(items[i])); });
  }
}

inline jobstream::Multiple<int> upTo(int n) {
  jobstream::Multiple<int> out;
  for (int i = 1; i <= n; ++i) out.push_back(i);
  return out;
}

// ---------------------------------------------------------------------------
// mean: job twice -> reduce Sum -> emit text -> result. The top-level reduce
// emits exactly once, a value-initialised store if nothing reached it.
namespace mean {
struct Sum {
  long long total = 0;
  long long count = 0;
};
inline Recorder<std::string>& recorded() {
  static Recorder<std::string> r;
  return r;
}
inline long long twice(int x) { return 2LL * x; }
inline void add(Sum& s, std::span<const long long> in, std::span<const Sum> others) {
  for (long long x : in) {
    s.total += x;
    ++s.count;
  }
  for (const Sum& o : others) {
    s.total += o.total;
    s.count += o.count;
  }
}
inline std::string text(const Sum& s) { return std::to_string(s.total) + "/" + std::to_string(s.count); }
inline void record(const std::string& s) { recorded().add(s); }

inline const StageDef stages[] = {
    {.kind = StageKind::job, .name = "mean::twice", .input = &itemTypeOf<int>, .inputName = "int", .serial = false,
     .process = &job<twice, int, 0, 1>},
    {.kind = StageKind::reduce, .name = "mean::add", .input = &itemTypeOf<long long>, .inputName = "long long",
     .serial = false, .store = &itemTypeOf<Sum>, .newStore = &newStore<Sum>,
     .reduce = &reduce<add, Sum, long long, 1, 0>, .merge = &merge<add, Sum, long long, 1, 0>,
     .leave = &leaveEmit<text, Sum, 2, 3>},
    {.kind = StageKind::emit, .name = "mean::text", .input = &itemTypeOf<Sum>, .inputName = "Sum", .serial = false},
    {.kind = StageKind::result, .name = "mean::record", .input = &itemTypeOf<std::string>, .inputName = "std::string",
     .serial = false, .process = &result<record, std::string, 3>, .region = 1},
};
inline const PipelineDef pipeline{"mean", "test", stages, 0, nullptr};
}  // namespace mean

// ---------------------------------------------------------------------------
// chain: reduce Sum -> job spread (Multiple) -> reduce Sum -> result: the
// pipeline goes on after a top-level reduce, into a second reduction.
namespace chain {
using mean::Sum;
inline Recorder<long long>& recorded() {
  static Recorder<long long> r;
  return r;
}
inline void add(Sum& s, std::span<const int> in, std::span<const Sum> others) {
  for (int x : in) {
    s.total += x;
    ++s.count;
  }
  for (const Sum& o : others) {
    s.total += o.total;
    s.count += o.count;
  }
}
inline jobstream::Multiple<long long> spread(const Sum& s) { return {s.total, s.total + 1, s.total + 2}; }
inline void record(const Sum& s) { recorded().add(s.total * 1000 + s.count); }

inline const StageDef stages[] = {
    {.kind = StageKind::reduce, .name = "chain::add", .input = &itemTypeOf<int>, .inputName = "int", .serial = false,
     .store = &itemTypeOf<Sum>, .newStore = &newStore<Sum>, .reduce = &reduce<add, Sum, int, 0, 0>,
     .merge = &merge<add, Sum, int, 0, 0>, .leave = &leaveStore<Sum, 0, 1>},
    {.kind = StageKind::job, .name = "chain::spread", .input = &itemTypeOf<Sum>, .inputName = "Sum", .serial = false,
     .process = &job<spread, Sum, 1, 2>, .region = 1},
    {.kind = StageKind::reduce, .name = "chain::addAll", .input = &itemTypeOf<long long>, .inputName = "long long",
     .serial = false, .region = 1, .store = &itemTypeOf<Sum>, .newStore = &newStore<Sum>,
     .reduce = &reduce<mean::add, Sum, long long, 2, 1>, .merge = &merge<mean::add, Sum, long long, 2, 1>,
     .leave = &leaveStore<Sum, 2, 3>},
    {.kind = StageKind::result, .name = "chain::record", .input = &itemTypeOf<Sum>, .inputName = "Sum",
     .serial = false, .process = &result<record, Sum, 3>, .region = 2},
};
inline const PipelineDef pipeline{"chain", "test", stages, 0, nullptr};
}  // namespace chain

// ---------------------------------------------------------------------------
// countdown: a reduce whose returns re-enter its region (here: itself): each
// input x > 0 comes back as x - 1, and the reduction waits for all of them.
namespace countdown {
struct Visits {
  long long count = 0;
  long long sum = 0;
};
inline Recorder<long long>& recorded() {
  static Recorder<long long> r;
  return r;
}
inline jobstream::Multiple<int> visit(Visits& v, std::span<const int> in, std::span<const Visits> others) {
  jobstream::Multiple<int> again;
  for (int x : in) {
    ++v.count;
    v.sum += x;
    if (x > 0) again.push_back(x - 1);
  }
  for (const Visits& o : others) {
    v.count += o.count;
    v.sum += o.sum;
  }
  return again;
}
inline void record(const Visits& v) { recorded().add(v.count * 1000000 + v.sum); }

inline const StageDef stages[] = {
    {.kind = StageKind::reduce, .name = "countdown::visit", .input = &itemTypeOf<int>, .inputName = "int",
     .serial = false, .store = &itemTypeOf<Visits>, .newStore = &newStore<Visits>,
     .reduce = &reduce<visit, Visits, int, 0, 0>, .merge = &merge<visit, Visits, int, 0, 0>,
     .leave = &leaveStore<Visits, 0, 1>},
    {.kind = StageKind::result, .name = "countdown::record", .input = &itemTypeOf<Visits>, .inputName = "Visits",
     .serial = false, .process = &result<record, Visits, 1>, .region = 1},
};
inline const PipelineDef pipeline{"countdown", "test", stages, 0, nullptr};
}  // namespace countdown

// ---------------------------------------------------------------------------
// sumThrough: the seed's frame. Entering with n recurs 1..n into an empty
// body; frame_end adds each; the instance ends when the frame function,
// called again on the quiet instance, returns nothing.
namespace sum_through {
struct Tri {
  int n = 0;
  long long sum = 0;
  int calls = 0;
};
inline Recorder<std::string>& recorded() {
  static Recorder<std::string> r;
  return r;
}
inline jobstream::Multiple<int> start(Tri& t, const int& n) {
  t.n = n;
  if (t.calls++ == 0) return upTo(n);
  return {};
}
inline void add(Tri& t, const int& x) { t.sum += x; }
inline void record(const Tri& t) {
  if (t.calls != 2) throw std::logic_error("the frame function ran " + std::to_string(t.calls) + " times");
  recorded().add(std::to_string(t.n) + ": " + std::to_string(t.sum));
}

inline const StageDef stages[] = {
    {.kind = StageKind::frame, .name = "sumThrough::start", .input = &itemTypeOf<int>, .inputName = "int",
     .serial = false, .partner = 1, .store = &itemTypeOf<Tri>, .newStore = &newStore<Tri>,
     .enter = &enter<start, Tri, int, 0, 1>},
    {.kind = StageKind::frame_end, .name = "sumThrough::add", .input = &itemTypeOf<int>, .inputName = "int",
     .serial = false, .owner = 0, .partner = 0, .store = &itemTypeOf<Tri>,
     .frameEnd = &frameEnd<add, Tri, int, 1, 1>, .leave = &leaveStore<Tri, 1, 2>},
    {.kind = StageKind::result, .name = "sumThrough::record", .input = &itemTypeOf<Tri>, .inputName = "Tri",
     .serial = false, .process = &result<record, Tri, 2>},
};
inline const PipelineDef pipeline{"sumThrough", "test", stages, 0, nullptr};
}  // namespace sum_through

// ---------------------------------------------------------------------------
// rounds: a reduce inside a frame body, and frame_end recurring the work
// again twice. Each generation must reduce exactly its own n items: the
// frame_end checks it.
namespace rounds {
using mean::Sum;
struct Rounds {
  int n = 0;
  int rounds = 0;
  long long total = 0;
  bool entered = false;
};
inline Recorder<std::string>& recorded() {
  static Recorder<std::string> r;
  return r;
}
inline jobstream::Multiple<int> start(Rounds& r, const int& n) {
  r.n = n;
  if (r.entered) return {};
  r.entered = true;
  return upTo(n);
}
inline long long square(const int& x) { return static_cast<long long>(x) * x; }
inline jobstream::Multiple<int> next(Rounds& r, const Sum& s) {
  if (s.count != r.n)
    throw std::logic_error("a reduction of " + std::to_string(s.count) + " items, not " + std::to_string(r.n));
  r.total += s.total;
  if (++r.rounds < 3) return upTo(r.n);
  return {};
}
inline void record(const Rounds& r) {
  recorded().add(std::to_string(r.n) + ":" + std::to_string(r.rounds) + ":" + std::to_string(r.total));
}

inline const StageDef stages[] = {
    {.kind = StageKind::frame, .name = "rounds::start", .input = &itemTypeOf<int>, .inputName = "int",
     .serial = false, .partner = 3, .store = &itemTypeOf<Rounds>, .newStore = &newStore<Rounds>,
     .enter = &enter<start, Rounds, int, 0, 1>},
    {.kind = StageKind::job, .name = "rounds::square", .input = &itemTypeOf<int>, .inputName = "int",
     .serial = false, .process = &job<square, int, 1, 2>, .owner = 0},
    {.kind = StageKind::reduce, .name = "rounds::add", .input = &itemTypeOf<long long>, .inputName = "long long",
     .serial = false, .owner = 0, .store = &itemTypeOf<Sum>, .newStore = &newStore<Sum>,
     .reduce = &reduce<mean::add, Sum, long long, 2, 1>, .merge = &merge<mean::add, Sum, long long, 2, 1>,
     .leave = &leaveStore<Sum, 2, 3>},
    {.kind = StageKind::frame_end, .name = "rounds::next", .input = &itemTypeOf<Sum>, .inputName = "Sum",
     .serial = false, .owner = 0, .region = 1, .partner = 0, .store = &itemTypeOf<Rounds>,
     .frameEnd = &frameEnd<next, Rounds, Sum, 3, 1>, .leave = &leaveStore<Rounds, 3, 4>},
    {.kind = StageKind::result, .name = "rounds::record", .input = &itemTypeOf<Rounds>, .inputName = "Rounds",
     .serial = false, .process = &result<record, Rounds, 4>},
};
inline const PipelineDef pipeline{"rounds", "test", stages, 0, nullptr};
}  // namespace rounds

// ---------------------------------------------------------------------------
// nested: an outer frame over n whose body is an inner frame over each
// m in 1..n summing 1..m; the outer frame_end adds the inner sums.
namespace nested {
using sum_through::Tri;
struct Outer {
  int n = 0;
  long long total = 0;
  bool entered = false;
};
inline Recorder<long long>& recorded() {
  static Recorder<long long> r;
  return r;
}
inline jobstream::Multiple<int> startOuter(Outer& o, const int& n) {
  o.n = n;
  if (o.entered) return {};
  o.entered = true;
  return upTo(n);
}
inline void addOuter(Outer& o, const Tri& t) { o.total += t.sum; }
inline void record(const Outer& o) { recorded().add(o.n * 1000000LL + o.total); }

inline const StageDef stages[] = {
    {.kind = StageKind::frame, .name = "nested::startOuter", .input = &itemTypeOf<int>, .inputName = "int",
     .serial = false, .partner = 3, .store = &itemTypeOf<Outer>, .newStore = &newStore<Outer>,
     .enter = &enter<startOuter, Outer, int, 0, 1>},
    {.kind = StageKind::frame, .name = "nested::start", .input = &itemTypeOf<int>, .inputName = "int",
     .serial = false, .owner = 0, .partner = 2, .store = &itemTypeOf<Tri>, .newStore = &newStore<Tri>,
     .enter = &enter<sum_through::start, Tri, int, 1, 2>},
    {.kind = StageKind::frame_end, .name = "nested::add", .input = &itemTypeOf<int>, .inputName = "int",
     .serial = false, .owner = 1, .partner = 1, .store = &itemTypeOf<Tri>,
     .frameEnd = &frameEnd<sum_through::add, Tri, int, 2, 2>, .leave = &leaveStore<Tri, 2, 3>},
    {.kind = StageKind::frame_end, .name = "nested::addOuter", .input = &itemTypeOf<Tri>, .inputName = "Tri",
     .serial = false, .owner = 0, .partner = 0, .store = &itemTypeOf<Outer>,
     .frameEnd = &frameEnd<addOuter, Outer, Tri, 3, 1>, .leave = &leaveStore<Outer, 3, 4>},
    {.kind = StageKind::result, .name = "nested::record", .input = &itemTypeOf<Outer>, .inputName = "Outer",
     .serial = false, .process = &result<record, Outer, 4>},
};
inline const PipelineDef pipeline{"nested", "test", stages, 0, nullptr};
}  // namespace nested

// ---------------------------------------------------------------------------
// failing: a reduce that throws on 13, and a frame whose frame_end throws on 3.
namespace failing {
using countdown::Visits;
inline void unlucky(Visits& v, std::span<const int> in, std::span<const Visits> others) {
  for (int x : in) {
    if (x == 13) throw std::runtime_error("thirteen");
    v.sum += x;
  }
  for (const Visits& o : others) v.sum += o.sum;
}
inline void ignore(const Visits&) {}
inline void addOrThrow(sum_through::Tri& t, const int& x) {
  if (x == 3) throw std::runtime_error("three");
  t.sum += x;
}
inline void ignoreTri(const sum_through::Tri&) {}

inline const StageDef reduceStages[] = {
    {.kind = StageKind::reduce, .name = "failing::unlucky", .input = &itemTypeOf<int>, .inputName = "int",
     .serial = false, .store = &itemTypeOf<Visits>, .newStore = &newStore<Visits>,
     .reduce = &reduce<unlucky, Visits, int, 0, 0>, .merge = &merge<unlucky, Visits, int, 0, 0>,
     .leave = &leaveStore<Visits, 0, 1>},
    {.kind = StageKind::result, .name = "failing::ignore", .input = &itemTypeOf<Visits>, .inputName = "Visits",
     .serial = false, .process = &result<ignore, Visits, 1>, .region = 1},
};
inline const PipelineDef reducePipeline{"failing", "test", reduceStages, 0, nullptr};

inline const StageDef frameStages[] = {
    {.kind = StageKind::frame, .name = "failing::start", .input = &itemTypeOf<int>, .inputName = "int",
     .serial = false, .partner = 1, .store = &itemTypeOf<sum_through::Tri>,
     .newStore = &newStore<sum_through::Tri>, .enter = &enter<sum_through::start, sum_through::Tri, int, 0, 1>},
    {.kind = StageKind::frame_end, .name = "failing::addOrThrow", .input = &itemTypeOf<int>, .inputName = "int",
     .serial = false, .owner = 0, .partner = 0, .store = &itemTypeOf<sum_through::Tri>,
     .frameEnd = &frameEnd<addOrThrow, sum_through::Tri, int, 1, 1>, .leave = &leaveStore<sum_through::Tri, 1, 2>},
    {.kind = StageKind::result, .name = "failing::ignoreTri", .input = &itemTypeOf<sum_through::Tri>,
     .inputName = "Tri", .serial = false, .process = &result<ignoreTri, sum_through::Tri, 2>},
};
inline const PipelineDef framePipeline{"failing", "test", frameStages, 0, nullptr};
}  // namespace failing

}  // namespace jstest::scoped
