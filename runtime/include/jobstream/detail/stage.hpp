// The contract between the code jsgen generates and libjobstream.
//
// jsgen turns a pipeline into a PipelineDef: a table of StageDefs, each with a
// plain function that runs the user's function over a range of a batch and
// hands what it returns to an Emitter through Output<T> buffers. The runtime
// owns queues, threads, ranks and termination; the generated code owns types.
//
// A generated stage function looks like this (two jobs fused into one loop,
// as jsgen does for consecutive stages that return T or std::optional<T>):
//
//   void stage_1(BatchBase& in_, std::size_t begin, std::size_t end, Emitter& em) {
//     auto& in = static_cast<Batch<std::string>&>(in_).items;
//     Output<int> out(em, 3);                 // items for stage 3
//     for (std::size_t i = begin; i != end; ++i) {
//       em.current = 1;
//       int a = ::ns::length(in[i]);
//       em.current = 2;
//       std::optional<int> b = ::ns::keepEven(std::move(a));
//       if (b) out.push(std::move(*b));
//     }
//     out.close();
//   }
#pragma once

#include <cassert>
#include <cstddef>
#include <exception>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "jobstream/detail/batch.hpp"
#include "jobstream/detail/codec.hpp"
#include "jobstream/detail/user_templates.hpp"
#include "jobstream/jobstream.hpp"

JOBSTREAM_TEMPLATES_BEGIN

namespace jobstream::detail {

using StageIndex = std::uint32_t;

// Where generated code sends what user functions return. One Emitter per
// worker thread; the runtime implements it.
class Emitter {
 public:
  virtual ~Emitter() = default;
  // Hands a batch of items bound for `stage` to the runtime, which counts
  // them as created before anyone else can see them.
  virtual void deliver(StageIndex stage, std::unique_ptr<BatchBase> batch) = 0;
  // Hands the runtime the source of a jobstream::Lazy bound for `stage`,
  // which it draws as workers need items. Only an init returns one.
  virtual void deliverSource(StageIndex stage, std::unique_ptr<LazySource> source) {
    (void)stage;
    (void)source;
    throw std::logic_error("a stage returned jobstream::Lazy where the runtime takes none; only an init returns it");
  }

  // How many bytes of items an Output collects for `stage` before it
  // delivers them (at most kOutputBatchBytes). Less for a stage whose
  // batches are folded at once into this thread's store (a reduce): they
  // are read back right after they are written, so they should fit the
  // first-level cache; what is queued is worth fewer, larger batches. Not
  // smaller: each fold takes the rank's termination counters' lock twice,
  // which two workers folding 8 KiB batches contended for (W1 fanned at
  // np 1 x 2 was 25% slower with 8 KiB, and 2-20% faster elsewhere with
  // 32 KiB).
  virtual std::size_t outputBytes(StageIndex stage) const {
    (void)stage;
    return kOutputBatchBytes;
  }

  static constexpr std::size_t kOutputBatchBytes = 64 * 1024;
  static constexpr std::size_t kFoldedBatchBytes = 32 * 1024;

  // The stage whose user function is running: generated code sets it before
  // each call so that an exception can be reported against the right name.
  StageIndex current = 0;
};

// Items of `itemBytes` in a batch of about `bytes`: at least one, at most
// 8,192 (enough to amortise a queue operation, few enough to stay in cache).
constexpr std::size_t outputBatchItems(std::size_t bytes, std::size_t itemBytes) {
  return itemBytes >= bytes ? 1 : bytes / itemBytes > 8192 ? 8192 : bytes / itemBytes;
}
template <class T>
inline constexpr std::size_t kOutputBatchItems = outputBatchItems(Emitter::kOutputBatchBytes, sizeof(T));

// Items for one stage, collected by a stage function and delivered in batches.
// The stage function calls close() when it is done. Delivering may run user
// code (items for a reduce are folded into it at once) and may throw, so it
// never happens in the destructor: an unclosed Output drops what it holds,
// which is right when a stage's exception is unwinding the call.
template <class T>
class Output {
 public:
  static constexpr std::size_t kBatchItems = kOutputBatchItems<T>;

