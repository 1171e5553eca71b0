#include "events/read_rules.h"

#include <fmt/format.h>

#include <algorithm>
#include <string_view>

namespace closient {

bool event_matches(const ReadFilter& filter, const EventEnvelope& e) {
  if (!filter.types.empty() &&
      std::find(filter.types.begin(), filter.types.end(), e.type) == filter.types.end())
    return false;
  if (std::string_view(e.stream).substr(0, filter.stream_prefix.size()) != filter.stream_prefix)
    return false;
  if (filter.since_ms && e.occurred_at_ms < *filter.since_ms) return false;
  if (filter.until_ms && e.occurred_at_ms > *filter.until_ms) return false;
  if (filter.actor_id && e.actor.id != *filter.actor_id && e.actor.user_id != *filter.actor_id)
    return false;
  return true;
}

Result<EventEnvelope> upcast_event(const EventCatalog* catalog, EventEnvelope event) {
  if (!catalog) return event;
  const int current = catalog->current_schema(event.type);
  if (current == 0 || event.schema >= current) return event;
  Result<nlohmann::json> data = catalog->upcast(event.type, event.schema, std::move(event.data));
  if (!data.ok()) {
    return Error::make(ErrorCode::internal_error,
                       fmt::format("the event at position {} cannot be upcast: {}", event.position,
                                   data.error().detail));
  }
  event.data = std::move(data).value();
  event.schema = current;
  return event;
}

}  // namespace closient
