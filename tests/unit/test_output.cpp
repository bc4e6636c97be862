// Output<T>, through which generated stage functions hand items on: both its
// forms (plain items written through a cursor, others appended) deliver
// every item once, in order, in batches of kBatchItems; a large Multiple
// goes whole after what came before it; close delivers the rest and nothing
// when there is none; and an exception thrown while delivering (a reduce
// folded at once runs user code) or while a stage runs leaves nothing
// delivered twice and nothing leaked (the sanitizer builds run these too).
#include <gmock/gmock.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "jobstream/detail/stage.hpp"

namespace jstest {
namespace {

using jobstream::Multiple;
using jobstream::detail::BatchBase;
using jobstream::detail::Batch;
using jobstream::detail::Emitter;
using jobstream::detail::Output;
using jobstream::detail::StageIndex;

// Keeps what it is given; throws at the delivery numbered `throwAt`.
template <class T>
class Recorder final : public Emitter {
 public:
  void deliver(StageIndex stage, std::unique_ptr<BatchBase> batch) override {
    EXPECT_EQ(stage, 7u);
    if (deliveries++ == throwAt) throw std::runtime_error("the reduce failed");
    auto& items = dynamic_cast<Batch<T>&>(*batch).items;
    sizes.push_back(items.size());
    for (T& item : items) seen.push_back(std::move(item));
  }

  std::size_t outputBytes(StageIndex stage) const override {
    EXPECT_EQ(stage, 7u);
    return bytes;
  }

