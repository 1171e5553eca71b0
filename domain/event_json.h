// Helpers shared by the event codecs of both aggregates. Event data writes
// times as RFC 3339 strings so the audit feed reads naturally; decoding is
// strict and throws, and decode_event turns that into an Error at the edge.
#pragma once

#include <cstdint>
#include <exception>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>

#include "domain/api_key.h"
#include "domain/key_role.h"
#include "domain/roles.h"
#include "events/envelope.h"
#include "events/result.h"
#include "events/timestamp.h"

namespace closient {

class EventDataError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

inline nlohmann::json time_json(int64_t unix_ms) {
  return format_timestamp_ms(unix_ms);
}

inline nlohmann::json optional_time_json(const std::optional<int64_t>& unix_ms) {
  return unix_ms ? time_json(*unix_ms) : nlohmann::json(nullptr);
}

inline int64_t time_from_json(const nlohmann::json& j, const char* field) {
  auto parsed = parse_timestamp_ms(j.at(field).get<std::string>());
  if (!parsed) throw EventDataError(std::string("bad timestamp in ") + field);
  return *parsed;
}

inline std::optional<int64_t> optional_time_from_json(const nlohmann::json& j, const char* field) {
  auto found = j.find(field);
  if (found == j.end() || found->is_null()) return std::nullopt;
  return time_from_json(j, field);
}

inline Role role_from_json(const nlohmann::json& j, const char* field) {
  auto role = parse_role(j.at(field).get<std::string>());
  if (!role) throw EventDataError(std::string("bad role in ") + field);
  return *role;
}

inline KeyRole key_role_from_json(const nlohmann::json& j, const char* field) {
  auto role = parse_key_role(j.at(field).get<std::string>());
  if (!role) throw EventDataError(std::string("bad key role in ") + field);
  return *role;
}

inline KeyKind key_kind_from_json(const nlohmann::json& j, const char* field) {
  auto kind = parse_key_kind(j.at(field).get<std::string>());
  if (!kind) throw EventDataError(std::string("bad key kind in ") + field);
  return *kind;
}

template <typename T>
void read_optional(const nlohmann::json& j, const char* field, std::optional<T>* out) {
  auto found = j.find(field);
  if (found == j.end() || found->is_null()) {
    out->reset();
  } else {
    *out = found->get<T>();
  }
}

template <typename T>
void write_optional(nlohmann::json& j, const char* field, const std::optional<T>& value) {
  if (value) j[field] = *value;
}

// The data of an event, decoded; Error (internal_error) on bad data.
template <typename T>
Result<T> decode_event(const nlohmann::json& data) {
  try {
    if (!data.is_object()) throw EventDataError("event data is not an object");
    return data.get<T>();
  } catch (const std::exception& e) {
    return Error::make(ErrorCode::internal_error,
                       std::string("Undecodable ") + T::kType + " data: " + e.what());
  }
}

// Decodes the event's data as T and hands it to `then`; the decode error otherwise.
template <typename T>
Status decode_and(const EventEnvelope& envelope, const std::function<void(const T&)>& then) {
  Result<T> event = decode_event<T>(envelope.data);
  if (!event.ok()) return event.error();
  then(event.value());
  return ok_status();
}

}  // namespace closient
