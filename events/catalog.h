// The event catalog: every event type the log may hold, with the current
// schema version of its data and the upcasters that bring older stored data up
// to date. Readers call upcast() so that code above the log only ever sees the
// current schema; stored events are never rewritten.
#pragma once

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "events/result.h"

namespace closient {

// Turns data of schema n into data of schema n + 1.
using Upcaster = std::function<nlohmann::json(const nlohmann::json& data)>;

class EventCatalog {
 public:
  // Registers a type at its current schema (>= 1). Registering again replaces
  // the schema version and keeps the upcasters.
  void add(std::string name, int current_schema);
  // The step from `from_schema` to `from_schema + 1` of a registered type.
  void add_upcaster(const std::string& name, int from_schema, Upcaster upcaster);

  bool knows(const std::string& name) const;
  // 0 for an unknown type.
  int current_schema(const std::string& name) const;
  std::vector<std::string> names() const;

  // `data` stored at `schema`, brought to the current schema. Errors: unknown
  // type, a schema newer than this build knows, a missing upcaster step, or an
  // upcaster that throws.
  Result<nlohmann::json> upcast(const std::string& name, int schema, nlohmann::json data) const;

 private:
  struct EventType {
    int current_schema = 1;
    std::map<int, Upcaster> upcasters;  // from schema -> step to schema + 1
  };
  std::map<std::string, EventType> types_;
};

}  // namespace closient
