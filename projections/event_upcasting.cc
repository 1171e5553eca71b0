#include "projections/event_upcasting.h"

#include "domain/event_types.h"
#include "events/catalog.h"

namespace closient {
namespace {

const EventCatalog& domain_catalog() {
  static const EventCatalog catalog = [] {
    EventCatalog c;
    register_domain_events(c);
    return c;
  }();
  return catalog;
}

}  // namespace

bool needs_upcast(const EventEnvelope& event) {
  const int current = domain_catalog().current_schema(event.type);
  return current != 0 && event.schema < current;
}

Status upcast_to_current(EventEnvelope& event) {
  if (!needs_upcast(event)) return ok_status();
  const EventCatalog& catalog = domain_catalog();
  Result<nlohmann::json> data = catalog.upcast(event.type, event.schema, std::move(event.data));
  if (!data.ok()) return data.error();
  event.data = std::move(data).value();
  event.schema = catalog.current_schema(event.type);
  return ok_status();
}

}  // namespace closient
