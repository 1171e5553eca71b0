// The envelope every stored event carries. See events/FORMAT.md for the bytes.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace closient {

// Who caused an event. kind: "user" | "api_key" | "token" | "session" | "operator".
// id names the credential (key id, token id, session id, operator name);
// user_id the user acting through it (empty when none, e.g. an operator).
struct Actor {
  std::string kind;
  std::string id;
  std::string user_id;

  bool operator==(const Actor& o) const {
    return kind == o.kind && id == o.id && user_id == o.user_id;
  }
};

struct EventEnvelope {
  uint64_t position = 0;       // global, gapless, from 1
  std::string stream;          // "org-<shortuuid>", "user-<shortuuid>"
  uint64_t version = 0;        // per stream, from 1
  std::string type;            // "MemberRemoved"
  int schema = 1;              // version of this type's data layout
  int64_t occurred_at_ms = 0;  // Unix time in milliseconds, UTC
  Actor actor;
  std::string request_id;
  nlohmann::json data = nlohmann::json::object();
  std::string prev_hash;  // 64 lowercase hex digits; all zeros before position 1
  std::string hash;       // SHA-256(prev_hash || canonical_bytes), lowercase hex
};

// The prev_hash of position 1: 64 zeros.
const std::string& zero_hash();

// occurred_at is written as RFC 3339 (format_timestamp_ms), actor as
// {kind, id, user_id}. envelope_from_json returns false, leaving *out alone,
// when a field is missing or has the wrong type.
nlohmann::json envelope_to_json(const EventEnvelope& e);
bool envelope_from_json(const nlohmann::json& j, EventEnvelope* out);
// The same, taking `data` out of `j` instead of copying it (j is left valid but
// without it): the decoding path of every log read.
bool envelope_from_json(nlohmann::json&& j, EventEnvelope* out);

// The bytes the hash covers: the envelope without `hash`, as compact JSON with
// keys sorted (nlohmann's default object order), so any reader can recompute it.
std::string canonical_bytes(const EventEnvelope& e);
// SHA-256 over prev_hash (as its 64 hex characters) followed by canonical_bytes.
std::string compute_event_hash(const EventEnvelope& e);
std::string hash_of_canonical(const std::string& prev_hash, const std::string& canonical);

// The envelope's JSON in two halves around where `hash` sorts, so that the
// canonical bytes (without it) and the stored form (with it) cost one dump of
// `data` together. Bytes identical to dumping envelope_to_json.
struct EnvelopeText {
  std::string head;  // {"actor":...,"data":...
  std::string tail;  // ,"occurred_at":...,"version":N}
  std::string without_hash() const { return head + tail; }
  std::string with_hash(const std::string& hash) const;
};
// `handler`: strict throws nlohmann::json::type_error on invalid UTF-8;
// replace substitutes U+FFFD.
EnvelopeText envelope_text(const EventEnvelope& e, nlohmann::json::error_handler_t handler);

}  // namespace closient
