// W4: the pause a checkpoint costs. An init makes 200 blobs holding
// W4_STATE_BYTES bytes in all (default 1 MiB); a slow job (10 ms each, a
// sleep: the pause is measured, not the work) digests them one at a time
// per rank, so the blobs wait in the ranks' queues and the first checkpoint
// of the run holds nearly all of them. bench/checkpoint_pause.py runs it at
// np 2 and reads the line each checkpoint prints on stderr.
#include <jobstream/jobstream.hpp>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>
#include <thread>
#include <vector>

namespace w4 {

constexpr int kBlobs = 200;

struct Blob {
  std::vector<std::uint8_t> bytes;
};

[[jobstream::init]]
jobstream::Multiple<Blob> blobs() {
  const char* text = std::getenv("W4_STATE_BYTES");
  const std::size_t total = text ? std::strtoull(text, nullptr, 10) : (1u << 20);
  jobstream::Multiple<Blob> out;
  for (int b = 0; b != kBlobs; ++b) {
    Blob blob;
    blob.bytes.resize(total / kBlobs);
    for (std::size_t i = 0; i != blob.bytes.size(); ++i) blob.bytes[i] = static_cast<std::uint8_t>(i * 131 + b);
    out.push_back(std::move(blob));
  }
  return out;
}

[[jobstream::job]]
std::int64_t digest(const Blob& blob) {
  std::this_thread::sleep_for(std::chrono::milliseconds(10));
  std::int64_t sum = 0;
  for (std::uint8_t byte : blob.bytes) sum += byte;
  return sum;
}

[[jobstream::reduce]]
void total(std::int64_t& sum, std::span<const std::int64_t> in, std::span<const std::int64_t> others) {
  for (std::int64_t x : in) sum += x;
  for (std::int64_t x : others) sum += x;
}

}  // namespace w4
