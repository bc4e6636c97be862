#include "transport/mpi_transport.hpp"

#include <mpi.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <cstdlib>
#include <list>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace jobstream::detail {

bool startedByMpiLauncher() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK"})
    if (std::getenv(name) != nullptr) return true;
  return false;
}

namespace {

void check(int code, const char* what) {
  if (code != MPI_SUCCESS) throw std::runtime_error(std::string("MPI call failed: ") + what);
}

// MPI lives as long as the process: initialised by the first run and
// finalised at exit. So run() returns as soon as the pipeline is over (the
// program's own code after it does not wait for MPI_Finalize, which takes
// tens of milliseconds), and a program may run more than once.
void finaliseMpi() {
  int finalised = 0;
  MPI_Finalized(&finalised);
  if (!finalised) MPI_Finalize();
}

void initialiseMpi() {
  int initialised = 0;
  MPI_Initialized(&initialised);
  if (initialised) return;
  int provided = 0;
  check(MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
  if (provided < MPI_THREAD_FUNNELED) {
    MPI_Finalize();
    throw std::runtime_error("this MPI library does not provide MPI_THREAD_FUNNELED");
  }
  std::atexit(finaliseMpi);
}

// A message larger than `pieceBytes` (MPI counts bytes in an int) travels
// as several MPI messages: the pieces before the last under tag
// kPieceTags + tag, the last under the tag itself. MPI keeps the messages of
// one sender to one receiver in order, so the receiver appends pieces per
// (source, tag) until the last one completes the message.
constexpr int kPieceTags = 1 << 12;  // MPI guarantees tags up to 32767

class MpiTransport final : public Transport {
 public:
  explicit MpiTransport(std::size_t pieceBytes) : pieceBytes_(pieceBytes) {
    if (pieceBytes_ == 0 || pieceBytes_ > static_cast<std::size_t>(INT_MAX))
      throw std::invalid_argument("MPI message pieces must hold 1 byte to 2 GiB");
    initialiseMpi();
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
    MPI_Comm host;
    check(MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &host),
          "MPI_Comm_split_type");
    MPI_Comm_size(host, &ranksOnHost_);
    MPI_Comm_free(&host);
    // Every rank's host name, once, for messages that name a rank's host.
    char name[MPI_MAX_PROCESSOR_NAME] = {};
    int length = 0;
    check(MPI_Get_processor_name(name, &length), "MPI_Get_processor_name");
    std::vector<char> names(static_cast<std::size_t>(size_) * MPI_MAX_PROCESSOR_NAME);
    check(MPI_Allgather(name, MPI_MAX_PROCESSOR_NAME, MPI_CHAR, names.data(), MPI_MAX_PROCESSOR_NAME, MPI_CHAR,
                        MPI_COMM_WORLD),
          "MPI_Allgather");
    for (int r = 0; r != size_; ++r) {
      const char* at = names.data() + static_cast<std::size_t>(r) * MPI_MAX_PROCESSOR_NAME;
      hosts_.emplace_back(at, strnlen(at, MPI_MAX_PROCESSOR_NAME));
    }
  }

  ~MpiTransport() override {
    // Every send completes: the protocol ends only once each message has a
    // receiver (see rank.cpp), so waiting here cannot hang.
    for (Outgoing& out : outgoing_) MPI_Wait(&out.request, MPI_STATUS_IGNORE);
  }

  int rank() const override { return rank_; }
  int size() const override { return size_; }
  int ranksOnThisHost() const override { return ranksOnHost_; }
  std::string hostOf(int rank) const override {
    return rank >= 0 && static_cast<std::size_t>(rank) < hosts_.size() ? hosts_[static_cast<std::size_t>(rank)]
                                                                        : std::string();
  }

  void send(int dest, int tag, std::vector<char> bytes) override {
    if (tag <= 0 || tag >= kPieceTags) throw std::logic_error("a message tag out of range");
    // Every piece points into one buffer, kept or freed when the last is sent.
    auto buffer = std::make_shared<std::vector<char>>(std::move(bytes));
    std::size_t offset = 0;
    while (buffer->size() - offset > pieceBytes_) {
      start(buffer, offset, pieceBytes_, dest, kPieceTags + tag);
      offset += pieceBytes_;
    }
    start(buffer, offset, buffer->size() - offset, dest, tag);
  }

  std::optional<Message> poll() override {
    testSends();
    for (;;) {
      int arrived = 0;
      MPI_Status status;
      check(MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &arrived, &status), "MPI_Iprobe");
      if (!arrived) return std::nullopt;
      int count = 0;
      MPI_Get_count(&status, MPI_BYTE, &count);
      const bool piece = status.MPI_TAG >= kPieceTags;
      const int tag = piece ? status.MPI_TAG - kPieceTags : status.MPI_TAG;
      // The pieces so far of this source's message with this tag, if any.
      const auto partial = partial_.find({status.MPI_SOURCE, tag});
      std::vector<char> bytes =
          partial == partial_.end() ? spareBuffer(static_cast<std::size_t>(count)) : std::move(partial->second);
      if (partial != partial_.end()) partial_.erase(partial);
      const std::size_t at = bytes.size();
      bytes.resize(at + static_cast<std::size_t>(count));
      check(MPI_Recv(bytes.data() + at, count, MPI_BYTE, status.MPI_SOURCE, status.MPI_TAG, MPI_COMM_WORLD,
                     MPI_STATUS_IGNORE),
            "MPI_Recv");
      if (piece) {
        partial_[{status.MPI_SOURCE, tag}] = std::move(bytes);
        continue;
      }
      Message message;
      message.source = status.MPI_SOURCE;
      message.tag = tag;
      message.bytes = std::move(bytes);
      return message;
    }
  }