  Output(Emitter& emitter, StageIndex stage)
      : emitter_(emitter), stage_(stage), limit_(outputBatchItems(emitter.outputBytes(stage), sizeof(T))) {}
  Output(const Output&) = delete;
  Output& operator=(const Output&) = delete;
  ~Output() {
    // A stage function that returns normally has closed its Output: items
    // left here are dropped only while an exception unwinds the call.
    assert(!batch_ || batch_->items.empty() || std::uncaught_exceptions() > uncaught_);
  }

  // Delivers what is left.
  void close() {
    if (batch_ && !batch_->items.empty()) flush();
  }

  // Inlined into the generated loops whatever the compiler's heuristics
  // say (a call per item cost more than W1's two jobs); the rare paths are
  // calls.
  template <class U>
  [[gnu::always_inline]] inline void push(U&& item) {
    if (!batch_) [[unlikely]]
      start();
    batch_->items.emplace_back(std::forward<U>(item));
    if (batch_->items.size() >= limit_) [[unlikely]]
      flush();
  }

  void push(std::optional<T>&& item) {
    if (item) push(std::move(*item));
  }

  // A large Multiple becomes a batch of its own without copying its items.
  void push(Multiple<T>&& items) {
    if (items.size() >= kBatchItems / 2) {
      if (batch_ && !batch_->items.empty()) flush();
      auto whole = std::make_unique<Batch<T>>();
      whole->items = std::move(static_cast<Items<T>&>(items));
      emitter_.deliver(stage_, std::move(whole));
      return;
    }
    for (T& item : items) push(std::move(item));
  }

  // A Lazy is not drawn here: the runtime draws it as workers need items.
  void push(Lazy<T>&& items) {
    if (batch_ && !batch_->items.empty()) flush();
    if (std::unique_ptr<LazySource> source = LazyAccess::take(items)) emitter_.deliverSource(stage_, std::move(source));
  }

 private:
  [[gnu::noinline]] void start() {
    batch_ = std::make_unique<Batch<T>>();
    batch_->items.reserve(limit_);
  }
  [[gnu::noinline]] void flush() { emitter_.deliver(stage_, std::move(batch_)); }

  Emitter& emitter_;
  StageIndex stage_;
  std::size_t limit_;  // items per batch
  std::unique_ptr<Batch<T>> batch_;
  [[maybe_unused]] int uncaught_ = std::uncaught_exceptions();  // read by the assert alone
};

// The same for plain items (numbers, structs of numbers): a push is a store
// through a cursor and a compare. Every field is a scalar and the rare paths
// are static functions that take and return them by value, so the object's
// address never escapes and the compiler keeps the cursor in a register
// across the loop; appending to the batch's vector kept its end in memory,
// stored and loaded back once per item (a store-to-load chain of several
// cycles, more than W1's two jobs).
//
// The batch is sized to its limit at its start with default-initialised
// items, which for these types writes nothing (ItemAllocator's construct
// for DefaultInit), and cut to what was written when it is delivered.
template <RawItem T>
class Output<T> {
 public:
  static constexpr std::size_t kBatchItems = kOutputBatchItems<T>;

  Output(Emitter& emitter, StageIndex stage)
      : emitter_(&emitter), stage_(stage), limit_(outputBatchItems(emitter.outputBytes(stage), sizeof(T))) {}
  Output(const Output&) = delete;
  Output& operator=(const Output&) = delete;
  ~Output() {
    // A stage function that returns normally has closed its Output: items
    // left here are dropped only while an exception unwinds the call.
    assert(!batch_ || next_ == batch_->items.data() || std::uncaught_exceptions() > uncaught_);
    delete batch_;
  }

  // Delivers what is left.
  void close() {
    if (batch_) deliver(*emitter_, stage_, std::exchange(batch_, nullptr), next_);
    next_ = end_ = nullptr;
  }

