#include "events/stored_event.h"

namespace closient {

Result<std::string> seal_event(EventEnvelope& e) {
  try {
    // Strict: it throws on invalid UTF-8, which canonical_bytes would
    // silently replace (and the stored bytes could then not be verified).
    const EnvelopeText text = envelope_text(e, nlohmann::json::error_handler_t::strict);
    e.hash = hash_of_canonical(e.prev_hash, text.without_hash());
    return text.with_hash(e.hash);
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
