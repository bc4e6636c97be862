#include "wire.hpp"

#include <stdexcept>

namespace jobstream::detail {

namespace {

void putHeader(ByteWriter& out) {
  out.put(kWireMagic);
  out.put(kWireVersion);
}

ByteReader readHeader(const std::vector<char>& bytes) {
  ByteReader in(bytes.data(), bytes.size());
  if (in.remaining() < 2 || in.get<std::uint8_t>() != kWireMagic)
    throw std::runtime_error("jobstream: received a message that is not jobstream's");
  if (in.get<std::uint8_t>() != kWireVersion)
    throw std::runtime_error("jobstream: received a message from another jobstream version");
  return in;
}

void expectEnd(const ByteReader& in) {
  if (in.remaining() != 0) throw std::runtime_error("jobstream: corrupt message (trailing bytes)");
}

}  // namespace

std::vector<char> encodeTasks(const PipelineDef& pipeline, const std::vector<Task>& tasks,
                              std::size_t sizeHint) {
  std::vector<char> bytes;
  bytes.reserve(sizeHint);
  ByteWriter out(bytes);
  putHeader(out);
  out.put(static_cast<std::uint32_t>(tasks.size()));
  for (const Task& task : tasks) {
    out.put(static_cast<std::uint32_t>(task.stage));
    out.put(task.scope);
    out.put(task.gen);
    pipeline.stages[task.stage].input->save(*task.batch, task.begin, task.end, out);
  }
  return bytes;
}

std::vector<Task> decodeTasks(const PipelineDef& pipeline, const std::vector<char>& bytes) {
  ByteReader in = readHeader(bytes);
  const auto count = in.get<std::uint32_t>();
  std::vector<Task> tasks;
  tasks.reserve(count);
  for (std::uint32_t i = 0; i != count; ++i) {
    Task task;
    task.stage = in.get<std::uint32_t>();
    task.scope = in.get<std::uint64_t>();
    task.gen = in.get<std::uint32_t>();
    if (task.stage >= pipeline.stages.size() || pipeline.stages[task.stage].input == nullptr)
      throw std::runtime_error("jobstream: corrupt message (no such stage)");
    const ItemType& type = *pipeline.stages[task.stage].input;
    std::unique_ptr<BatchBase> batch = type.make();
    type.load(in, *batch);
    task.end = batch->size();
    task.batch = std::move(batch);
    tasks.push_back(std::move(task));
  }
  expectEnd(in);
  return tasks;
}

std::vector<char> encodeWave(const WaveCounts& counts, bool withCounts) {
  std::vector<char> bytes;
  ByteWriter out(bytes);
  putHeader(out);
  out.put(counts.wave);
  if (withCounts) {
    out.put(counts.created);
    out.put(counts.finished);
  }
  return bytes;
}

WaveCounts decodeWave(const std::vector<char>& bytes, bool withCounts) {
  ByteReader in = readHeader(bytes);
  WaveCounts counts;
  counts.wave = in.get<std::uint64_t>();
  if (withCounts) {
    counts.created = in.get<std::uint64_t>();
    counts.finished = in.get<std::uint64_t>();
  }
  expectEnd(in);
  return counts;
}

std::vector<char> encodeSignal() {
  std::vector<char> bytes;
  ByteWriter out(bytes);
  putHeader(out);
  return bytes;
}

void decodeSignal(const std::vector<char>& bytes) { expectEnd(readHeader(bytes)); }

}  // namespace jobstream::detail
