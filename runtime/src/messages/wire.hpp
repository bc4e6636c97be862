// What ranks say to each other. The transport tag is the message kind; the
// bytes are a magic byte, the wire version and the message's fields as its
// describe function below lists them (archive.hpp says how each travels), so
// a stray or mismatched message is refused instead of misread.
//
//   kind                          message
//   work, stolen, stolenPart      std::vector<Task>
//   waveRequest / waveReply       WaveRequest / WaveReply
//   pause / pauseReply            PauseOrder / PauseReply
//   stop                          StopOrder
//   snapshotPull                  SnapshotPull
//   snapshotData, restore         SectionPieces
//   the others                    Signal
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "messages/archive.hpp"
#include "messages/message_kind.hpp"
#include "checkpoint/checkpoint_file.hpp"
#include "jobstream/detail/stage.hpp"
#include "termination/scope_tracker.hpp"
#include "queue/task_queue.hpp"

namespace jobstream::detail {

inline constexpr std::uint8_t kWireMagic = 0xB5;
inline constexpr std::uint8_t kWireVersion = 8;

// The stage types a message's stage numbers must name; each throws
// std::runtime_error for a number that names no such stage.
const ItemType& inputTypeOf(const PipelineDef& pipeline, StageIndex stage);
const ItemType& storeTypeOf(const PipelineDef& pipeline, StageIndex reduce);

// Queued items: their stage, scope and generation, and the range of their
// batch as the stage's input type saves it (a checkpoint's tasks section too).
template <class Archive>
void describe(Archive& ar, Task& task, const PipelineDef& pipeline) {
  if constexpr (!Archive::loading)
    if (task.source) throw std::logic_error("a lazy source travels only as items drawn from it");
  ar(task.stage, task.scope, task.gen);
  ar.batch(inputTypeOf(pipeline, task.stage), task.batch, task.begin, task.end);
}

template <class Archive>
void describe(Archive& ar, std::vector<Task>& tasks, const PipelineDef& pipeline) {
  ar.sequence(tasks, [&](Task& task) { describe(ar, task, pipeline); });
}

// Rank 0's actions; every fire must name a reduce.
template <class Archive>
void describe(Archive& ar, Actions& actions, const PipelineDef& pipeline) {
  ar(actions.fires, actions.recalls, actions.retires);
  if constexpr (Archive::loading)
    for (const FireOrder& fire : actions.fires) storeTypeOf(pipeline, fire.reduce);
}

struct WaveRequest {
  static constexpr std::string_view kName = "wave request";
  std::uint64_t wave = 0;
  Actions actions;
};

template <class Archive>
void describe(Archive& ar, WaveRequest& request, const PipelineDef& pipeline) {
  ar(request.wave);
  describe(ar, request.actions, pipeline);
}

struct FireResult {
  bool recurred = false;              // merging returned work into the region
  std::unique_ptr<BatchBase> stores;  // 0 or 1 stores of the reduce's store type
};

struct WaveReply {
  static constexpr std::string_view kName = "wave reply";
  std::uint64_t wave = 0;
  CountsMap counts;
  std::vector<FireResult> fires;                        // one per fire of the request, in its order
  std::vector<std::pair<std::uint64_t, bool>> recalls;  // instance, ended
  // SIGTERM or SIGINT if one reached a rank of the subtree (the strongest,
  // termination/signal_stop.hpp), else 0: how rank 0 hears of it.
  std::int32_t stopSignal = 0;
};

// `fires`: the request the reply answers, which says each store's type.
template <class Archive>
void describe(Archive& ar, WaveReply& reply, const PipelineDef& pipeline,
              const std::vector<FireOrder>& fires) {
  ar(reply.wave, reply.counts);
  if constexpr (Archive::loading) {
    reply.fires.resize(fires.size());
  } else if (reply.fires.size() != fires.size()) {
    throw std::logic_error("a wave reply without its fires");
  }
  for (std::size_t i = 0; i != fires.size(); ++i) {
    FireResult& result = reply.fires[i];
    ar(result.recurred);
    ar.batch(storeTypeOf(pipeline, fires[i].reduce), result.stores);
    if (Archive::loading && result.stores->size() > 1)
      throw std::runtime_error("several stores for one fire");
  }
  ar(reply.recalls, reply.stopSignal);
}

// Checkpoints: a new round of counting, and a subtree's answer to it.
struct PauseOrder {
  static constexpr std::string_view kName = "pause";
  std::uint32_t round = 0;
};

template <class Archive>
void describe(Archive& ar, PauseOrder& order) {
  ar(order.round);
}

struct PauseReply {
  static constexpr std::string_view kName = "pause reply";
  std::uint32_t round = 0;
  std::uint64_t sent = 0;  // work, stolen and stolenPart messages
  std::uint64_t received = 0;
};

template <class Archive>
void describe(Archive& ar, PauseReply& reply) {
  ar(reply.round, reply.sent, reply.received);
}

// The end of the run, down the tree (termination/shutdown.hpp): 0 when its
// work is over, else the signal that told it to stop.
struct StopOrder {
  static constexpr std::string_view kName = "stop";
  std::int32_t signal = 0;
};

template <class Archive>
void describe(Archive& ar, StopOrder& order) {
  ar(order.signal);
}

// Rank 0 asks a rank for the next `budget` bytes of its encoded state.
struct SnapshotPull {
  static constexpr std::string_view kName = "snapshot pull";
  std::uint64_t budget = 0;
};

template <class Archive>
void describe(Archive& ar, SnapshotPull& pull) {
  ar(pull.budget);
}

// Pieces of a rank's state for rank 0 (snapshotData) or of its share of a
// checkpoint from rank 0 (restore), in order; `last`: nothing follows.
template <class Archive>
void describe(Archive& ar, SectionPiece& piece) {
  ar(piece.name, piece.rank, piece.size, piece.offset, piece.bytes);
  if constexpr (Archive::loading)
    if (piece.offset > piece.size || piece.bytes.size() > piece.size - piece.offset)
      throw std::runtime_error("a piece past the end of its section");
}

struct SectionPieces {
  static constexpr std::string_view kName = "state";
  std::vector<SectionPiece> pieces;
  bool last = false;
  bool operator==(const SectionPieces&) const = default;
};

template <class Archive>
void describe(Archive& ar, SectionPieces& message) {
  ar(message.pieces, message.last);
}

// A message that is only its kind.
struct Signal {
  static constexpr std::string_view kName = "signal";
};

template <class Archive>
void describe(Archive&, Signal&) {}

// For messages that say what they are.
template <class Message>
inline constexpr std::string_view kMessageName = Message::kName;
template <>
inline constexpr std::string_view kMessageName<std::vector<Task>> = "work";

// Appends `message` to `bytes` (reserve first for a large one).
// `context`: what the message's describe needs besides it (the pipeline;
// for a wave reply, the fires of its request too).
template <class Message, class... Context>
void encodeInto(std::vector<char>& bytes, const Message& message, const Context&... context) {
  SaveArchive ar(bytes);
  ar(kWireMagic, kWireVersion);
  if constexpr (sizeof...(Context) == 0) {
    ar(message);
  } else {
    describe(ar, const_cast<Message&>(message), context...);  // saving only reads
  }
}

template <class Message, class... Context>
std::vector<char> encode(const Message& message, const Context&... context) {
  std::vector<char> bytes;
  encodeInto(bytes, message, context...);
  return bytes;
}

// Checks the magic and the version; throws std::runtime_error.
void checkHeader(LoadArchive& ar);

// Why a message of `name` was refused, as an exception to throw.
std::runtime_error corruptMessage(std::string_view name, const std::exception& why);

// Reads what encode wrote; throws std::runtime_error saying what is wrong.
template <class Message, class... Context>
Message decode(const std::vector<char>& bytes, const Context&... context) {
  LoadArchive ar(bytes);
  checkHeader(ar);
  Message message;
  try {
    if constexpr (sizeof...(Context) == 0) {
      ar(message);
    } else {
      describe(ar, message, context...);
    }
    ar.end();
  } catch (const std::exception& e) {
    throw corruptMessage(kMessageName<Message>, e);
  }
  return message;
}

}  // namespace jobstream::detail