  std::vector<T> seen;
  std::vector<std::size_t> sizes;
  int deliveries = 0;
  int throwAt = -1;
  std::size_t bytes = Emitter::kOutputBatchBytes;
};

template <class T>
T make(std::size_t i) {
  if constexpr (std::is_same_v<T, std::string>) {
    return "item " + std::to_string(i);
  } else {
    return static_cast<T>(i);
  }
}

template <class T>
std::vector<T> made(std::size_t from, std::size_t to) {
  std::vector<T> items;
  for (std::size_t i = from; i != to; ++i) items.push_back(make<T>(i));
  return items;
}

template <class T>
class OutputTest : public testing::Test {};

// std::int64_t and double take the cursor form; std::string the other.
using ItemTypes = testing::Types<std::int64_t, double, std::string>;
TYPED_TEST_SUITE(OutputTest, ItemTypes);

TYPED_TEST(OutputTest, EveryItemOnceInOrderInFullBatches) {
  using T = TypeParam;
  constexpr std::size_t kFull = Output<T>::kBatchItems;
  const std::size_t count = 2 * kFull + 5;
  Recorder<T> emitter;
  {
    Output<T> out(emitter, 7);
    for (std::size_t i = 0; i != count; ++i) out.push(make<T>(i));
    EXPECT_EQ(emitter.sizes, (std::vector<std::size_t>{kFull, kFull})) << "full batches leave as they fill";
    out.close();
  }
  EXPECT_EQ(emitter.sizes, (std::vector<std::size_t>{kFull, kFull, 5}));
  EXPECT_EQ(emitter.seen, made<T>(0, count));
}

// The emitter sets how many bytes of items a batch holds (smaller for a
// reduce folded at once), at least one item.
TYPED_TEST(OutputTest, TheEmitterSetsTheBatchSize) {
  using T = TypeParam;
  Recorder<T> emitter;
  emitter.bytes = 10 * sizeof(T);
  {
    Output<T> out(emitter, 7);
    for (std::size_t i = 0; i != 25; ++i) out.push(make<T>(i));
    out.close();
  }
  EXPECT_EQ(emitter.sizes, (std::vector<std::size_t>{10, 10, 5}));
  EXPECT_EQ(emitter.seen, made<T>(0, 25));
  emitter.sizes.clear();
  emitter.bytes = 1;
  {
    Output<T> out(emitter, 7);
    out.push(make<T>(0));
    out.push(make<T>(1));
    out.close();
  }
  EXPECT_EQ(emitter.sizes, (std::vector<std::size_t>{1, 1}));
}

TYPED_TEST(OutputTest, NothingToCloseDeliversNothing) {
  using T = TypeParam;
  Recorder<T> emitter;
  {
    Output<T> out(emitter, 7);
    out.close();
  }
  {
    Output<T> out(emitter, 7);
    for (std::size_t i = 0; i != Output<T>::kBatchItems; ++i) out.push(make<T>(i));
    out.close();  // exactly full: delivered, and the empty rest is not
    out.close();
  }
  EXPECT_EQ(emitter.sizes, (std::vector<std::size_t>{Output<T>::kBatchItems}));
}

TYPED_TEST(OutputTest, OptionalsAndMultiplesKeepTheirOrder) {
  using T = TypeParam;
  constexpr std::size_t kFull = Output<T>::kBatchItems;
  Recorder<T> emitter;
  std::vector<T> expected;
  {
    Output<T> out(emitter, 7);
    out.push(std::optional<T>(make<T>(1)));
    out.push(std::optional<T>());
    expected.push_back(make<T>(1));
    // A small Multiple joins the batch; a large one goes whole, after what
    // was collected before it.
    Multiple<T> small;
    for (std::size_t i = 0; i != 3; ++i) small.push_back(make<T>(10 + i));
    out.push(std::move(small));
    for (std::size_t i = 0; i != 3; ++i) expected.push_back(make<T>(10 + i));
    Multiple<T> large;
    for (std::size_t i = 0; i != kFull; ++i) large.push_back(make<T>(100 + i));
    out.push(std::move(large));
    for (std::size_t i = 0; i != kFull; ++i) expected.push_back(make<T>(100 + i));
    out.push(make<T>(2));
    expected.push_back(make<T>(2));
    out.close();
  }
  EXPECT_EQ(emitter.sizes, (std::vector<std::size_t>{4, kFull, 1}));
  EXPECT_EQ(emitter.seen, expected);
}

TYPED_TEST(OutputTest, ADeliveryThatThrowsLosesOnlyItsBatch) {
  using T = TypeParam;
  constexpr std::size_t kFull = Output<T>::kBatchItems;
  Recorder<T> emitter;
  emitter.throwAt = 1;  // the second full batch
  std::size_t pushed = 0;
  EXPECT_THROW(
      {
        Output<T> out(emitter, 7);
        for (; pushed != 3 * kFull; ++pushed) out.push(make<T>(pushed));
        out.close();
      },
      std::runtime_error);
  // The push that filled the second batch threw, or (the cursor form
  // delivers a full batch when the next item comes) the one after it.
  EXPECT_THAT(pushed, testing::AnyOf(2 * kFull - 1, 2 * kFull));
  EXPECT_EQ(emitter.seen, made<T>(0, kFull));
}

TYPED_TEST(OutputTest, AStageThatThrowsDropsWhatWasCollected) {
  using T = TypeParam;
  Recorder<T> emitter;
  EXPECT_THROW(
      {
        Output<T> out(emitter, 7);
        for (std::size_t i = 0; i != 10; ++i) out.push(make<T>(i));
        throw std::runtime_error("the user's job failed");
      },
      std::runtime_error);
  EXPECT_TRUE(emitter.seen.empty());
  EXPECT_EQ(emitter.deliveries, 0);
}

// A value of another type that converts, as a job returning int into a
// stage that takes std::int64_t.
TEST(OutputCursor, ConvertsWhatItIsGiven) {
  Recorder<std::int64_t> emitter;
  Output<std::int64_t> out(emitter, 7);
  out.push(3);
  out.push(static_cast<short>(-4));
  out.close();
  EXPECT_EQ(emitter.seen, (std::vector<std::int64_t>{3, -4}));
}

static_assert(jobstream::detail::RawItem<std::int64_t> && jobstream::detail::RawItem<double>);
static_assert(!jobstream::detail::RawItem<std::string>);

}  // namespace
}  // namespace jstest
