// How ranks talk: a small message-passing interface with an MPI backend and
// an in-process loopback backend, so that most of the runtime is tested as N
// ranks in threads of one process.
//
// Every call is made by one thread per rank: the communication thread (the
// thread that called run). Worker threads never touch a transport.
//
// Delivery guarantee the runtime relies on: every message sent is received
// exactly once, intact. Nothing about order: the protocol (see rank.cpp) is
// correct under any reordering, even between one pair of ranks, and the
// loopback's chaos mode reorders everything to prove it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace jobstream::detail {

struct Message {
  int source = 0;
  int tag = 0;
  std::vector<char> bytes;
};

class Transport {
 public:
  virtual ~Transport() = default;

  virtual int rank() const = 0;
  virtual int size() const = 0;
  // Ranks of this run that share this rank's host (to divide its CPUs).
  virtual int ranksOnThisHost() const = 0;
  // The name of the host `rank` runs on, for messages about it.
  virtual std::string hostOf(int rank) const = 0;

  // Non-blocking; the transport owns `bytes` until they have been sent.
  virtual void send(int dest, int tag, std::vector<char> bytes) = 0;
  // Non-blocking; the next message that has arrived, if any.
  virtual std::optional<Message> poll() = 0;
  // True when every message sent so far has left this rank's buffers.
  virtual bool flushed() = 0;

  // Buffers for large messages, used again instead of fresh memory (whose
  // pages cost a fault each on first touch): an empty vector, with at least
  // `capacity` bytes reserved when a buffer of a sent or received message
  // that large is at hand (else with what it has), and the way to hand a
  // received message's bytes back once they are read. A transport without
  // a stock of its own gives empty vectors and drops what it is handed.
  virtual std::vector<char> spareBuffer(std::size_t capacity) {
    (void)capacity;
    return {};
  }
  virtual void recycle(std::vector<char> bytes) { (void)bytes; }

  // Blocking collective over all ranks: the sum of everyone's `value`.
  // Only used before work starts.
  virtual std::int64_t sumOverRanks(std::int64_t value) = 0;

  // Ends the run on every rank after an error. MPI never returns from it;
  // the loopback marks the run aborted so that every rank's loop sees
  // `aborted()` and returns.
  virtual void abort(int exitCode) = 0;
  virtual bool aborted() = 0;
};

// This process's host name, as gethostname() gives it ("" if it cannot).
std::string thisHostName();

}  // namespace jobstream::detail
