#include "events/envelope.h"

#include "events/sha256.h"
#include "events/timestamp.h"

namespace closient {
namespace {

const char kZeroHash[] = "0000000000000000000000000000000000000000000000000000000000000000";

nlohmann::json actor_to_json(const Actor& a) {
  return {{"kind", a.kind}, {"id", a.id}, {"user_id", a.user_id}};
}

bool actor_from_json(const nlohmann::json& j, Actor* out) {
  if (!j.is_object()) return false;
  auto kind = j.find("kind");
  auto id = j.find("id");
  auto user_id = j.find("user_id");
  if (kind == j.end() || !kind->is_string() || id == j.end() || !id->is_string() ||
      user_id == j.end() || !user_id->is_string())
    return false;
  out->kind = kind->get<std::string>();
  out->id = id->get<std::string>();
  out->user_id = user_id->get<std::string>();
  return true;
}

// Reads j[key] into *out when it exists and has the right JSON type.
bool read_string(const nlohmann::json& j, const char* key, std::string* out) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return false;
  *out = it->get<std::string>();
  return true;
}

bool read_unsigned(const nlohmann::json& j, const char* key, uint64_t* out) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number_unsigned()) return false;
  *out = it->get<uint64_t>();
  return true;
}

nlohmann::json envelope_without_hash(const EventEnvelope& e) {
  return {{"position", e.position},
          {"stream", e.stream},
          {"version", e.version},
          {"type", e.type},
          {"schema", e.schema},
          {"occurred_at", format_timestamp_ms(e.occurred_at_ms)},
          {"actor", actor_to_json(e.actor)},
          {"request_id", e.request_id},
          {"data", e.data},
          {"prev_hash", e.prev_hash}};
}

using ErrorHandler = nlohmann::json::error_handler_t;

// One JSON string value, escaped as nlohmann escapes it.
void append_string(std::string& out, const std::string& value, ErrorHandler handler) {
  out += nlohmann::json(value).dump(-1, ' ', false, handler);
}

}  // namespace

// The envelope's compact JSON with keys in sorted order (the order of
// nlohmann's std::map objects, so the bytes are exactly what dumping
// envelope_to_json gives), built as text: `data` is dumped once and nothing is
// copied into a temporary object. `hash` sorts between "data" and
// "occurred_at": the two halves around it are kept apart so that the form with
// the hash and the form without it are both one concatenation away.
EnvelopeText envelope_text(const EventEnvelope& e, ErrorHandler handler) {
  EnvelopeText text;
  std::string& head = text.head;
  head.reserve(256);
  head += R"({"actor":{"id":)";
  append_string(head, e.actor.id, handler);
  head += R"(,"kind":)";
  append_string(head, e.actor.kind, handler);
  head += R"(,"user_id":)";
  append_string(head, e.actor.user_id, handler);
  head += R"(},"data":)";
  head += e.data.dump(-1, ' ', false, handler);

  std::string& tail = text.tail;
  tail.reserve(256);
  tail += R"(,"occurred_at":)";
  append_string(tail, format_timestamp_ms(e.occurred_at_ms), handler);
  tail += R"(,"position":)";
  tail += std::to_string(e.position);
  tail += R"(,"prev_hash":)";
  append_string(tail, e.prev_hash, handler);
  tail += R"(,"request_id":)";
  append_string(tail, e.request_id, handler);
  tail += R"(,"schema":)";
  tail += std::to_string(e.schema);
  tail += R"(,"stream":)";
  append_string(tail, e.stream, handler);
  tail += R"(,"type":)";
  append_string(tail, e.type, handler);
  tail += R"(,"version":)";
  tail += std::to_string(e.version);
  tail += '}';
  return text;
}

std::string EnvelopeText::with_hash(const std::string& hash) const {
  std::string out;
  out.reserve(head.size() + hash.size() + 10 + tail.size());
  out += head;
  out += R"(,"hash":)";
  append_string(out, hash, ErrorHandler::strict);
  out += tail;
  return out;
}

const std::string& zero_hash() {
  static const std::string zeros(kZeroHash);
  return zeros;
}

nlohmann::json envelope_to_json(const EventEnvelope& e) {
  nlohmann::json j = envelope_without_hash(e);
  j["hash"] = e.hash;
  return j;
}

bool envelope_from_json(const nlohmann::json& j, EventEnvelope* out) {
  nlohmann::json copy = j;
  return envelope_from_json(std::move(copy), out);
}

bool envelope_from_json(nlohmann::json&& j, EventEnvelope* out) {
  if (!j.is_object()) return false;
  EventEnvelope e;
  std::string occurred_at;
  auto schema = j.find("schema");
  auto actor = j.find("actor");
  auto data = j.find("data");
  if (!read_unsigned(j, "position", &e.position) || !read_string(j, "stream", &e.stream) ||
      !read_unsigned(j, "version", &e.version) || !read_string(j, "type", &e.type) ||
      schema == j.end() || !schema->is_number_integer() ||
      !read_string(j, "occurred_at", &occurred_at) || actor == j.end() ||
      !actor_from_json(*actor, &e.actor) || !read_string(j, "request_id", &e.request_id) ||
      data == j.end() || !read_string(j, "prev_hash", &e.prev_hash) ||
      !read_string(j, "hash", &e.hash))
    return false;
  int64_t schema_value = schema->get<int64_t>();
  if (schema_value < 0 || schema_value > INT32_MAX) return false;
  e.schema = static_cast<int>(schema_value);
  auto when = parse_timestamp_ms(occurred_at);
  if (!when) return false;
  e.occurred_at_ms = *when;
  e.data = std::move(*data);
  *out = std::move(e);
  return true;
}

std::string canonical_bytes(const EventEnvelope& e) {
  // nlohmann::json keeps object keys sorted, so dump() is canonical. Strings
  // that are not UTF-8 are replaced rather than thrown on; the log rejects
  // such events before they are stored, so stored hashes never depend on it.
  return envelope_text(e, ErrorHandler::replace).without_hash();
}

std::string compute_event_hash(const EventEnvelope& e) {
  return hash_of_canonical(e.prev_hash, canonical_bytes(e));
}

std::string hash_of_canonical(const std::string& prev_hash, const std::string& canonical) {
  return sha256_hex(prev_hash + canonical);
}

}  // namespace closient
