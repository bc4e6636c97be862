// What ranks say to each other. The transport tag is the message kind; the
// bytes start with a magic byte and a format version, so a stray or
// mismatched message is refused instead of misread.
//
// work / stolen:  magic u8, version u8, task count u32, then per task
//                 stage u32, scope u64, gen u32 and the items as ItemType::save
//                 writes them (u64 count, u64 bytes, payload: raw bytes for
//                 trivially copyable items, cereal binary otherwise).
// wave reply:     magic, version, wave u64, created u64, finished u64.
// wave request:   magic, version, wave u64.
// other kinds:    magic, version.
#pragma once

#include <cstdint>
#include <vector>

#include "jobstream/detail/stage.hpp"
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
};

inline constexpr std::uint8_t kWireMagic = 0xB5;
inline constexpr std::uint8_t kWireVersion = 2;

struct WaveCounts {
  std::uint64_t wave = 0;
  std::uint64_t created = 0;
  std::uint64_t finished = 0;
};

// `sizeHint`: the expected size, reserved up front so a large message is
// written without regrowing its buffer.
std::vector<char> encodeTasks(const PipelineDef& pipeline, const std::vector<Task>& tasks,
                              std::size_t sizeHint = 0);
std::vector<Task> decodeTasks(const PipelineDef& pipeline, const std::vector<char>& bytes);

std::vector<char> encodeWave(const WaveCounts& counts, bool withCounts);
WaveCounts decodeWave(const std::vector<char>& bytes, bool withCounts);

std::vector<char> encodeSignal();
void decodeSignal(const std::vector<char>& bytes);

}  // namespace jobstream::detail
