#include "wire.hpp"

#include <stdexcept>
#include <utility>

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

namespace {

// A count read from a message, checked against what is left of it so that a
// corrupt count cannot make a huge allocation.
std::uint32_t getCount(ByteReader& in, std::size_t minBytesEach) {
  const auto count = in.get<std::uint32_t>();
  if (static_cast<std::size_t>(count) * minBytesEach > in.remaining())
    throw std::runtime_error("jobstream: corrupt message (bad count)");
  return count;
}

const ItemType& storeTypeOf(const PipelineDef& pipeline, StageIndex reduce) {
  if (reduce >= pipeline.stages.size() || pipeline.stages[reduce].kind != StageKind::reduce ||
      pipeline.stages[reduce].store == nullptr)
    throw std::runtime_error("jobstream: corrupt message (no such reduce)");
  return *pipeline.stages[reduce].store;
}

}  // namespace

std::vector<char> encodeWaveRequest(const WaveRequest& request) {
  std::vector<char> bytes;
  ByteWriter out(bytes);
  putHeader(out);
  out.put(request.wave);
  const Actions& actions = request.actions;
  out.put(static_cast<std::uint32_t>(actions.fires.size()));
  for (const FireOrder& fire : actions.fires) {
    putScopeKey(out, fire.key);
    out.put(static_cast<std::uint32_t>(fire.reduce));
  }
  out.put(static_cast<std::uint32_t>(actions.recalls.size()));
  for (const std::uint64_t scope : actions.recalls) out.put(scope);
  out.put(static_cast<std::uint32_t>(actions.retires.size()));
  for (const Retire& retire : actions.retires) {
    out.put(retire.scope);
    out.put(retire.gen);
    out.put(retire.upTo);
  }
  return bytes;
}

WaveRequest decodeWaveRequest(const PipelineDef& pipeline, const std::vector<char>& bytes) {
  ByteReader in = readHeader(bytes);
  WaveRequest request;
  request.wave = in.get<std::uint64_t>();
  Actions& actions = request.actions;
  for (std::uint32_t n = getCount(in, 20); n != 0; --n) {
    FireOrder fire;
    fire.key = getScopeKey(in);
    fire.reduce = in.get<std::uint32_t>();
    storeTypeOf(pipeline, fire.reduce);
    actions.fires.push_back(fire);
  }
  for (std::uint32_t n = getCount(in, 8); n != 0; --n) actions.recalls.push_back(in.get<std::uint64_t>());
  for (std::uint32_t n = getCount(in, 16); n != 0; --n) {
    Retire retire;
    retire.scope = in.get<std::uint64_t>();
    retire.gen = in.get<std::uint32_t>();
    retire.upTo = in.get<std::uint32_t>();
    actions.retires.push_back(retire);
  }
  expectEnd(in);
  return request;
}

std::vector<char> encodeWaveReply(const PipelineDef& pipeline, const std::vector<FireOrder>& fires,
                                  const WaveReply& reply) {
  if (reply.fires.size() != fires.size()) throw std::logic_error("jobstream: a wave reply without its fires");
  std::vector<char> bytes;
  ByteWriter out(bytes);
  putHeader(out);
  out.put(reply.wave);
  out.put(static_cast<std::uint32_t>(reply.counts.size()));
  for (const auto& [key, counts] : reply.counts) {
    putScopeKey(out, key);
    out.put(counts.created);
    out.put(counts.finished);
  }
  for (std::size_t i = 0; i != fires.size(); ++i) {
    const FireResult& result = reply.fires[i];
    out.put(static_cast<std::uint8_t>(result.recurred ? 1 : 0));
    const ItemType& type = storeTypeOf(pipeline, fires[i].reduce);
    if (result.stores) {
      type.save(*result.stores, 0, result.stores->size(), out);
    } else {
      out.put(std::uint64_t{0});
      out.put(std::uint64_t{0});
    }
  }
  out.put(static_cast<std::uint32_t>(reply.recalls.size()));
  for (const auto& [scope, ended] : reply.recalls) {
    out.put(scope);
    out.put(static_cast<std::uint8_t>(ended ? 1 : 0));
  }
  return bytes;
}

