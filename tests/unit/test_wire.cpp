// Messages between ranks (wire.hpp) and the archive they are described with
// (archive.hpp): every kind round-trips, and a truncated, padded, foreign or
// absurd message is refused with a message, never a crash or a huge
// allocation.
#include <gmock/gmock.h>

#include <limits>
#include <map>
#include <string>
#include <vector>

#include "scope_pipelines.hpp"
#include "messages/wire.hpp"

namespace jstest {
namespace {

using scoped::mean::Sum;
using testing::HasSubstr;

const PipelineDef& linearPipeline() { return linear::pipeline; }
const PipelineDef& meanPipeline() { return scoped::mean::pipeline; }  // stage 1 reduces into Sum
constexpr StageIndex kReduce = 1;

template <class T>
const Items<T>& itemsOf(const BatchBase& batch) {
  return static_cast<const Batch<T>&>(batch).items;
}

// What decoding `bytes` as a Message says when it refuses them.
template <class Message, class... Context>
std::string refusal(const std::vector<char>& bytes, const Context&... context) {
  try {
    decode<Message>(bytes, context...);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "(accepted)";
}

// Every proper prefix of a message, and the message with a byte more, is refused.
template <class Message, class... Context>
void expectEveryCutRefused(const std::vector<char>& bytes, const Context&... context) {
  for (std::size_t cut = 0; cut != bytes.size(); ++cut)
    EXPECT_THAT(
        refusal<Message>(
            std::vector<char>(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(cut)),
            context...),
        HasSubstr("received a"))
        << "cut at " << cut << " of " << bytes.size();
  std::vector<char> longer = bytes;
  longer.push_back(0);
  EXPECT_THAT(refusal<Message>(longer, context...), HasSubstr("past its end (1 more bytes)"));
}

// A message's header, then `fields` as SaveArchive writes them.
template <class... Fields>
std::vector<char> handMade(const Fields&... fields) {
  std::vector<char> bytes;
  SaveArchive ar(bytes);
  ar(kWireMagic, kWireVersion, fields...);
  return bytes;
}

constexpr std::uint64_t kHuge = std::numeric_limits<std::uint64_t>::max();

std::vector<Task> sampleTasks() {
  auto ints = std::shared_ptr<BatchBase>(batchOf(range(0, 100)));
  auto longs = std::shared_ptr<BatchBase>(batchOf(std::vector<long long>{5, 6, 7}));
  return {{1, 0, 0, ints, 10, 20}, {3, (7ull << 48) | 5, 3, longs, 0, 3}, {0, 0, 0, ints, 99, 100}};
}

TEST(Wire, WorkRoundTripsWithRangesAndStages) {
  const std::vector<char> bytes = encode(sampleTasks(), linearPipeline());
  EXPECT_EQ(static_cast<std::uint8_t>(bytes[0]), kWireMagic);
  const auto back = decode<std::vector<Task>>(bytes, linearPipeline());
  ASSERT_EQ(back.size(), 3u);
  EXPECT_EQ(back[0].stage, 1u);
  EXPECT_EQ(
      std::vector<int>(itemsOf<int>(*back[0].batch).begin(), itemsOf<int>(*back[0].batch).end()),
      range(10, 20));
  EXPECT_EQ(back[0].begin, 0u);
  EXPECT_EQ(back[0].end, 10u);
  EXPECT_EQ(back[1].scope, (7ull << 48) | 5);
  EXPECT_EQ(back[1].gen, 3u);
  EXPECT_EQ(itemsOf<long long>(*back[1].batch), (Items<long long>{5, 6, 7}));
  EXPECT_EQ(itemsOf<int>(*back[2].batch), Items<int>{99});
  EXPECT_TRUE(
      decode<std::vector<Task>>(encode(std::vector<Task>{}, linearPipeline()), linearPipeline())
          .empty());
}

TEST(Wire, WorkIsRefusedCutForeignOrForAStageThatTakesNothing) {
  const std::vector<char> bytes = encode(sampleTasks(), linearPipeline());
  expectEveryCutRefused<std::vector<Task>>(bytes, linearPipeline());
  std::vector<char> foreign = bytes;
  foreign[0] = 'x';
  EXPECT_THAT(refusal<std::vector<Task>>(foreign, linearPipeline()), HasSubstr("not jobstream's"));
  std::vector<char> newer = bytes;
  newer[1] = static_cast<char>(kWireVersion + 1);
  EXPECT_THAT(refusal<std::vector<Task>>(newer, linearPipeline()),
              HasSubstr("another jobstream version"));
  std::vector<char> noStage = bytes;
  noStage[2 + 8] = 42;  // the first task's stage, after the header and the count
  EXPECT_THAT(refusal<std::vector<Task>>(noStage, linearPipeline()),
              HasSubstr("received a corrupt work message: no stage 42"));
}

TEST(Wire, AbsurdCountsAreRefusedBeforeAnythingIsAllocated) {
  // The number of tasks.
  EXPECT_THAT(refusal<std::vector<Task>>(handMade(kHuge), linearPipeline()),
              HasSubstr("a count of"));
  EXPECT_THAT(refusal<std::vector<Task>>(handMade(std::uint64_t{1} << 40, std::uint32_t{1}),
                                         linearPipeline()),
              HasSubstr("a count of"));
  // A batch's item count and payload size, including a count whose size
  // in bytes wraps around to the payload's.
  const auto task = [](std::uint64_t items, std::uint64_t bytes) {
    return handMade(std::uint64_t{1}, StageIndex{1}, std::uint64_t{0}, std::uint32_t{0}, items,
                    bytes);
  };
  EXPECT_THAT(refusal<std::vector<Task>>(task(kHuge, 0), linearPipeline()),
              HasSubstr("corrupt work message"));
  EXPECT_THAT(refusal<std::vector<Task>>(task(std::uint64_t{1} << 62, 0), linearPipeline()),
              HasSubstr("corrupt work message"));
  EXPECT_THAT(refusal<std::vector<Task>>(task(2, kHuge), linearPipeline()),
              HasSubstr("corrupt work message"));
  // Each list of a wave request, and a wave reply's counts and recalls.
  EXPECT_THAT(refusal<WaveRequest>(handMade(std::uint64_t{1}, kHuge), meanPipeline()),
              HasSubstr("a count of"));
  EXPECT_THAT(
      refusal<WaveRequest>(handMade(std::uint64_t{1}, std::uint64_t{0}, kHuge), meanPipeline()),
      HasSubstr("a count of"));
  EXPECT_THAT(
      refusal<WaveRequest>(handMade(std::uint64_t{1}, std::uint64_t{0}, std::uint64_t{0}, kHuge),
                           meanPipeline()),
      HasSubstr("a count of"));
  const std::vector<FireOrder> none;
  EXPECT_THAT(refusal<WaveReply>(handMade(std::uint64_t{1}, kHuge), meanPipeline(), none),
              HasSubstr("a count of"));
  EXPECT_THAT(
      refusal<WaveReply>(handMade(std::uint64_t{1}, std::uint64_t{0}, kHuge), meanPipeline(), none),
      HasSubstr("a count of"));
  // The number of pieces, a piece's name and its bytes.
  EXPECT_THAT(refusal<SectionPieces>(handMade(kHuge)), HasSubstr("a count of"));
  EXPECT_THAT(refusal<SectionPieces>(handMade(std::uint64_t{1}, kHuge)), HasSubstr("a count of"));
  EXPECT_THAT(refusal<SectionPieces>(handMade(std::uint64_t{1}, std::string("tasks"), std::uint32_t{0},
                                              std::uint64_t{10}, std::uint64_t{0}, kHuge - 3)),
              HasSubstr("a count of"));
  // A piece that says it reaches past its section's end.
  EXPECT_THAT(refusal<SectionPieces>(handMade(std::uint64_t{1}, std::string("tasks"), std::uint32_t{0},
                                              std::uint64_t{2}, std::uint64_t{1}, std::string("ab"), false)),
              HasSubstr("past the end of its section"));
}

TEST(Wire, WaveRequestRoundTripsAndNamesOnlyReduces) {
  WaveRequest request;
  request.wave = 4;
  request.actions.fires.push_back(FireOrder{ScopeKey{9, 2, 1}, kReduce});
  request.actions.recalls = {9, 11};
  request.actions.retires.push_back(Retire{9, 2, 1});
  const std::vector<char> bytes = encode(request, meanPipeline());
  const auto back = decode<WaveRequest>(bytes, meanPipeline());
  EXPECT_EQ(back.wave, 4u);
  ASSERT_EQ(back.actions.fires.size(), 1u);
  EXPECT_EQ(back.actions.fires[0].key, (ScopeKey{9, 2, 1}));
  EXPECT_EQ(back.actions.fires[0].reduce, kReduce);
  EXPECT_EQ(back.actions.recalls, (std::vector<std::uint64_t>{9, 11}));
  ASSERT_EQ(back.actions.retires.size(), 1u);
  EXPECT_EQ(back.actions.retires[0].scope, 9u);
  EXPECT_EQ(back.actions.retires[0].gen, 2u);
  EXPECT_EQ(back.actions.retires[0].upTo, 1u);
  expectEveryCutRefused<WaveRequest>(bytes, meanPipeline());

  request.actions.fires.push_back(FireOrder{ScopeKey{}, 0});  // a job, not a reduce
  EXPECT_THAT(refusal<WaveRequest>(encode(request, meanPipeline()), meanPipeline()),
              HasSubstr("no reduce 0"));
}

TEST(Wire, WaveReplyRoundTripsWithItsStores) {
  const std::vector<FireOrder> fires{{ScopeKey{0, 0, 0}, kReduce}, {ScopeKey{5, 1, 0}, kReduce}};
  WaveReply reply;
  reply.wave = 3;
  reply.counts[ScopeKey{0, 0, 1}] = Counts{100, 90};
  reply.counts[ScopeKey{5, 1, 0}] = Counts{7, 7};
  reply.fires.push_back(FireResult{true, batchOf(std::vector<Sum>{{12, 3}})});
  reply.fires.push_back(FireResult{false, nullptr});  // nothing to merge: an empty batch
  reply.recalls = {{7, true}, {8, false}};
  const std::vector<char> bytes = encode(reply, meanPipeline(), fires);
  const auto back = decode<WaveReply>(bytes, meanPipeline(), fires);
  EXPECT_EQ(back.wave, 3u);
  ASSERT_EQ(back.counts.size(), 2u);
  EXPECT_EQ(back.counts.at(ScopeKey{0, 0, 1}).created, 100u);
  EXPECT_EQ(back.counts.at(ScopeKey{0, 0, 1}).finished, 90u);
  ASSERT_EQ(back.fires.size(), 2u);
  EXPECT_TRUE(back.fires[0].recurred);
  ASSERT_EQ(back.fires[0].stores->size(), 1u);
  EXPECT_EQ(itemsOf<Sum>(*back.fires[0].stores)[0].total, 12);
  EXPECT_FALSE(back.fires[1].recurred);
  EXPECT_EQ(back.fires[1].stores->size(), 0u);
  EXPECT_EQ(back.recalls, (std::vector<std::pair<std::uint64_t, bool>>{{7, true}, {8, false}}));
  expectEveryCutRefused<WaveReply>(bytes, meanPipeline(), fires);

  // Two stores for one fire, and a flag that is neither true nor false.
  reply.fires[1].stores = batchOf(std::vector<Sum>{{1, 1}, {2, 2}});
  EXPECT_THAT(refusal<WaveReply>(encode(reply, meanPipeline(), fires), meanPipeline(), fires),
              HasSubstr("several stores for one fire"));
  std::vector<char> flag = bytes;
  flag[2 + 8 + 8 + 2 * 32] = 2;  // the first fire's recurred, after the wave and the counts
  EXPECT_THAT(refusal<WaveReply>(flag, meanPipeline(), fires), HasSubstr("neither 0 nor 1"));
  // A reply read against a request with another number of fires.
  EXPECT_THAT(refusal<WaveReply>(bytes, meanPipeline(), std::vector<FireOrder>{}),
              HasSubstr("received a corrupt wave reply message"));
  EXPECT_THROW(encode(reply, meanPipeline(), std::vector<FireOrder>{}), std::logic_error);
}

TEST(Wire, PauseOrderAndReplyRoundTrip) {
  const std::vector<char> order = encode(PauseOrder{7});
  EXPECT_EQ(decode<PauseOrder>(order).round, 7u);
  expectEveryCutRefused<PauseOrder>(order);
  const std::vector<char> reply = encode(PauseReply{2, 40, 38});
  const auto back = decode<PauseReply>(reply);
  EXPECT_EQ(back.round, 2u);
  EXPECT_EQ(back.sent, 40u);
  EXPECT_EQ(back.received, 38u);
  expectEveryCutRefused<PauseReply>(reply);
  // A reply read as an order.
  EXPECT_THAT(refusal<PauseOrder>(reply), HasSubstr("received a corrupt pause message"));
}

TEST(Wire, StatePiecesRoundTrip) {
  const SectionPieces pieces{{{"tasks", 0, 10, 7, {'a', 'b', 'c'}},
                              {"counters", 3, 0, 0, {}},
                              {"tracker", 0, 300, 0, std::vector<char>(300, 'x')}},
                             true};
  const std::vector<char> bytes = encode(pieces);
  EXPECT_EQ(decode<SectionPieces>(bytes), pieces);
  expectEveryCutRefused<SectionPieces>(bytes);
  EXPECT_EQ(decode<SnapshotPull>(encode(SnapshotPull{1234})).budget, 1234u);
  expectEveryCutRefused<SnapshotPull>(encode(SnapshotPull{1234}));
}

TEST(Wire, SignalsAreOnlyTheirHeader) {
  const std::vector<char> bytes = encode(Signal{});
  EXPECT_EQ(bytes,
            (std::vector<char>{static_cast<char>(kWireMagic), static_cast<char>(kWireVersion)}));
  EXPECT_NO_THROW(decode<Signal>(bytes));
  expectEveryCutRefused<Signal>(bytes);
}

// The archive itself, beyond what the messages use.
TEST(Archive, MapsStringsAndPairsRoundTripAndAKeyTwiceIsRefused) {
  std::map<std::string, std::vector<std::pair<int, bool>>> value{
      {"a", {{1, true}}}, {"", {}}, {"long", {{-3, false}}}};
  std::vector<char> bytes;
  SaveArchive save(bytes);
  save(value, 2.5);
  LoadArchive load(bytes);
  std::map<std::string, std::vector<std::pair<int, bool>>> back{{"stale", {}}};
  double number = 0;
  load(back, number);
  load.end();
  EXPECT_EQ(back, value);
  EXPECT_EQ(number, 2.5);

  std::vector<char> twice;
  SaveArchive ar(twice);
  ar(std::uint64_t{2}, std::uint32_t{5}, std::uint32_t{1}, std::uint32_t{5}, std::uint32_t{2});
  std::map<std::uint32_t, std::uint32_t> map;
  LoadArchive in(twice);
  try {
    in(map);
    FAIL() << "a key twice was accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("a key twice"));
  }
}

}  // namespace
}  // namespace jstest
