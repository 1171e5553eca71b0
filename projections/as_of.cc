#include "projections/as_of.h"

#include <charconv>

#include "domain/ids.h"
#include "events/timestamp.h"

namespace closient {
namespace {

bool all_digits(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text)
    if (c < '0' || c > '9') return false;
  return true;
}

bool at_or_before(const EventEnvelope& event, const AsOf& as_of) {
  if (as_of.position) return event.position <= *as_of.position;
  return as_of.time_ms && event.occurred_at_ms <= *as_of.time_ms;
}

}  // namespace

Result<AsOf> parse_as_of(std::string_view text) {
  AsOf as_of;
  if (all_digits(text)) {
    uint64_t position = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), position);
    if (error == std::errc() && end == text.data() + text.size()) {
      as_of.position = position;
      return as_of;
    }
  } else if (auto time = parse_timestamp_ms(text)) {
    as_of.time_ms = *time;
    return as_of;
  }
  return Error::validation("as_of", "must be a log position or an RFC 3339 time");
}

Result<OrganizationState> org_as_of(EventLog& log, const std::string& org_id, const AsOf& as_of) {
  auto events = log.read_stream(org_stream(org_id));
  if (!events.ok()) return events.error();
  OrganizationState org;
  for (EventEnvelope& event : *events) {
    if (!at_or_before(event, as_of)) break;
    Status applied = evolve_checked(org, event);
    if (!applied.ok()) return applied.error();
  }
  if (!org.exists()) {
    return Error::make(ErrorCode::not_found, "No organization " + org_id + " at that moment.");
  }
  return org;
}

}  // namespace closient
