// The kinds of message ranks exchange: the transport tag of each. Which
// protocol sends each kind, and what its bytes hold, is in wire.hpp.
#pragma once

namespace jobstream::detail {

enum class MessageKind : int {
  work = 1,    // items bound for a stage on the receiver (rank-0 stages)
  stolen = 2,  // items given in answer to a steal request
  stealRequest = 3,
  stealRefused = 4,
  waveRequest = 5,  // termination wave, down the tree
  waveReply = 6,    // its sums, up the tree
  stop = 7,         // the run is over: down the tree
  stopAck = 8,      // subtree has quiesced its own requests: up the tree
  exit = 9,         // everyone acknowledged: leave, down the tree
  // Checkpoints (checkpoint/coordinator.cpp).
  pause = 10,          // stop running work; a new round of counting: down the tree
  pauseReply = 11,     // subtree is still and these are its message counts: up
  snapshot = 12,       // nothing is in flight: describe your state, down the tree
  snapshotData = 13,   // pieces of a rank's state, asked for by snapshotPull, to rank 0
  resume = 14,         // the checkpoint is taken: go on, down the tree
  restore = 15,        // a resumed run: pieces of a rank's share of the checkpoint, from rank 0
  restored = 16,       // those pieces arrived (after the last: the share is in place), to rank 0
  snapshotTaken = 17,  // a rank's state is encoded (rank 0 pulls the bytes), to rank 0
  // What a run records of itself (observe/observer.hpp).
  clockPing = 18,     // this rank's clock, to rank 0
  clockPong = 19,     // the ping's time and rank 0's, back
  summary = 20,       // a rank's counters while the run goes on, to rank 0
  record = 21,        // a rank's whole record at its end (or its failure), to rank 0
  recordTaken = 22,   // rank 0 has written a failed rank's record: it may end the run
  // A run that ends in order after a failure (abandon/abandon.hpp).
  abandon = 23,  // the run failed: what this rank sent you before this, and its error, to every rank
  // Whether the neighbours in the tree are still there (liveness/liveness.hpp).
  ping = 24,  // are you there? down the tree
  pong = 25,  // yes: up
  snapshotPull = 26,  // the next pieces of your encoded state, please: rank 0 to a rank (checkpoints)
  stolenPart = 27,    // items given in answer to a steal request, not the last piece of it
};

}  // namespace jobstream::detail