  bool flushed() override {
    testSends();
    return outgoing_.empty();
  }

  std::vector<char> spareBuffer(std::size_t capacity) override {
    if (capacity < kSpareMin) return {};
    // The smallest kept buffer that is large enough.
    auto best = spare_.end();
    for (auto it = spare_.begin(); it != spare_.end(); ++it)
      if (it->capacity() >= capacity && (best == spare_.end() || it->capacity() < best->capacity())) best = it;
    if (best == spare_.end()) return {};
    std::vector<char> bytes = std::move(*best);
    spare_.erase(best);
    spareBytes_ -= bytes.capacity();
    return bytes;
  }

  void recycle(std::vector<char> bytes) override {
    if (bytes.capacity() < kSpareMin) return;
    // Past the bound, the smallest kept buffers make room (or this one goes).
    while (spareBytes_ + bytes.capacity() > kSpareMaxBytes && !spare_.empty()) {
      auto smallest = std::min_element(spare_.begin(), spare_.end(),
                                       [](const auto& a, const auto& b) { return a.capacity() < b.capacity(); });
      if (smallest->capacity() >= bytes.capacity()) return;
      spareBytes_ -= smallest->capacity();
      spare_.erase(smallest);
    }
    if (spareBytes_ + bytes.capacity() > kSpareMaxBytes) return;
    bytes.clear();
    spareBytes_ += bytes.capacity();
    spare_.push_back(std::move(bytes));
  }

  std::int64_t sumOverRanks(std::int64_t value) override {
    long long sum = 0;
    long long mine = value;
    check(MPI_Allreduce(&mine, &sum, 1, MPI_LONG_LONG, MPI_SUM, MPI_COMM_WORLD), "MPI_Allreduce");
    return sum;
  }

  void abort(int exitCode) override { MPI_Abort(MPI_COMM_WORLD, exitCode); }
  bool aborted() override { return false; }  // MPI_Abort ends every process

 private:
  struct Outgoing {
    std::shared_ptr<std::vector<char>> buffer;
    MPI_Request request = MPI_REQUEST_NULL;
  };

  // Buffers smaller than this are cheap to make; all kept ones together
  // stay under the bound.
  static constexpr std::size_t kSpareMin = std::size_t{64} << 10;
  static constexpr std::size_t kSpareMaxBytes = std::size_t{64} << 20;

  void start(const std::shared_ptr<std::vector<char>>& buffer, std::size_t offset, std::size_t size, int dest,
             int tag) {
    // std::list: the request must not move while MPI holds it.
    Outgoing& out = outgoing_.emplace_back();
    out.buffer = buffer;
    check(MPI_Isend(buffer->data() + offset, static_cast<int>(size), MPI_BYTE, dest, tag, MPI_COMM_WORLD,
                    &out.request),
          "MPI_Isend");
  }

  // Completes finished sends; a buffer whose last piece has left is kept
  // for the next large message (recycle) or freed.
  void testSends() {
    for (auto it = outgoing_.begin(); it != outgoing_.end();) {
      int done = 0;
      check(MPI_Test(&it->request, &done, MPI_STATUS_IGNORE), "MPI_Test");
      if (!done) {
        ++it;
        continue;
      }
      if (it->buffer.use_count() == 1) recycle(std::move(*it->buffer));
      it = outgoing_.erase(it);
    }
  }

  int rank_ = 0;
  int size_ = 1;
  int ranksOnHost_ = 1;
  std::vector<std::string> hosts_;
  const std::size_t pieceBytes_;
  std::list<Outgoing> outgoing_;
  std::map<std::pair<int, int>, std::vector<char>> partial_;  // (source, tag) -> pieces so far
  std::vector<std::vector<char>> spare_;                      // kept buffers, empty, capacity kept
  std::size_t spareBytes_ = 0;
};

}  // namespace

std::unique_ptr<Transport> makeMpiTransport(std::size_t pieceBytes) {
  return std::make_unique<MpiTransport>(pieceBytes);
}

}  // namespace jobstream::detail
