// The catalog of domain event types: every type's name, current schema and
// JSON codec, registered with the event catalog of events/.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "events/result.h"

namespace closient {

class EventCatalog;

struct DomainEventType {
  const char* name;    // "MemberRemoved"
  int schema;          // current schema version
  const char* stream;  // "org" or "user": the stream kind it is appended to
};

// Every domain event type, in a stable order.
const std::vector<DomainEventType>& domain_event_types();

// Registers every domain event type at its current schema.
void register_domain_events(EventCatalog& catalog);

// One catalog with every domain event type and upcaster, built once: what the
// event log upcasts stored events through (LogOptions::catalog).
const EventCatalog& domain_event_catalog();

// Decodes `data` as the data of event type `type` at its current schema and
// encodes it again: the canonical form, or an error naming what is wrong.
// Unknown types → not_found.
Result<nlohmann::json> normalize_event_data(const std::string& type, const nlohmann::json& data);

}  // namespace closient
