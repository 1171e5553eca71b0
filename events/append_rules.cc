#include "events/append_rules.h"

#include <fmt/format.h>

#include <chrono>
#include <set>
#include <string_view>

namespace closient {
namespace {

// The first instant RFC 3339's four-digit years cannot express.
constexpr int64_t kYear10000Ms = 253402300800000;

std::string describe(const ExpectedVersion& expected) {
  switch (expected.kind) {
    case ExpectedVersion::Kind::any:
      return "any version";
    case ExpectedVersion::Kind::no_stream:
      return "no stream";
    case ExpectedVersion::Kind::exact:
      return fmt::format("version {}", expected.version);
  }
  return "?";
}

}  // namespace

int64_t append_now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

bool version_matches(const ExpectedVersion& expected, uint64_t actual) {
  switch (expected.kind) {
    case ExpectedVersion::Kind::any:
      return true;
    case ExpectedVersion::Kind::no_stream:
      return actual == 0;
    case ExpectedVersion::Kind::exact:
      return actual == expected.version;
  }
  return false;
}

Error wrong_expected_version(const std::string& stream, uint64_t actual,
                             const ExpectedVersion& expected) {
  return Error::make(ErrorCode::conflict,
                     fmt::format("stream {} is at version {}, but the append expected {}", stream,
                                 actual, describe(expected)),
                     kWrongExpectedVersionReason);
}

EventEnvelope envelope_of(NewEvent& event, const std::string& stream, const AppendRequest& request,
                          EventPlace place) {
  EventEnvelope e;
  e.position = place.position;
  e.stream = stream;
  e.version = place.version;
  e.type = std::move(event.type);
  e.schema = event.schema;
  e.occurred_at_ms = place.occurred_at_ms;
  e.actor = request.actor;
  e.request_id = request.request_id;
  e.data = std::move(event.data);
  e.prev_hash = std::move(place.prev_hash);
  return e;
}

Error command_already_applied(uint64_t last_position) {
  return Error::make(ErrorCode::conflict,
                     fmt::format("A request with this Idempotency-Key was already carried out (its "
                                 "events end at position {}); its answer is replayed once stored, "
                                 "so retry it later.",
                                 last_position),
                     kCommandAlreadyAppliedReason);
}

Error command_fingerprint_differs() {
  return Error::validation("Idempotency-Key", "was already used with a different request");
}

Status validate_append(const AppendRequest& request) {
  if (request.streams.empty()) {
    return Error::make(ErrorCode::bad_request, "an append must name at least one stream");
  }
  std::set<std::string_view> seen;
  for (const auto& s : request.streams) {
    if (s.stream.empty() || s.stream.find('\0') != std::string::npos) {
      return Error::make(ErrorCode::bad_request, "a stream id must be non-empty text");
    }
    if (!seen.insert(s.stream).second) {
      return Error::make(ErrorCode::bad_request,
                         fmt::format("stream {} appears twice in one append", s.stream));
    }
    for (const auto& event : s.events) {
      if (event.type.empty()) {
        return Error::make(ErrorCode::bad_request,
                           fmt::format("an event of stream {} has no type", s.stream));
      }
    }
  }
  if (request.occurred_at_ms < 0 || request.occurred_at_ms >= kYear10000Ms) {
    return Error::make(ErrorCode::bad_request, "occurred_at is out of range");
  }
  return ok_status();
}

}  // namespace closient