WaveReply decodeWaveReply(const PipelineDef& pipeline, const std::vector<FireOrder>& fires,
                          const std::vector<char>& bytes) {
  ByteReader in = readHeader(bytes);
  WaveReply reply;
  reply.wave = in.get<std::uint64_t>();
  for (std::uint32_t n = getCount(in, 32); n != 0; --n) {
    const ScopeKey key = getScopeKey(in);
    Counts& counts = reply.counts[key];
    counts.created = in.get<std::uint64_t>();
    counts.finished = in.get<std::uint64_t>();
  }
  for (const FireOrder& fire : fires) {
    FireResult result;
    result.recurred = in.get<std::uint8_t>() != 0;
    const ItemType& type = storeTypeOf(pipeline, fire.reduce);
    result.stores = type.make();
    type.load(in, *result.stores);
    if (result.stores->size() > 1) throw std::runtime_error("jobstream: corrupt message (several stores)");
    reply.fires.push_back(std::move(result));
  }
  for (std::uint32_t n = getCount(in, 9); n != 0; --n) {
    const auto scope = in.get<std::uint64_t>();
    reply.recalls.emplace_back(scope, in.get<std::uint8_t>() != 0);
  }
  expectEnd(in);
  return reply;
}

std::vector<char> encodePause(std::uint32_t round) {
  std::vector<char> bytes;
  ByteWriter out(bytes);
  putHeader(out);
  out.put(round);
  return bytes;
}

std::uint32_t decodePause(const std::vector<char>& bytes) {
  ByteReader in = readHeader(bytes);
  const auto round = in.get<std::uint32_t>();
  expectEnd(in);
  return round;
}

std::vector<char> encodePauseReply(const PauseReply& reply) {
  std::vector<char> bytes;
  ByteWriter out(bytes);
  putHeader(out);
  out.put(reply.round);
  out.put(reply.sent);
  out.put(reply.received);
  return bytes;
}

PauseReply decodePauseReply(const std::vector<char>& bytes) {
  ByteReader in = readHeader(bytes);
  PauseReply reply;
  reply.round = in.get<std::uint32_t>();
  reply.sent = in.get<std::uint64_t>();
  reply.received = in.get<std::uint64_t>();
  expectEnd(in);
  return reply;
}

std::vector<char> encodeSections(const std::vector<CheckpointSection>& sections) {
  std::size_t size = 16;
  for (const CheckpointSection& section : sections) size += 16 + section.name.size() + section.bytes.size();
  std::vector<char> bytes;
  bytes.reserve(size);
  ByteWriter out(bytes);
  putHeader(out);
  out.put(static_cast<std::uint64_t>(sections.size()));
  for (const CheckpointSection& section : sections) {
    out.put(static_cast<std::uint32_t>(section.name.size()));
    out.write(section.name.data(), section.name.size());
    out.put(section.rank);
    out.put(static_cast<std::uint64_t>(section.bytes.size()));
    out.write(section.bytes.data(), section.bytes.size());
  }
  return bytes;
}

std::vector<CheckpointSection> decodeSections(const std::vector<char>& bytes) {
  ByteReader in = readHeader(bytes);
  const auto count = in.get<std::uint64_t>();
  if (count > in.remaining() / 16) throw std::runtime_error("jobstream: corrupt message (bad count)");
  std::vector<CheckpointSection> sections;
  for (auto n = count; n != 0; --n) {
    CheckpointSection section;
    const auto nameSize = in.get<std::uint32_t>();
    if (nameSize > in.remaining()) throw std::runtime_error("jobstream: corrupt message (section name)");
    section.name.assign(in.current(), nameSize);
    in.skip(nameSize);
    section.rank = in.get<std::uint32_t>();
    const auto size = in.get<std::uint64_t>();
    if (size > in.remaining()) throw std::runtime_error("jobstream: corrupt message (section size)");
    section.bytes.assign(in.current(), in.current() + size);
    in.skip(size);
    sections.push_back(std::move(section));
  }
  expectEnd(in);
  return sections;
}

std::vector<char> encodeSignal() {
  std::vector<char> bytes;
  ByteWriter out(bytes);
  putHeader(out);
  return bytes;
}

void decodeSignal(const std::vector<char>& bytes) { expectEnd(readHeader(bytes)); }

}  // namespace jobstream::detail
