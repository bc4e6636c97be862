#include "mpi_transport.hpp"

#include <mpi.h>

#include <climits>
#include <cstdlib>
#include <list>
#include <stdexcept>
#include <string>

namespace jobstream::detail {

bool startedByMpiLauncher() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK"})
    if (std::getenv(name) != nullptr) return true;
  return false;
}

namespace {

void check(int code, const char* what) {
  if (code != MPI_SUCCESS) throw std::runtime_error(std::string("jobstream: MPI call failed: ") + what);
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
    throw std::runtime_error("jobstream: this MPI library does not provide MPI_THREAD_FUNNELED");
  }
  std::atexit(finaliseMpi);
}

class MpiTransport final : public Transport {
 public:
  MpiTransport() {
    initialiseMpi();
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
    MPI_Comm host;
    check(MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &host),
          "MPI_Comm_split_type");
    MPI_Comm_size(host, &ranksOnHost_);
    MPI_Comm_free(&host);
  }

  ~MpiTransport() override {
    // Every send completes: the protocol ends only once each message has a
    // receiver (see rank.cpp), so waiting here cannot hang.
    for (Outgoing& out : outgoing_) MPI_Wait(&out.request, MPI_STATUS_IGNORE);
  }

  int rank() const override { return rank_; }
  int size() const override { return size_; }
  int ranksOnThisHost() const override { return ranksOnHost_; }

  void send(int dest, int tag, std::vector<char> bytes) override {
    if (bytes.size() > static_cast<std::size_t>(INT_MAX))
      throw std::length_error("jobstream: message larger than 2 GiB");
    // std::list: the buffer and request must not move while MPI holds them.
    Outgoing& out = outgoing_.emplace_back();
    out.bytes = std::move(bytes);
    check(MPI_Isend(out.bytes.data(), static_cast<int>(out.bytes.size()), MPI_BYTE, dest, tag,
                    MPI_COMM_WORLD, &out.request),
          "MPI_Isend");
  }

  std::optional<Message> poll() override {
    testSends();
    int arrived = 0;
    MPI_Status status;
    check(MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &arrived, &status), "MPI_Iprobe");
    if (!arrived) return std::nullopt;
    int count = 0;
    MPI_Get_count(&status, MPI_BYTE, &count);
    Message message;
    message.source = status.MPI_SOURCE;
    message.tag = status.MPI_TAG;
    message.bytes.resize(static_cast<std::size_t>(count));
    check(MPI_Recv(message.bytes.data(), count, MPI_BYTE, status.MPI_SOURCE, status.MPI_TAG,
                   MPI_COMM_WORLD, MPI_STATUS_IGNORE),
          "MPI_Recv");
    return message;
  }

  bool flushed() override {
    testSends();
    return outgoing_.empty();
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
    std::vector<char> bytes;
    MPI_Request request = MPI_REQUEST_NULL;
  };

  // Completes finished sends and frees their buffers.
  void testSends() {
    for (auto it = outgoing_.begin(); it != outgoing_.end();) {
      int done = 0;
      check(MPI_Test(&it->request, &done, MPI_STATUS_IGNORE), "MPI_Test");
      it = done ? outgoing_.erase(it) : std::next(it);
    }
  }

  int rank_ = 0;
  int size_ = 1;
  int ranksOnHost_ = 1;
  std::list<Outgoing> outgoing_;
};

}  // namespace

std::unique_ptr<Transport> makeMpiTransport() { return std::make_unique<MpiTransport>(); }

}  // namespace jobstream::detail
