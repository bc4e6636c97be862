// The transport as the communication thread uses it while --stats, --trace,
// --report or --progress is asked for: the same calls, timed and counted for
// the stats line's "mpi" share and its message counts. Without them the rank
// talks to the transport directly and pays nothing.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "messages/message_kind.hpp"
#include "transport/transport.hpp"

namespace jobstream::detail {

class MeasuredTransport final : public Transport {
 public:
  explicit MeasuredTransport(Transport& inner) : inner_(inner) {}

  int rank() const override { return inner_.rank(); }
  int size() const override { return inner_.size(); }
  int ranksOnThisHost() const override { return inner_.ranksOnThisHost(); }
  std::string hostOf(int rank) const override { return inner_.hostOf(rank); }

  void send(int dest, int tag, std::vector<char> bytes) override {
    const Timer timer(ns);
    inner_.send(dest, tag, std::move(bytes));
  }
  std::optional<Message> poll() override {
    std::optional<Message> message;
    {
      const Timer timer(ns);
      message = inner_.poll();
    }
    if (message) {
      ++received;
      const auto kind = static_cast<MessageKind>(message->tag);
      if (kind == MessageKind::work || kind == MessageKind::stolen || kind == MessageKind::stolenPart) ++receivedWork;
    }
    return message;
  }
  bool flushed() override {
    const Timer timer(ns);
    return inner_.flushed();
  }
  std::vector<char> spareBuffer(std::size_t capacity) override { return inner_.spareBuffer(capacity); }
  void recycle(std::vector<char> bytes) override { inner_.recycle(std::move(bytes)); }
  std::int64_t sumOverRanks(std::int64_t value) override { return inner_.sumOverRanks(value); }
  void abort(int exitCode) override { inner_.abort(exitCode); }
  bool aborted() override { return inner_.aborted(); }

  // The communication thread's only: it alone calls the transport.
  std::uint64_t ns = 0;
  std::uint64_t received = 0;
  std::uint64_t receivedWork = 0;  // messages that carried items

 private:
  class Timer {
   public:
    explicit Timer(std::uint64_t& into) : into_(into), start_(std::chrono::steady_clock::now()) {}
    ~Timer() {
      into_ += static_cast<std::uint64_t>(
          std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start_).count());
    }
    Timer(const Timer&) = delete;
    Timer& operator=(const Timer&) = delete;

   private:
    std::uint64_t& into_;
    std::chrono::steady_clock::time_point start_;
  };

  Transport& inner_;
};

}  // namespace jobstream::detail
