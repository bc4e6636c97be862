// Ending a failed run in order on every rank, so that the process goes on
// (jobstream::map; jobstream::run still ends the process, rank.cpp).
//
// When a rank fails (a stage threw), or learns that another rank did, it
// stops its work and sends every other rank one `abandon` notice carrying how
// many messages it sent that rank before the notice, and its own error if it
// failed itself. After its notice it sends that rank nothing more. It then
// receives and drops every message until, from every other rank, the notice
// has arrived and with it as many messages as the notice announced. Then no
// message of the run is on its way to this rank, and since every rank keeps
// receiving until the same holds for it, every message this rank sent is
// received: its own sends complete (an MPI send of a large message completes
// only once received), and it may leave. The next run starts with a
// collective (Rank::run sums the threads over ranks), which no rank enters
// before its drain is over, so no message of the next run can reach a rank
// that is still draining this one.
//
// The counts come from CountingTransport, which the rank's transport is
// wrapped in for the whole run: every message counts, of any protocol.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "transport/transport.hpp"

namespace jobstream::detail {

// A transport that counts the messages sent to and received from each rank.
class CountingTransport final : public Transport {
 public:
  explicit CountingTransport(Transport& inner);

  int rank() const override { return inner_.rank(); }
  int size() const override { return inner_.size(); }
  int ranksOnThisHost() const override { return inner_.ranksOnThisHost(); }
  std::string hostOf(int rank) const override { return inner_.hostOf(rank); }
  void send(int dest, int tag, std::vector<char> bytes) override;
  std::optional<Message> poll() override;
  bool flushed() override { return inner_.flushed(); }
  std::vector<char> spareBuffer(std::size_t capacity) override { return inner_.spareBuffer(capacity); }
  void recycle(std::vector<char> bytes) override { inner_.recycle(std::move(bytes)); }
  std::int64_t sumOverRanks(std::int64_t value) override { return inner_.sumOverRanks(value); }
  void abort(int exitCode) override { inner_.abort(exitCode); }
  bool aborted() override { return inner_.aborted(); }

  std::uint64_t sentTo(int rank) const { return sent_[static_cast<std::size_t>(rank)]; }
  std::uint64_t receivedFrom(int rank) const { return received_[static_cast<std::size_t>(rank)]; }

 private:
  Transport& inner_;
  std::vector<std::uint64_t> sent_;
  std::vector<std::uint64_t> received_;
};

// What one rank tells each other rank when it abandons the run.
struct AbandonNotice {
  static constexpr std::string_view kName = "abandon notice";
  std::uint64_t sentBefore = 0;  // messages the sender sent the receiver before this one
  std::string error;             // the sender's own failure; empty if it learnt of another's
};

class Abandon {
 public:
  explicit Abandon(CountingTransport& transport);

  // Tells every other rank that this rank abandons the run, once; `error` is
  // this rank's own failure, empty when it learnt of another rank's.
  void begin(std::string error);
  bool begun() const { return begun_; }

  // A notice from another rank (the transport has counted it already).
  void onNotice(const Message& message);
  // Some rank abandoned the run: a notice arrived or this rank began.
  bool heard() const { return begun_ || noticesHeard_ != 0; }

  // Every other rank's notice has arrived, and every message it announced.
  bool complete() const;

  // After begin: receives and drops every message until complete, then
  // waits until this rank's own messages have left. `idle` is called when
  // nothing arrived (to sleep a little).
  void drain(const std::function<void()>& idle);

  // The failure to report: this rank's own, else the lowest failed rank's.
  std::string error() const;

 private:
  CountingTransport& transport_;
  bool begun_ = false;
  std::string ownError_;
  std::vector<std::optional<AbandonNotice>> notices_;  // per rank
  int noticesHeard_ = 0;
};

}  // namespace jobstream::detail
