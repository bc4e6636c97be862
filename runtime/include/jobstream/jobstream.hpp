// jobstream: write a data pipeline as annotated C++ functions, run it on one
// process or on many MPI ranks. This is the only header a pipeline's source
// needs; it holds what a user types and nothing about MPI.
//
//   #include <jobstream/jobstream.hpp>
//   namespace lengths {
//   [[jobstream::job]] int length(const std::string& w) { return w.size(); }
//   }
//
// The `jobstream::` attributes are read by jsgen at build time. Ordinary
// compilers are told here to ignore them (jsgen itself reports misspellings).
#pragma once

#include <concepts>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <optional>
#include <ranges>
#include <string_view>
#include <type_traits>
#include <typeinfo>
#include <utility>
#include <vector>

#include "jobstream/detail/batch.hpp"
#include "jobstream/detail/lazy_source.hpp"
#include "jobstream/detail/map_call.hpp"
#include "jobstream/detail/user_templates.hpp"

JOBSTREAM_TEMPLATES_BEGIN

namespace jobstream {

// Zero or more items returned by a stage. It is a std::vector (braces,
// push_back, iterators) whose large allocations use huge pages, so that
// returning millions of items is cheap; a plain std::vector<T> is one item.
template <class T>
class Multiple : public detail::Items<T> {
  using Base = detail::Items<T>;

 public:
  using Base::Base;
  Multiple() = default;
  Multiple(std::vector<T> items)  // NOLINT: implicit, so `return someVector;` works
      : Base(std::make_move_iterator(items.begin()), std::make_move_iterator(items.end())) {}
};

namespace detail {
struct LazyAccess;
}

// Items an init makes without holding them all at once: workers draw them in
// batches, as they need them, from a range or a generator, so an init can
// make a billion items in the memory of a few thousand.
//
//   [[jobstream::init]] jobstream::Lazy<std::int64_t> numbers() {
//     return jobstream::Lazy(std::views::iota(std::int64_t{0}, std::int64_t{1'000'000'000}));
//   }
//
// Made from any input range whose elements convert to T, taken by value (a
// view such as iota or `... | std::views::transform(f)`, or a container it
// then owns), or from a callable returning std::optional<T>: the next item,
// or std::nullopt at the end. Only an init returns it. Drawing runs on one
// thread at a time, so the range or callable needs no locking, and it must
// own what it reads (a view of a local variable would dangle).
//
// A run resumed from a checkpoint calls the init again and skips the items
// drawn before it (a jump for a random-access range): the init must make the
// same items in the same order every time it is called.
template <class T>
class Lazy {
 public:
  template <class R>
    requires(!std::same_as<std::remove_cvref_t<R>, Lazy> && detail::LazyRange<R, T>)
  Lazy(R range)  // NOLINT: implicit, so `return std::views::iota(0, n);` works
      : source_(std::make_unique<detail::RangeSource<T, R>>(std::move(range))) {}

  template <class G>
    requires(!std::same_as<std::remove_cvref_t<G>, Lazy> && detail::LazyGenerator<G> &&
             std::convertible_to<std::invoke_result_t<G&>, std::optional<T>>)
  explicit Lazy(G generate)
      : source_(std::make_unique<detail::GeneratorSource<T, G>>(std::move(generate))) {}

 private:
  friend struct detail::LazyAccess;
  std::unique_ptr<detail::LazySource> source_;
};

template <class R>
  requires std::ranges::input_range<R>
Lazy(R) -> Lazy<std::ranges::range_value_t<R>>;

template <class G>
  requires detail::LazyGenerator<G>
Lazy(G) -> Lazy<typename std::invoke_result_t<G&>::value_type>;

namespace detail {
// How the runtime's side takes a Lazy's source (Output<T>, stage.hpp).
struct LazyAccess {
  template <class T>
  static std::unique_ptr<LazySource> take(Lazy<T>& lazy) {
    return std::move(lazy.source_);
  }
};
}  // namespace detail

// What a [[jobstream::sweep]] stage emits for each combination of parameters
// (contract, section 7): the combination, how many trials its statistics
// cover, and per outcome member the mean, the sample standard deviation and
// the 95% half-width of the mean (integer members hold them rounded).
template <class P, class O>
struct SweepRow {
  P params{};
  std::uint64_t trials = 0;
  O mean{};
  O dev{};
  O err{};
  // mean, dev and err of each outcome column in double precision, column by
  // column: what the table and the CSV print.
  std::vector<double> exact;

