// What org keys (csb/cpk) and user keys (csu) share in decide: validating a
// new key's fields and its generated material, and turning a PATCH into the
// changes it makes. Internal to the domain.
#pragma once

#include <optional>
#include <string>

#include "domain/decide_support.h"
#include "domain/ids.h"
#include "domain/validation.h"

namespace closient {
namespace decide_support {

// CreateOrgApiKey or CreateUserApiKey → the created event's data.
template <typename Create>
Result<ApiKeyCreatedData> new_api_key(const DecideContext& c, const Create& cmd, KeyKind kind) {
  const Metadata metadata = metadata_from_values(cmd.metadata);
  Validation v;
  v.add(check_name(cmd.name));
  v.add(check_description(cmd.description));
  v.add(check_expires_at(cmd.expires_at_ms, c.now_ms));
  v.add(
      check_rate_limit(cmd.rate_limit_per_minute, kMaxRateLimitPerMinute, "rate_limit_per_minute"));
  v.add(check_rate_limit(cmd.rate_limit_per_day, kMaxRateLimitPerDay, "rate_limit_per_day"));
  v.add(check_metadata(metadata, "metadata"));
  if (!v.ok()) return v.status().error();
  if (!shortuuid_decode(cmd.key_id) || well_formed_api_key(cmd.raw_key) != kind) {
    return internal("Creating a key needs a generated key id and key of its kind.");
  }
  const GeneratedApiKey material = describe_api_key(cmd.raw_key);
  ApiKeyCreatedData data;
  data.key_id = cmd.key_id;
  data.kind = kind;
  data.name = cmd.name;
  data.description = cmd.description;
  data.role = cmd.role;
  data.key_sha256 = material.sha256;
  data.prefix = material.display_prefix;
  data.created_at_ms = c.now_ms;
  data.expires_at_ms = cmd.expires_at_ms;
  data.rate_limit_per_minute = cmd.rate_limit_per_minute;
  data.rate_limit_per_day = cmd.rate_limit_per_day;
  data.metadata = metadata;
  data.created_by = acting_user_id(c);
  return data;
}

// conflict (reason key_limit) when `owner` (an organization or a user) already
// holds `limit` live keys. The unrevoked count is kept by evolve; only near the
// limit are expired keys told apart, by looking at each.
template <typename Owner>
Status check_key_limit(const Owner& owner, size_t limit, int64_t now_ms) {
  if (owner.unrevoked_key_count < limit) return ok_status();
  size_t live = 0;
  for (const ApiKey& key : owner.keys)
    if (key.live_at(now_ms)) ++live;
  if (live < limit) return ok_status();
  return conflict("At most " + std::to_string(limit) +
                      " live API keys are allowed here; revoke one to make another.",
                  "key_limit");
}

// UpdateOrgApiKey or UpdateUserApiKey → the changes it makes to `key`
// (nullopt when it changes nothing).
template <typename Update>
Result<std::optional<ApiKeyUpdatedData>> api_key_changes(const ApiKey& key, const Update& cmd) {
  const Metadata metadata = apply_metadata_patch(key.metadata, cmd.metadata);
  Validation v;
  if (cmd.name) v.add(check_name(*cmd.name));
  if (cmd.description) v.add(check_description(*cmd.description));
  v.add(check_metadata(metadata, "metadata"));
  if (!v.ok()) return v.status().error();
  ApiKeyUpdatedData data;
  data.key_id = key.id;
  if (cmd.name && *cmd.name != key.name) data.name = cmd.name;
  if (cmd.description && *cmd.description != key.description) data.description = cmd.description;
  if (metadata != key.metadata) data.metadata = metadata;
  if (!data.name && !data.description && !data.metadata) {
    return std::optional<ApiKeyUpdatedData>();
  }
  return std::optional<ApiKeyUpdatedData>(std::move(data));
}

// The decision of a key creation: `Created` (OrgApiKeyCreated or
// UserApiKeyCreated) appended to the owner's stream, the raw key shown once.
template <typename Created, typename Owner>
Decision key_created(const Owner& owner, ApiKeyCreatedData data, const std::string& raw_key) {
  Created created;
  static_cast<ApiKeyCreatedData&>(created) = std::move(data);
  const std::string key_id = created.key_id;
  StreamAppend append = append_to(owner);
  append.events.push_back(event_of(created));
  Decision decision = single_append(std::move(append), key_id);
  decision.secret = raw_key;
  return decision;
}

// The decision of a key update: `Updated` appended when anything changed.
template <typename Updated, typename Owner>
Decision key_updated(const Owner& owner, std::optional<ApiKeyUpdatedData> changes,
                     const std::string& key_id) {
  StreamAppend append = append_to(owner);
  if (changes) {
    Updated updated;
    static_cast<ApiKeyUpdatedData&>(updated) = std::move(*changes);
    append.events.push_back(event_of(updated));
  }
  return single_append(std::move(append), key_id);
}

}  // namespace decide_support
}  // namespace closient
