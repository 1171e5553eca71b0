#include "events/catalog.h"

#include <fmt/format.h>

#include <exception>

namespace closient {

void EventCatalog::add(std::string name, int current_schema) {
  types_[std::move(name)].current_schema = current_schema;
}

void EventCatalog::add_upcaster(const std::string& name, int from_schema, Upcaster upcaster) {
  types_[name].upcasters[from_schema] = std::move(upcaster);
}

bool EventCatalog::knows(const std::string& name) const {
  return types_.count(name) != 0;
}

int EventCatalog::current_schema(const std::string& name) const {
  auto it = types_.find(name);
  return it == types_.end() ? 0 : it->second.current_schema;
}

std::vector<std::string> EventCatalog::names() const {
  std::vector<std::string> out;
  for (const auto& [name, type] : types_) out.push_back(name);
  return out;
}

Result<nlohmann::json> EventCatalog::upcast(const std::string& name, int schema,
                                            nlohmann::json data) const {
  auto it = types_.find(name);
  if (it == types_.end()) {
    return Error::make(ErrorCode::internal_error, fmt::format("unknown event type {}", name));
  }
  const EventType& type = it->second;
  if (schema < 1 || schema > type.current_schema) {
    return Error::make(ErrorCode::internal_error,
                       fmt::format("{} schema {} is not known (current is {})", name, schema,
                                   type.current_schema));
  }
  for (int from = schema; from < type.current_schema; ++from) {
    auto step = type.upcasters.find(from);
    if (step == type.upcasters.end()) {
      return Error::make(ErrorCode::internal_error,
                         fmt::format("{} has no upcaster from schema {}", name, from));
    }
    try {
      data = step->second(data);
    } catch (const std::exception& e) {
      return Error::make(
          ErrorCode::internal_error,
          fmt::format("upcasting {} from schema {} failed: {}", name, from, e.what()));
    }
  }
  return data;
}

}  // namespace closient
