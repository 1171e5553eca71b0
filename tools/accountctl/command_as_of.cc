// accountctl as-of: an organization as it stood at a past position or time,
// found by replaying its stream with the domain's evolve (never from the read
// models, which only know the present), and rendered with the API's views.
#include <fmt/format.h>

#include "domain/ids.h"
#include "domain/organization.h"
#include "domain/views.h"
#include "events/timestamp.h"
#include "tools/accountctl/cli.h"
#include "tools/accountctl/clock.h"
#include "tools/accountctl/data_dir.h"
#include "tools/accountctl/output.h"

namespace accountctl {
namespace {

using closient::EventEnvelope;
using closient::OrganizationState;

// Where to stop replaying: after this position, or after this time.
struct Moment {
  std::optional<uint64_t> position;
  std::optional<int64_t> time_ms;

  bool includes(const EventEnvelope& event) const {
    if (position) return event.position <= *position;
    return event.occurred_at_ms <= *time_ms;
  }
  std::string describe() const {
    return position ? fmt::format("position {}", *position)
                    : closient::format_timestamp_ms(*time_ms);
  }
};

struct PastState {
  OrganizationState org;
  const EventEnvelope* last_applied = nullptr;
};

closient::Result<PastState> replay_until(const std::vector<EventEnvelope>& events,
                                         const Moment& moment) {
  PastState past;
  for (const auto& event : events) {
    // The state at a moment is always a prefix of the stream: replay stops at
    // the first event past it (times are stamped at commit, so in order).
    if (!moment.includes(event)) break;
    closient::Status applied = closient::evolve_checked(past.org, event);
    if (!applied.ok()) return applied.error();
    past.last_applied = &event;
  }
  return past;
}

nlohmann::json as_json(const PastState& past, const Moment& moment) {
  const OrganizationState& org = past.org;
  nlohmann::json members = nlohmann::json::array();
  for (const auto& member : org.members) {
    if (!member.removed) members.push_back(closient::member_view(member));
  }
  nlohmann::json keys = nlohmann::json::array();
  for (const auto& key : org.keys) {
    if (!key.revoked) keys.push_back(closient::api_key_view(key, std::nullopt));
  }
  const nlohmann::json null;
  return {{"as_of",
           {{"position", moment.position ? nlohmann::json(*moment.position) : null},
            {"time", moment.time_ms ? nlohmann::json(closient::format_timestamp_ms(*moment.time_ms))
                                    : null},
            {"version", org.version},
            {"last_event_position", past.last_applied->position},
            {"last_event_time", closient::format_timestamp_ms(past.last_applied->occurred_at_ms)}}},
          {"organization", closient::organization_view(org)},
          {"deleted_at", org.deleted_at_ms
                             ? nlohmann::json(closient::format_timestamp_ms(*org.deleted_at_ms))
                             : nlohmann::json(nullptr)},
          {"members", members},
          {"api_keys", keys}};
}

void print_human(const PastState& past, const Moment& moment) {
  const OrganizationState& org = past.org;
  print_fields({
      {"organization", fmt::format("{} ({}), country {}", org.name, org.id, org.country)},
      {"as of", moment.describe()},
      {"stream", fmt::format("version {}, last changed at position {} ({})", org.version,
                             past.last_applied->position,
                             closient::format_timestamp_ms(past.last_applied->occurred_at_ms))},
      {"deleted", org.deleted_at_ms ? closient::format_timestamp_ms(*org.deleted_at_ms) : "no"},
  });
  print_line(fmt::format("members ({}):", org.active_member_count));
  for (const auto& member : org.members) {
    if (member.removed) continue;
    print_line(fmt::format("  {}  {:<8}  {}{}", member.id, closient::role_name(member.role),
                           member.email, member.name.empty() ? "" : "  " + member.name));
  }
  size_t live_keys = 0;
  for (const auto& key : org.keys) live_keys += key.revoked ? 0 : 1;
  print_line(fmt::format("api keys ({}):", live_keys));
  for (const auto& key : org.keys) {
    if (key.revoked) continue;
    print_line(fmt::format("  {}  {}  {:<8}  {:<11}  {}", key.id, key.display_prefix,
                           closient::key_role_name(key.role), closient::key_kind_name(key.kind),
                           key.name));
  }
  std::fflush(stdout);
}

}  // namespace

int run_as_of(const Context& context, const Args& args) {
  UsageError usage;
  auto org_text = required_value(args, "--org", &usage);
  if (!org_text) return fail_usage("as-of", usage.message);
  std::optional<std::string> org_id = closient::normalize_id(*org_text);
  if (!org_id)
    return fail_usage("as-of", "invalid --org '" + *org_text + "': not a shortuuid or UUID");
  if (args.has("--position") == args.has("--time")) {
    return fail_usage("as-of", "give exactly one of --position and --time");
  }
  Moment moment;
  if (auto position = args.value("--position")) {
    auto parsed = parse_integer("--position", *position, 0, INT64_MAX, &usage);
    if (!parsed) return fail_usage("as-of", usage.message);
    moment.position = static_cast<uint64_t>(*parsed);
  } else {
    moment.time_ms = parse_time_flag("--time", *args.value("--time"), &usage);
    if (!moment.time_ms) return fail_usage("as-of", usage.message);
  }

  auto log = open_for_reading(context.store);
  if (!log.ok()) return fail(log.error());
  auto events = (*log)->read_stream(closient::org_stream(*org_id));
  if (!events.ok()) return fail(events.error());
  if (events->empty()) return fail(kExitFailure, "no organization " + *org_id);

  auto past = replay_until(*events, moment);
  if (!past.ok()) return fail(past.error());
  if (past->last_applied == nullptr) {
    return fail(kExitFailure,
                "organization " + *org_id + " did not exist yet at " + moment.describe());
  }
  if (context.json) {
    print_json_line(as_json(*past, moment));
  } else {
    print_human(*past, moment);
  }
  return kExitOk;
}

}  // namespace accountctl
