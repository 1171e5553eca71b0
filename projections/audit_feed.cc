// The audit feed (contract §8): an organization's events, oldest first, from
// the organization's position index in the serving state and the log itself.
#include <fmt/format.h>

#include <algorithm>

#include "domain/ids.h"
#include "events/timestamp.h"
#include "projections/org_access.h"
#include "projections/queries.h"
#include "projections/query_support.h"

namespace closient {
namespace {

using query_support::guarded;

// The one event at `position`.
Result<EventEnvelope> event_at(EventLog& log, uint64_t position) {
  std::optional<EventEnvelope> found;
  ReadFilter filter;
  filter.after_position = position - 1;
  filter.limit = 1;
  Status scanned = log.scan(filter, [&](const EventEnvelope& event) {
    if (event.position == position) found = event;
    return false;
  });
  if (!scanned.ok()) return scanned.error();
  if (!found) {
    return Error::make(
        ErrorCode::internal_error,
        fmt::format("The audit index names position {}, which the log lacks.", position));
  }
  return std::move(*found);
}

// Events hold no raw secrets, only SHA-256 hashes of keys, tokens and
// sessions. Even those stay out of the feed: a hash lets whoever holds a
// leaked key confirm it offline, and an auditor identifies keys by id and
// display prefix.
nlohmann::json without_credential_hashes(nlohmann::json data) {
  if (!data.is_object()) return data;
  for (auto it = data.begin(); it != data.end();) {
    const std::string& name = it.key();
    const bool hash = name.size() >= 7 && name.compare(name.size() - 7, 7, "_sha256") == 0;
    it = hash ? data.erase(it) : std::next(it);
  }
  return data;
}

nlohmann::json optional_text(const std::string& text) {
  return text.empty() ? nlohmann::json(nullptr) : nlohmann::json(text);
}

nlohmann::json feed_entry(EventEnvelope event) {
  return {{"position", event.position},
          {"stream", event.stream},
          {"version", event.version},
          {"type", event.type},
          {"occurred_at", format_timestamp_ms(event.occurred_at_ms)},
          {"actor",
           {{"kind", event.actor.kind},
            {"id", optional_text(event.actor.id)},
            {"user_id", optional_text(event.actor.user_id)}}},
          {"request_id", optional_text(event.request_id)},
          {"data", without_credential_hashes(std::move(event.data))}};
}

}  // namespace

Result<nlohmann::json> AccountQueries::audit_feed(const Caller& caller, const std::string& org_id,
                                                  uint64_t after, uint64_t limit) {
  return guarded([&]() -> Result<nlohmann::json> {
    // One more than asked tells whether another page follows.
    std::vector<uint64_t> positions;
    {
      LiveState::View state = state_.read();
      auto access = access_org_for(*state, caller, org_id, OrgAction::read_audit);
      if (!access.ok()) return access.error();
      if (limit < 1 || limit > kMaxAuditLimit) {
        return Error::validation("limit", "must be an integer from 1 to 1000");
      }
      const std::vector<uint64_t>& all = access->org->positions;
      auto from = std::upper_bound(all.begin(), all.end(), after);
      const size_t take = std::min<size_t>(limit + 1, static_cast<size_t>(all.end() - from));
      positions.assign(from, from + static_cast<std::ptrdiff_t>(take));
    }
    const bool more = positions.size() > limit;
    if (more) positions.pop_back();
    nlohmann::json data = nlohmann::json::array();
    for (uint64_t position : positions) {
      auto event = event_at(log_, position);
      if (!event.ok()) return event.error();
      data.push_back(feed_entry(std::move(event).value()));
    }
    nlohmann::json next_after = more ? nlohmann::json(positions.back()) : nlohmann::json(nullptr);
    return nlohmann::json{{"data", std::move(data)}, {"next_after", std::move(next_after)}};
  });
}

}  // namespace closient
