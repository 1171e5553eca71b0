// Stored events, as the log reads them back: the envelope's bytes decoded, its
// data upcast to the current schema of its type and decoded by the domain's
// codec, then applied to an aggregate. A log file may hold anything; reading it
// must answer an error, never crash.
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "domain/event_types.h"
#include "domain/organization.h"
#include "domain/user.h"
#include "events/catalog.h"
#include "events/envelope.h"
#include "events/stored_event.h"
#include "fuzz_input.h"

using namespace closient;

namespace {

const EventCatalog& catalog() {
  static const EventCatalog instance = [] {
    EventCatalog c;
    register_domain_events(c);
    return c;
  }();
  return instance;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);

  std::optional<EventEnvelope> event = decode_stored_event(bytes);
  if (!event) {
    // Also as an envelope in its JSON form (the audit feed, backups).
    const nlohmann::json j = nlohmann::json::parse(bytes, nullptr, false);
    if (j.is_discarded()) return 0;
    EventEnvelope from_json;
    if (!envelope_from_json(j, &from_json)) return 0;
    event = std::move(from_json);
  }
  // A decoded envelope hashes and re-encodes.
  compute_event_hash(*event);
  envelope_to_json(*event);

  Result<nlohmann::json> current = catalog().upcast(event->type, event->schema, event->data);
  if (!current.ok()) return 0;
  event->data = *current;
  event->schema = catalog().current_schema(event->type);
  const Result<nlohmann::json> normalized = normalize_event_data(event->type, event->data);
  if (normalized.ok()) {
    // The canonical form is a fixed point of the codec.
    const Result<nlohmann::json> again = normalize_event_data(event->type, *normalized);
    if (!again.ok() || *again != *normalized) std::abort();
  }
  OrganizationState org;
  evolve_checked(org, *event).ok();
  UserState user;
  evolve_checked(user, *event).ok();
  return 0;
}
