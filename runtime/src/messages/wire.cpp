#include "messages/wire.hpp"

#include <string>

namespace jobstream::detail {

const ItemType& inputTypeOf(const PipelineDef& pipeline, StageIndex stage) {
  if (stage >= pipeline.stages.size() || pipeline.stages[stage].input == nullptr)
    throw std::runtime_error("no stage " + std::to_string(stage) + " that takes items");
  return *pipeline.stages[stage].input;
}

const ItemType& storeTypeOf(const PipelineDef& pipeline, StageIndex reduce) {
  if (reduce >= pipeline.stages.size() || pipeline.stages[reduce].kind != StageKind::reduce ||
      pipeline.stages[reduce].store == nullptr)
    throw std::runtime_error("no reduce " + std::to_string(reduce));
  return *pipeline.stages[reduce].store;
}

void checkHeader(LoadArchive& ar) {
  std::uint8_t magic = 0;
  std::uint8_t version = 0;
  if (ar.remaining() >= 2) ar(magic, version);
  if (magic != kWireMagic)
    throw std::runtime_error("received a message that is not jobstream's");
  if (version != kWireVersion)
    throw std::runtime_error("received a message from another jobstream version");
}

std::runtime_error corruptMessage(std::string_view name, const std::exception& why) {
  return std::runtime_error("received a corrupt " + std::string(name) + " message: " + why.what());
}

}  // namespace jobstream::detail
