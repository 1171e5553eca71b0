#include "events/stored_event.h"

namespace closient {

Result<std::string> seal_event(EventEnvelope& e) {
  try {
    // Strict dump first: it throws on invalid UTF-8, which canonical_bytes
    // would silently replace.
    e.hash.clear();
    nlohmann::json j = envelope_to_json(e);
    j.dump();
    e.hash = compute_event_hash(e);
    j["hash"] = e.hash;
    return j.dump();
  } catch (const nlohmann::json::exception&) {
    return Error::make(ErrorCode::bad_request,
                       "event " + e.type + " of stream " + e.stream + " is not valid UTF-8");
  }
}

std::optional<EventEnvelope> decode_stored_event(std::string_view bytes) {
  nlohmann::json j = nlohmann::json::parse(bytes, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return std::nullopt;
  EventEnvelope e;
  if (!envelope_from_json(std::move(j), &e)) return std::nullopt;
  return e;
}

}  // namespace closient
