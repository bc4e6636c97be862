// Checkpoints that scale (issue 15): rank 0's memory while it writes a
// checkpoint of every rank's state, and while it hands a checkpoint's shares
// out to resume one, against the state it holds itself.
//
// Each rank builds SCALE_MIB MiB (default 500) of reduction store of its
// own: `grow` makes 4 MiB blobs on whichever rank runs it until that rank
// (process) has made its quota, then empty ones; `keep` folds them into the
// rank's partial store. Seeds sleep 5 ms each, so the run goes on for
// seconds after the stores are full. A rank prints "SCALE built" once its
// quota is made, and with SCALE_BUILD=0 (a resumed run) "SCALE running" at
// its first seed; bench/checkpoint_scale.py then stops the ranks with
// SIGTERM, which writes a last checkpoint, and each rank prints its peak
// resident memory ("RESULT") when jobstream::run has returned.
#include <jobstream/jobstream.hpp>
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <thread>
#include <vector>

namespace {

constexpr std::size_t kBlobBytes = std::size_t{4} << 20;
std::atomic<std::size_t> g_blobsLeft{0};
std::atomic<bool> g_said{false};
bool g_build = true;

int rankNumber() {
  const char* text = std::getenv("OMPI_COMM_WORLD_RANK");
  return text ? std::atoi(text) : 0;
}

}  // namespace

namespace scale {

struct Blob {
  std::vector<std::uint8_t> bytes;
};

struct Heap {
  std::vector<std::vector<std::uint8_t>> parts;
};

[[jobstream::init]]
jobstream::Multiple<std::int64_t> seeds() {
  jobstream::Multiple<std::int64_t> out;
  for (std::int64_t i = 0; i != 4000; ++i) out.push_back(i);
  return out;
}

[[jobstream::job]]
Blob grow(const std::int64_t& seed) {
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  Blob blob;
  if (!g_build) {
    if (!g_said.exchange(true)) std::fprintf(stderr, "SCALE running rank=%d pid=%d\n", rankNumber(), ::getpid());
    return blob;
  }
  std::size_t left = g_blobsLeft.load();
  while (left != 0 && !g_blobsLeft.compare_exchange_weak(left, left - 1)) {
  }
  if (left == 0) return blob;
  blob.bytes.resize(kBlobBytes);
  for (std::size_t i = 0; i != blob.bytes.size(); i += 64) blob.bytes[i] = static_cast<std::uint8_t>(seed + i);
  if (left == 1) std::fprintf(stderr, "SCALE built rank=%d pid=%d\n", rankNumber(), ::getpid());
  return blob;
}

[[jobstream::reduce]]
void keep(Heap& heap, std::span<const Blob> in, std::span<const Heap> others) {
  for (const Blob& blob : in)
    if (!blob.bytes.empty()) heap.parts.push_back(blob.bytes);
  for (const Heap& other : others) heap.parts.insert(heap.parts.end(), other.parts.begin(), other.parts.end());
}

[[jobstream::job]]
std::int64_t mebibytes(const Heap& heap) {
  std::size_t bytes = 0;
  for (const auto& part : heap.parts) bytes += part.size();
  return static_cast<std::int64_t>(bytes >> 20);
}

}  // namespace scale

int main(int argc, char** argv) {
  const char* mib = std::getenv("SCALE_MIB");
  g_blobsLeft = (mib ? std::strtoull(mib, nullptr, 10) : 500) * (std::size_t{1} << 20) / kBlobBytes;
  const char* build = std::getenv("SCALE_BUILD");
  g_build = !(build && build[0] == '0');
  const int code = jobstream::run(argc, argv);
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  std::printf("RESULT rank=%d peak_rss_kib=%ld exit=%d\n", rankNumber(), usage.ru_maxrss, code);
  return code;
}
