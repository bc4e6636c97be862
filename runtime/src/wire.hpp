// What ranks say to each other. The transport tag is the message kind; the
// bytes start with a magic byte and a format version, so a stray or
// mismatched message is refused instead of misread.
//
// work / stolen:  magic u8, version u8, task count u32, then per task
//                 stage u32, scope u64, gen u32 and the items as ItemType::save
//                 writes them (u64 count, u64 bytes, payload: raw bytes for
//                 trivially copyable items, cereal binary otherwise).
// wave request:   magic, version, wave u64, then rank 0's actions: fires
//                 (u32 count; per fire scope u64, gen u32, region u32,
//                 reduce u32), recalls (u32 count; scope u64 each) and
//                 retirements (u32 count; scope u64, gen u32, upTo u32).
// wave reply:     magic, version, wave u64, counts (u32 count; per key scope
//                 u64, gen u32, region u32, created u64, finished u64), per
//                 fire of the request recurred u8 and the merged store as
//                 ItemType::save writes a batch of 0 or 1 stores, recall
//                 results (u32 count; scope u64, ended u8).
// pause:          magic, version, round u32.
// pause reply:    magic, version, round u32, work and stolen messages sent
//                 u64 and received u64 by the subtree.
// snapshot data,
// restore:        magic, version, u64 section count, per section name (u32
//                 size + bytes), rank u32, size u64 and the bytes
//                 (snapshot.hpp says what they hold).
// other kinds:    magic, version.
#pragma once

#include <cstdint>
#include <vector>

#include "checkpoint_file.hpp"
#include "jobstream/detail/stage.hpp"
#include "scope.hpp"
#include "task_queue.hpp"

namespace jobstream::detail {

enum class MessageKind : int {
  work = 1,          // items bound for a stage on the receiver (rank-0 stages)
  stolen = 2,        // items given in answer to a steal request
  stealRequest = 3,
  stealRefused = 4,
  waveRequest = 5,   // termination wave, down the tree
  waveReply = 6,     // its sums, up the tree
  stop = 7,          // the run is over: down the tree
  stopAck = 8,       // subtree has quiesced its own requests: up the tree
  exit = 9,          // everyone acknowledged: leave, down the tree
  // Checkpoints (rank_checkpoint.cpp).
  pause = 10,         // stop running work; a new round of counting: down the tree
  pauseReply = 11,    // subtree is still and these are its message counts: up
  snapshot = 12,      // nothing is in flight: describe your state, down the tree
  snapshotData = 13,  // a rank's state, to rank 0
  resume = 14,        // the checkpoint is taken: go on, down the tree
  restore = 15,       // a resumed run: a rank's share of the checkpoint, from rank 0
  restored = 16,      // that share is in place, to rank 0
  snapshotTaken = 17, // a rank's state is encoded (the bytes follow as snapshotData), to rank 0
};

inline constexpr std::uint8_t kWireMagic = 0xB5;
inline constexpr std::uint8_t kWireVersion = 3;

struct WaveRequest {
  std::uint64_t wave = 0;
  Actions actions;
};

struct FireResult {
  bool recurred = false;              // merging returned work into the region
  std::unique_ptr<BatchBase> stores;  // 0 or 1 stores of the reduce's store type
};

struct WaveReply {
  std::uint64_t wave = 0;
  CountsMap counts;
  std::vector<FireResult> fires;  // one per fire of the request, in its order
  std::vector<std::pair<std::uint64_t, bool>> recalls;  // instance, ended
};

// `sizeHint`: the expected size, reserved up front so a large message is
// written without regrowing its buffer.
std::vector<char> encodeTasks(const PipelineDef& pipeline, const std::vector<Task>& tasks,
                              std::size_t sizeHint = 0);
std::vector<Task> decodeTasks(const PipelineDef& pipeline, const std::vector<char>& bytes);

std::vector<char> encodeWaveRequest(const WaveRequest& request);
WaveRequest decodeWaveRequest(const PipelineDef& pipeline, const std::vector<char>& bytes);
// `fires`: the request the reply answers, which says each store's type.
std::vector<char> encodeWaveReply(const PipelineDef& pipeline, const std::vector<FireOrder>& fires,
                                  const WaveReply& reply);
WaveReply decodeWaveReply(const PipelineDef& pipeline, const std::vector<FireOrder>& fires,
                          const std::vector<char>& bytes);

struct PauseReply {
  std::uint32_t round = 0;
  std::uint64_t sent = 0;      // work and stolen messages
  std::uint64_t received = 0;
};

std::vector<char> encodePause(std::uint32_t round);
std::uint32_t decodePause(const std::vector<char>& bytes);
std::vector<char> encodePauseReply(const PauseReply& reply);
PauseReply decodePauseReply(const std::vector<char>& bytes);

std::vector<char> encodeSections(const std::vector<CheckpointSection>& sections);
std::vector<CheckpointSection> decodeSections(const std::vector<char>& bytes);

std::vector<char> encodeSignal();
void decodeSignal(const std::vector<char>& bytes);

}  // namespace jobstream::detail
