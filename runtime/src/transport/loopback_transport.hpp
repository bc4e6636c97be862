// N ranks as threads of one process: a shared hub of mailboxes. With chaos
// on, every message is held back for a random time and any ready message may
// be received first, between any two ranks and within one pair, so tests see
// the orders a real network could produce and more.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <vector>

#include "transport/transport.hpp"

namespace jobstream::detail {

struct LoopbackChaos {
  bool enabled = false;
  std::uint64_t seed = 0;
  std::chrono::microseconds maxDelay{2000};
};

class LoopbackHub {
 public:
  explicit LoopbackHub(int ranks, LoopbackChaos chaos = {});

  int size() const { return static_cast<int>(mailboxes_.size()); }
  void post(int source, int dest, int tag, std::vector<char> bytes);
  std::optional<Message> take(int dest);
  std::int64_t sumOverRanks(std::int64_t value);
  void abort();
  bool aborted() const { return aborted_.load(); }
  // Messages posted and not yet taken (for tests).
  std::size_t inFlight();

 private:
  using Clock = std::chrono::steady_clock;
  struct Pending {
    Clock::time_point readyAt;
    Message message;
  };
  struct Mailbox {
    std::mutex mutex;
    std::vector<Pending> pending;  // FIFO without chaos
  };

  LoopbackChaos chaos_;
  std::vector<std::unique_ptr<Mailbox>> mailboxes_;
  std::mutex randomMutex_;
  std::mt19937_64 random_;
  std::atomic<bool> aborted_{false};

  // sumOverRanks: a reusable barrier that adds up one value per rank.
  std::mutex sumMutex_;
  std::condition_variable sumDone_;
  std::int64_t sumAccumulating_ = 0;
  std::int64_t sumResult_ = 0;
  int sumArrived_ = 0;
  std::uint64_t sumGeneration_ = 0;
};

class LoopbackTransport final : public Transport {
 public:
  LoopbackTransport(std::shared_ptr<LoopbackHub> hub, int rank) : hub_(std::move(hub)), rank_(rank) {}

  int rank() const override { return rank_; }
  int size() const override { return hub_->size(); }
  int ranksOnThisHost() const override { return hub_->size(); }
  // Every rank is a thread of this process.
  std::string hostOf(int) const override { return thisHostName(); }
  void send(int dest, int tag, std::vector<char> bytes) override {
    hub_->post(rank_, dest, tag, std::move(bytes));
  }
  std::optional<Message> poll() override { return hub_->take(rank_); }
  bool flushed() override { return true; }  // posting hands the bytes over at once
  std::int64_t sumOverRanks(std::int64_t value) override { return hub_->sumOverRanks(value); }
  void abort(int) override { hub_->abort(); }
  bool aborted() override { return hub_->aborted(); }

 private:
  std::shared_ptr<LoopbackHub> hub_;
  int rank_;
};

}  // namespace jobstream::detail
