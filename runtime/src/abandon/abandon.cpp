#include "abandon/abandon.hpp"

#include <fmt/format.h>

#include <stdexcept>
#include <thread>

#include "messages/wire.hpp"

namespace jobstream::detail {

template <class Archive>
void describe(Archive& ar, AbandonNotice& notice) {
  ar(notice.sentBefore, notice.error);
}

CountingTransport::CountingTransport(Transport& inner)
    : inner_(inner), sent_(static_cast<std::size_t>(inner.size())), received_(static_cast<std::size_t>(inner.size())) {}

void CountingTransport::send(int dest, int tag, std::vector<char> bytes) {
  inner_.send(dest, tag, std::move(bytes));
  ++sent_[static_cast<std::size_t>(dest)];
}

std::optional<Message> CountingTransport::poll() {
  std::optional<Message> message = inner_.poll();
  if (message) ++received_[static_cast<std::size_t>(message->source)];
  return message;
}

Abandon::Abandon(CountingTransport& transport)
    : transport_(transport), notices_(static_cast<std::size_t>(transport.size())) {}

void Abandon::begin(std::string error) {
  if (begun_) return;
  begun_ = true;
  ownError_ = std::move(error);
  for (int peer = 0; peer != transport_.size(); ++peer) {
    if (peer == transport_.rank()) continue;
    AbandonNotice notice{transport_.sentTo(peer), ownError_};
    transport_.send(peer, static_cast<int>(MessageKind::abandon), encode(notice));
  }
}

void Abandon::onNotice(const Message& message) {
  auto notice = decode<AbandonNotice>(message.bytes);
  std::optional<AbandonNotice>& slot = notices_.at(static_cast<std::size_t>(message.source));
  if (slot || message.source == transport_.rank())
    throw std::runtime_error(fmt::format("a second abandon notice from rank {}", message.source));
  slot = std::move(notice);
  ++noticesHeard_;
}

bool Abandon::complete() const {
  for (int peer = 0; peer != transport_.size(); ++peer) {
    if (peer == transport_.rank()) continue;
    const std::optional<AbandonNotice>& notice = notices_[static_cast<std::size_t>(peer)];
    // The notice itself is one of the messages received from the peer.
    if (!notice || transport_.receivedFrom(peer) != notice->sentBefore + 1) return false;
  }
  return true;
}

void Abandon::drain(const std::function<void()>& idle) {
  if (!begun_) throw std::logic_error("draining a run that was not abandoned");
  while (!complete()) {
    std::optional<Message> message = transport_.poll();
    if (!message) {
      idle();
      continue;
    }
    if (static_cast<MessageKind>(message->tag) == MessageKind::abandon) onNotice(*message);
    // Anything else belongs to the abandoned run: dropped unread.
  }
  while (!transport_.flushed()) std::this_thread::yield();
}

std::string Abandon::error() const {
  if (!ownError_.empty()) return ownError_;
  for (const std::optional<AbandonNotice>& notice : notices_)
    if (notice && !notice->error.empty()) return notice->error;
  return "the run was abandoned";
}

}  // namespace jobstream::detail