  template <class U>
  [[gnu::always_inline]] inline void push(U&& item) {
    if (next_ == end_) [[unlikely]]
      refill();
    ::new (static_cast<void*>(next_)) T(std::forward<U>(item));
    ++next_;
  }

  void push(std::optional<T>&& item) {
    if (item) push(std::move(*item));
  }

  // A large Multiple becomes a batch of its own without copying its items.
  void push(Multiple<T>&& items) {
    if (items.size() >= kBatchItems / 2) {
      close();
      auto whole = std::make_unique<Batch<T>>();
      whole->items = std::move(static_cast<Items<T>&>(items));
      emitter_->deliver(stage_, std::move(whole));
      return;
    }
    for (T& item : items) push(std::move(item));
  }

  // A Lazy is not drawn here: the runtime draws it as workers need items.
  void push(Lazy<T>&& items) {
    close();
    if (std::unique_ptr<LazySource> source = LazyAccess::take(items)) emitter_->deliverSource(stage_, std::move(source));
  }

 private:
  struct Window {
    Batch<T>* batch;
    T* next;
    T* end;
  };

  [[gnu::always_inline]] inline void refill() {
    // The full batch leaves this object before anything can throw.
    const Window window = renew(*emitter_, stage_, limit_, std::exchange(batch_, nullptr), next_);
    batch_ = window.batch;
    next_ = window.next;
    end_ = window.end;
  }

  // Delivers `full` (items up to `next`), if any, and starts a new batch.
  [[gnu::noinline]] static Window renew(Emitter& emitter, StageIndex stage, std::size_t limit, Batch<T>* full,
                                        T* next) {
    if (full) deliver(emitter, stage, full, next);
    auto batch = std::make_unique<Batch<T>>();
    batch->items.reserve(limit);
    batch->items.insert(batch->items.end(), DefaultInitItems{0}, DefaultInitItems{limit});
    T* const begin = batch->items.data();
    return Window{batch.release(), begin, begin + limit};
  }

  // Cuts `batch` (owned) to the items before `next` and delivers it.
  [[gnu::noinline]] static void deliver(Emitter& emitter, StageIndex stage, Batch<T>* batch, T* next) {
    std::unique_ptr<Batch<T>> owned(batch);
    auto& items = owned->items;
    items.erase(items.begin() + (next - items.data()), items.end());
    if (!items.empty()) emitter.deliver(stage, std::move(owned));
  }

  Emitter* emitter_;
  StageIndex stage_;
  std::size_t limit_;          // items per batch
  Batch<T>* batch_ = nullptr;  // owned
  T* next_ = nullptr;
  T* end_ = nullptr;
  [[maybe_unused]] int uncaught_ = std::uncaught_exceptions();  // read by the assert alone
};

enum class StageKind : std::uint8_t {
  init,       // R f(): run once on rank 0 before any work; feeds `PipelineDef::entry`
  job,        // R f(In...): any rank, any worker thread
  result,     // void f(const T&): rank 0, one call at a time
  finish,     // void f(std::vector<T>): rank 0, once, after the run
  print,      // jsgen's default last stage: operator<< to stdout, rank 0
  reduce,     // R f(Store&, span<const In>, span<const Store>): closes a region
  emit,       // Out f(const Store&): part of the `leave` above it; receives no items
  frame,      // R f(Store&, const First&): each item starts a frame instance
  frame_end,  // R f(Store&, const Next&): on the home rank of the item's instance
};

inline constexpr StageIndex kNoStage = ~StageIndex{0};

// Scopes and regions. Items live in a scope: the top level, or one instance
// of a frame (the items inside its body). The reduces directly in a scope cut
// it into regions, numbered from 0: region r runs from the scope's first
// stage (or the stage after the r-th reduce and its emit) up to and including
// the (r+1)-th reduce. So a scope with k reduces has k + 1 regions; the last
// one ends at the pipeline's end or at the frame_end. Every stage says in
// which scope and region the items delivered to it count:
//   - owner:  the frame whose body the items are in (kNoStage: top level). For
//             a frame_end that is its own frame; for a frame, the scope
//             around it.
//   - region: the number of reduces with the same owner before the stage.
//
// What generated code delivers stays in the scope of the call that made it
// (a frame's and a frame_end's returns enter the body of the same instance);
// the runtime alone moves items between scopes.
//
// Stores travel and wait as batches of the store type holding exactly one
// store, so that the runtime handles them through `ItemType` like items.
struct StageDef {
  StageKind kind;
  std::string_view name;           // qualified user function, "wordlen::length"
  const ItemType* input;           // item type consumed; null for init; the store for emit
  std::string_view inputName;      // that type as the user spelled it
  bool serial;                     // one call at a time per rank
  // init: calls the user function and delivers what it returns. One that
  // returns a jobstream::Lazy (Emitter::deliverSource) is called again when a
  // run resumes with its source partly drawn, to rebuild it.
  void (*init)(Emitter& out) = nullptr;
  // job, result, print: runs items [begin, end) of a batch of `input`.
  void (*process)(BatchBase& in, std::size_t begin, std::size_t end, Emitter& out) = nullptr;
  // finish: called once on rank 0 with every item that reached the stage.
  void (*finish)(BatchBase& all) = nullptr;

