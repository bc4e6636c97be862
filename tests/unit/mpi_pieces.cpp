// The MPI transport's pieces, under mpirun -np 2 (see CMakeLists.txt): with
// 1000-byte pieces, messages of sizes around and far above that, under two
// tags sent interleaved both ways, must arrive whole, each tag's in the
// order they were sent. (Real pieces are 1 GiB: MPI counts bytes in an int.)
#include <chrono>
#include <cstdio>
#include <vector>

#include "transport/mpi_transport.hpp"

namespace {

std::vector<char> pattern(int sender, std::size_t index, std::size_t size) {
  std::vector<char> bytes(size);
  for (std::size_t i = 0; i != size; ++i) bytes[i] = static_cast<char>(sender * 31 + index * 7 + i * 13);
  return bytes;
}

}  // namespace

int main() {
  using namespace jobstream::detail;
  const std::vector<std::size_t> sizes = {0, 1, 999, 1000, 1001, 2000, 2001, 123457, 5, 3000};
  auto transport = makeMpiTransport(1000);
  const int rank = transport->rank();
  if (transport->size() != 2) {
    std::fprintf(stderr, "run me with mpirun -np 2\n");
    return 2;
  }
  const int peer = 1 - rank;
  for (std::size_t i = 0; i != sizes.size(); ++i) transport->send(peer, 1 + static_cast<int>(i % 2), pattern(rank, i, sizes[i]));

  // Per tag, the indices of the messages the peer sent under it, in order.
  std::vector<std::size_t> next[3] = {{}, {}, {}};
  for (std::size_t i = sizes.size(); i-- != 0;) next[1 + i % 2].insert(next[1 + i % 2].begin(), i);
  std::size_t received = 0;
  int failures = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (received != sizes.size() || !transport->flushed()) {
    if (std::chrono::steady_clock::now() > deadline) {
      std::fprintf(stderr, "rank %d: timed out with %zu of %zu messages\n", rank, received, sizes.size());
      return 1;
    }
    std::optional<Message> message = transport->poll();
    if (!message) continue;
    if (message->tag < 1 || message->tag > 2 || next[message->tag].empty()) {
      std::fprintf(stderr, "rank %d: unexpected message with tag %d\n", rank, message->tag);
      return 1;
    }
    const std::size_t index = next[message->tag].front();
    next[message->tag].erase(next[message->tag].begin());
    if (message->source != peer || message->bytes != pattern(peer, index, sizes[index])) {
      std::fprintf(stderr, "rank %d: message %zu (%zu bytes) arrived as %zu other bytes\n", rank, index,
                   sizes[index], message->bytes.size());
      ++failures;
    }
    ++received;
  }
  transport->sumOverRanks(0);  // neither leaves before both have everything
  if (failures != 0) return 1;
  std::printf("rank %d: ok: %zu messages in pieces of 1000 bytes\n", rank, received);
  return 0;
}
