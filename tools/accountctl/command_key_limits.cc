// accountctl key limits: rate limits of any tier for one API key. The API holds
// callers to 1 000 000 a minute and 100 000 000 a day (contract §4), so that no
// caller grants itself a quota; an operator sets higher tiers here, and the log
// records the operator as the actor of the OrgApiKeyLimitsChanged or
// UserApiKeyLimitsChanged event. Authentication uses the new limits at once.
#include <fmt/format.h>

#include "domain/ids.h"
#include "domain/organization.h"
#include "domain/user.h"
#include "projections/write_pipeline.h"
#include "tools/accountctl/cli.h"
#include "tools/accountctl/operator_session.h"
#include "tools/accountctl/output.h"

namespace accountctl {
namespace {

using closient::Error;
using closient::ErrorCode;

// Far above any real tier; decide holds the operator to the same bound.
constexpr int64_t kMaxLimit = int64_t{1'000'000'000'000};

// The key as its owner's stream holds it now, and that owner.
struct FoundKey {
  closient::ApiKey key;
  std::string org_id;   // org keys
  std::string user_id;  // user keys
};

// The owner's state replayed from the log: the read models are not needed, so
// this keeps working whatever form they take.
template <typename State>
closient::Result<State> replay(closient::EventStore& log, const std::string& stream) {
  auto events = log.read_stream(stream);
  if (!events.ok()) return events.error();
  State state;
  for (const auto& event : *events) {
    closient::Status applied = closient::evolve_checked(state, event);
    if (!applied.ok()) return applied.error();
  }
  return state;
}

// The stream whose created event names `key_id`: one scan of the key-creating
// events (an operator command, run rarely).
closient::Result<std::string> owner_stream(closient::EventStore& log, const std::string& key_id) {
  closient::ReadFilter filter;
  filter.types = {closient::OrgApiKeyCreated::kType, closient::UserApiKeyCreated::kType};
  std::string stream;
  closient::Status scanned = log.scan(filter, [&](const closient::EventEnvelope& event) {
    if (event.data.value("key_id", "") != key_id) return true;
    stream = event.stream;
    return false;
  });
  if (!scanned.ok()) return scanned.error();
  if (stream.empty()) return Error::make(ErrorCode::not_found, "no API key " + key_id);
  return stream;
}

closient::Result<FoundKey> find_key(closient::EventStore& log, const std::string& key_id) {
  auto stream = owner_stream(log, key_id);
  if (!stream.ok()) return stream.error();
  const Error revoked = Error::make(ErrorCode::not_found, "API key " + key_id + " is revoked");
  FoundKey found;
  if (auto org_id = closient::org_id_of_stream(*stream)) {
    auto org = replay<closient::OrganizationState>(log, *stream);
    if (!org.ok()) return org.error();
    const closient::ApiKey* key = org->find_unrevoked_key(key_id);
    if (key == nullptr) return revoked;
    found.key = *key;
    found.org_id = *org_id;
  } else if (auto user_id = closient::user_id_of_stream(*stream)) {
    auto user = replay<closient::UserState>(log, *stream);
    if (!user.ok()) return user.error();
    const closient::ApiKey* key = user->find_unrevoked_key(key_id);
    if (key == nullptr) return revoked;
    found.key = *key;
    found.user_id = *user_id;
  } else {
    return Error::make(ErrorCode::internal_error, "API key " + key_id + " is in stream " + *stream);
  }
  return found;
}

std::string describe_limit(int64_t value, const char* default_text) {
  return value == 0 ? fmt::format("default ({})", default_text) : std::to_string(value);
}

}  // namespace

int run_key_limits(const Context& context, const Args& args) {
  UsageError usage;
  if (args.positionals().size() != 1) return fail_usage("key limits", "give one KEY_ID");
  const auto key_id = closient::normalize_id(args.positionals()[0]);
  if (!key_id) {
    return fail_usage("key limits",
                      "invalid KEY_ID '" + args.positionals()[0] + "': not a shortuuid or UUID");
  }
  if (!args.has("--per-minute") && !args.has("--per-day")) {
    return fail_usage("key limits", "give --per-minute N, --per-day N or both");
  }
  std::optional<int64_t> per_minute, per_day;
  if (args.has("--per-minute")) {
    per_minute = parse_integer("--per-minute", *args.value("--per-minute"), 0, kMaxLimit, &usage);
    if (!per_minute) return fail_usage("key limits", usage.message);
  }
  if (args.has("--per-day")) {
    per_day = parse_integer("--per-day", *args.value("--per-day"), 0, kMaxLimit, &usage);
    if (!per_day) return fail_usage("key limits", usage.message);
  }

  auto session = OperatorSession::open(context, /*create_if_missing=*/false);
  if (!session.ok()) return fail(session.error());
  auto found = find_key((*session)->log(), *key_id);
  if (!found.ok()) return fail(found.error());

  closient::SetApiKeyLimits set;
  set.key_id = *key_id;
  set.org_id = found->org_id;
  set.user_id = found->user_id;
  set.rate_limit_per_minute = per_minute.value_or(found->key.rate_limit_per_minute);
  set.rate_limit_per_day = per_day.value_or(found->key.rate_limit_per_day);
  auto changed = (*session)->execute(set);
  if (!changed.ok()) return fail(changed.error());

  if (context.json) {
    print_json_line({{"id", *key_id},
                     {"rate_limit_per_minute", set.rate_limit_per_minute},
                     {"rate_limit_per_day", set.rate_limit_per_day},
                     {"changed", changed->last_position > 0}});
  } else {
    print_fields({{"key", fmt::format("{} ({})", *key_id, found->key.display_prefix)},
                  {"per minute", describe_limit(set.rate_limit_per_minute, "300; cpk 100")},
                  {"per day", describe_limit(set.rate_limit_per_day, "10000")}});
    if (changed->last_position == 0) print_line("The key had these limits already.");
  }
  return kExitOk;
}

}  // namespace accountctl