  StageIndex owner = kNoStage;
  std::uint32_t region = 0;
  StageIndex partner = kNoStage;  // frame: its frame_end; frame_end: its frame

  // reduce, frame, frame_end: batches of the Store type.
  const ItemType* store = nullptr;
  // reduce, frame: a batch holding one value-initialised store.
  std::unique_ptr<BatchBase> (*newStore)() = nullptr;
  // reduce: f(store.items[0], items [begin, end) of `in`, {}); delivers what
  // it returns to the first stage of its region.
  void (*reduce)(BatchBase& store, BatchBase& in, std::size_t begin, std::size_t end, Emitter& out) = nullptr;
  // reduce: f(stores.items[0], {}, stores.items[1..]) when there are at least
  // two stores; delivers like `reduce`.
  void (*merge)(BatchBase& stores, Emitter& out) = nullptr;
  // frame: f(store.items[0], first.items[0]); delivers what it returns to the
  // first stage of the body (the frame_end for an empty body). Returns true if
  // it returned at least one item, false if it returned nothing.
  bool (*enter)(BatchBase& store, BatchBase& first, Emitter& out) = nullptr;
  // frame_end: f(store.items[0], item) for items [begin, end) of `in`;
  // delivers what they return to the first stage of the body.
  void (*frameEnd)(BatchBase& store, BatchBase& in, std::size_t begin, std::size_t end, Emitter& out) = nullptr;
  // reduce, frame_end: delivers what leaves once the reduction or the frame
  // instance is over, the store moved out of `store` or what the emit below
  // returns for it, to the stage after them.
  void (*leave)(BatchBase& store, Emitter& out) = nullptr;

  // Sweeps (jobstream/detail/sweep.hpp): jsgen lowers a [[jobstream::sweep]]
  // into a frame (`sweep` set: each item it takes is one combination), a job,
  // a frame_end and an emit; and when the rows leave the pipeline, a finish
  // that prints the table (`sweepTable` set: --csv applies to it).
  bool sweep = false;
  bool sweepTable = false;

  bool onRankZero() const {
    return kind == StageKind::result || kind == StageKind::finish || kind == StageKind::print;
  }
};

struct PipelineDef {
  std::string_view name;         // the pipeline's namespace
  std::string_view fingerprint;  // changes whenever stages or their types change
  std::span<const StageDef> stages;
  StageIndex entry;              // the stage that receives initial items
  // Parses one ITEM argument or input line and appends it to `into` (a batch
  // of the entry stage's input). Returns false if the text does not parse.
  // Null when the entry type cannot be read from text.
  bool (*parseItem)(std::string_view text, BatchBase& into);
};

// Called by a static object in generated code.
void registerPipeline(const PipelineDef& pipeline);

}  // namespace jobstream::detail

JOBSTREAM_TEMPLATES_END