  template <class Archive>
  void serialize(Archive& archive) {
    archive(params, trials, mean, dev, err, exact);
  }
};

// Queries a stage may call while a pipeline runs (job_stream's getRank,
// getHostCpuCount, getCpuCount). Outside a run they describe one process.
int rank();           // this rank, 0-based
int rank_count();     // ranks in the run
int threads();        // worker threads on this rank
int total_threads();  // worker threads in the whole run

// Runs the program's pipeline with the command line of section 4 of the
// contract (options, ITEM arguments or standard input). Returns the exit code.
// A program with several pipelines names the one to run (below).
int run(int argc, char** argv);

// Same, with the initial items given by the program instead of ITEM
// arguments or standard input. T must be the first stage's input type.
template <class T>
int run(int argc, char** argv, std::vector<T> items) {
  auto batch = std::make_unique<detail::Batch<T>>();
  batch->items.assign(std::make_move_iterator(items.begin()), std::make_move_iterator(items.end()));
  return detail::runWithItems(std::nullopt, argc, argv, std::move(batch), typeid(T));
}

template <class T>
int run(int argc, char** argv, std::initializer_list<T> items) {
  return run(argc, argv, std::vector<T>(items));
}

// Runs the pipeline named `pipeline`: the namespace that holds its stages,
// qualified ("app::wordlen"; "" for the global namespace). For a program whose
// own main chooses among several pipelines; an unknown name is an error that
// lists the program's pipelines.
//   int main(int argc, char** argv) { return jobstream::run("app::wordlen", argc, argv); }
int run(std::string_view pipeline, int argc, char** argv);

template <class T>
int run(std::string_view pipeline, int argc, char** argv, std::vector<T> items) {
  auto batch = std::make_unique<detail::Batch<T>>();
  batch->items.assign(std::make_move_iterator(items.begin()), std::make_move_iterator(items.end()));
  return detail::runWithItems(pipeline, argc, argv, std::move(batch), typeid(T));
}

template <class T>
int run(std::string_view pipeline, int argc, char** argv, std::initializer_list<T> items) {
  return run(pipeline, argc, argv, std::vector<T>(items));
}

// A parallel map (job_stream.map) for a program with its own main: returns
// f(items[i]) at index i. `f` is a [[jobstream::job]] function with one
// parameter; jsgen prepares each function passed here (it reports a call with
// anything else at build time).
//
// Under mpirun every rank must call it, like any collective: rank 0's items
// are used and rank 0 gets the results, the other ranks an empty vector. It
// may be called any number of times, one call at a time. When f throws on any
// rank, the call ends on every rank; rank 0 then throws std::runtime_error
// naming the function, the rank and the exception's text, and the other ranks
// return an empty vector. Map calls are never checkpointed.
//
//   std::vector<double> squares = jobstream::map(square, {1.0, 2.0, 3.0});
namespace detail {
template <class R, class P, class Results>
void mapInto(R (*f)(P), const std::vector<std::remove_cvref_t<P>>& items, bool movable, Results& results) {
  runMap(MapCall{reinterpret_cast<MapKey>(f), &typeid(std::remove_cvref_t<P>), &typeid(R),
                 const_cast<std::vector<std::remove_cvref_t<P>>*>(&items), movable, &results});
}

template <class R, class P>
auto mapItems(R (*f)(P), const std::vector<std::remove_cvref_t<P>>& items, bool movable) {
  if constexpr (std::is_void_v<R>) {
    // jsgen says so first, at the call; a compiler without it, here.
    static_assert(!std::is_void_v<R>, "jobstream::map needs a function that returns a value");
  } else {
    std::vector<R> results;
    mapInto(f, items, movable, results);
    return results;
  }
}
}  // namespace detail

// The items are copied from a vector the caller keeps, and moved from one it
// gives up (an rvalue, or braces: map(f, {1, 2, 3})).
template <class R, class P>
auto map(R (*f)(P), const std::vector<std::remove_cvref_t<P>>& items) {
  return detail::mapItems(f, items, false);
}

template <class R, class P>
auto map(R (*f)(P), std::vector<std::remove_cvref_t<P>>&& items) {
  return detail::mapItems(f, items, true);
}

// The same, into a vector the caller keeps from call to call (rank 0: it
// holds the results; other ranks: it is left alone). Its memory is reused,
// which saves a large map from touching fresh memory at every call.
//   std::vector<double> next;
//   for (...) jobstream::map(heat::step, cells, next);
template <class R, class P>
void map(R (*f)(P), const std::vector<std::remove_cvref_t<P>>& items, std::vector<R>& results) {
  detail::mapInto(f, items, false, results);
}

template <class R, class P>
void map(R (*f)(P), std::vector<std::remove_cvref_t<P>>&& items, std::vector<R>& results) {
  detail::mapInto(f, items, true, results);
}

}  // namespace jobstream

JOBSTREAM_TEMPLATES_END

// After JOBSTREAM_TEMPLATES_END, so that it holds for the user's code that follows.
#if defined(__clang__)
#pragma clang diagnostic ignored "-Wunknown-attributes"
#elif defined(__GNUC__)
#pragma GCC diagnostic ignored_attributes "jobstream::"
#endif
