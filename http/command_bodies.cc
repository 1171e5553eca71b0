#include "http/command_bodies.h"

#include <cctype>
#include <functional>
#include <map>

#include "domain/ids.h"
#include "domain/metadata.h"
#include "domain/validation.h"
#include "events/timestamp.h"
#include "http/json_body.h"

namespace closient::http {
namespace {

using nlohmann::json;

const json* member(const json& body, const char* name) {
  auto it = body.find(name);
  return it == body.end() ? nullptr : &*it;
}

// A member that may be absent or null: nullopt for both.
std::optional<std::string> optional_string(const json& body, const char* name) {
  const json* value = member(body, name);
  if (value == nullptr || value->is_null()) return std::nullopt;
  return value->get<std::string>();
}

std::optional<bool> optional_bool(const json& body, const char* name) {
  const json* value = member(body, name);
  if (value == nullptr || value->is_null()) return std::nullopt;
  return value->get<bool>();
}

// Collects field errors across the whole body so a client sees all of them at once.
class BodyReader {
 public:
  explicit BodyReader(const json& body) : body_(body) {}

  std::optional<std::string> string(const char* name) { return optional_string(body_, name); }
  std::optional<bool> boolean(const char* name) { return optional_bool(body_, name); }

  Metadata metadata(const char* name) {
    const json* value = member(body_, name);
    if (value == nullptr) return {};
    Result<Metadata> parsed = parse_metadata(*value, name);
    if (!parsed.ok()) {
      validation_.add(Status(parsed.error()));
      return {};
    }
    return metadata_from_values(*parsed);
  }

  MetadataPatch metadata_patch(const char* name) {
    Result<MetadataPatch> parsed = parse_metadata_patch(member(body_, name), name);
    if (!parsed.ok()) {
      validation_.add(Status(parsed.error()));
      return MetadataPatch::unchanged();
    }
    return *parsed;
  }

  int64_t rate_limit(const char* name) {
    const json* value = member(body_, name);
    if (value == nullptr || value->is_null()) return 0;
    if (!value->is_number_integer()) {
      validation_.fail(name, "must be an integer >= 0");
      return 0;
    }
    int64_t number = value->is_number_unsigned() && value->get<uint64_t>() > INT64_MAX
                         ? INT64_MAX
                         : value->get<int64_t>();
    if (number < 0) validation_.fail(name, "must be an integer >= 0");
    return number;
  }

  std::optional<int64_t> timestamp(const char* name) {
    std::optional<std::string> text = string(name);
    if (!text) return std::nullopt;
    std::optional<int64_t> ms = parse_timestamp_ms(*text);
    if (!ms) validation_.fail(name, "must be an RFC 3339 timestamp, e.g. 2030-01-01T00:00:00Z");
    return ms;
  }

  template <typename T>
  std::optional<T> parsed(const char* name,
                          Result<T> (*parse)(std::string_view, std::string_view)) {
    std::optional<std::string> text = string(name);
    if (!text) return std::nullopt;
    Result<T> value = parse(*text, name);
    if (!value.ok()) {
      validation_.add(Status(value.error()));
      return std::nullopt;
    }
    return *value;
  }

  void add(const Status& status) { validation_.add(status); }
  Status status() const { return validation_.status(); }

 private:
  const json& body_;
  Validation validation_;
};

constexpr uint32_t kString = kJsonString;
constexpr uint32_t kNullableString = kJsonString | kJsonNull;
constexpr uint32_t kNullableBool = kJsonBoolean | kJsonNull;
constexpr uint32_t kNullableObject = kJsonObject | kJsonNull;
constexpr uint32_t kNullableInteger = kJsonInteger | kJsonNull;

using Builder = std::function<Result<Command>(const CommandInput&)>;

Result<Command> create_organization(const CommandInput& in) {
  const json& body = *in.body;
  Status shape = check_object_shape(body, {{"name", kString, true},
                                           {"country", kString, true},
                                           {"is_brand", kNullableBool, false},
                                           {"metadata", kNullableObject, false}});
  if (!shape.ok()) return shape.error();
  BodyReader read(body);
  CreateOrganization cmd;
  cmd.name = read.string("name").value_or("");
  cmd.country = read.string("country").value_or("");
  cmd.is_brand = read.boolean("is_brand").value_or(false);
  cmd.metadata = read.metadata("metadata");
  if (Status s = read.status(); !s.ok()) return s.error();
  return Command(std::move(cmd));
}

Result<Command> update_organization(const CommandInput& in) {
  Result<std::string> org = path_id(*in.path, "id");
  if (!org.ok()) return org.error();
  const json& body = *in.body;
  Status shape = check_object_shape(body, {{"name", kNullableString, false},
                                           {"country", kNullableString, false},
                                           {"is_brand", kNullableBool, false},
                                           {"require_reauth_to_delete", kNullableBool, false},
                                           {"metadata", kNullableObject, false}});
  if (!shape.ok()) return shape.error();
  BodyReader read(body);
  UpdateOrganization cmd;
  cmd.org_id = *org;
  cmd.name = read.string("name");
  cmd.country = read.string("country");
  cmd.is_brand = read.boolean("is_brand");
  cmd.require_reauth_to_delete = read.boolean("require_reauth_to_delete");
  cmd.metadata = read.metadata_patch("metadata");
  cmd.if_match_version = in.if_match;
  if (Status s = read.status(); !s.ok()) return s.error();
  return Command(std::move(cmd));
}

Result<Command> delete_organization(const CommandInput& in) {
  Result<std::string> org = path_id(*in.path, "id");
  if (!org.ok()) return org.error();
  return Command(DeleteOrganization{*org, in.if_match});
}

Result<Command> restore_organization(const CommandInput& in) {
  Result<std::string> org = path_id(*in.path, "id");
  if (!org.ok()) return org.error();
  return Command(RestoreOrganization{*org, in.if_match});
}

Result<Command> invite_member(const CommandInput& in) {
  Result<std::string> org = path_id(*in.path, "org_id");
  if (!org.ok()) return org.error();
  const json& body = *in.body;
  Status shape =
      check_object_shape(body, {{"email", kString, true}, {"role", kNullableString, false}});
  if (!shape.ok()) return shape.error();
  BodyReader read(body);
  InviteMember cmd;
  cmd.org_id = *org;
  if (std::optional<std::string> email = read.parsed<std::string>("email", normalize_email))
    cmd.email = *email;
  cmd.role = read.parsed<Role>("role", parse_role_field).value_or(Role::editor);
  cmd.if_match_version = in.if_match;
  if (Status s = read.status(); !s.ok()) return s.error();
  return Command(std::move(cmd));
}

Result<Command> update_member(const CommandInput& in) {
  Result<std::string> org = path_id(*in.path, "org_id");
  if (!org.ok()) return org.error();
  Result<std::string> member_id = path_id(*in.path, "member_id");
  if (!member_id.ok()) return member_id.error();
  const json& body = *in.body;
  Status shape = check_object_shape(body, {{"role", kString, true}});
  if (!shape.ok()) return shape.error();
  BodyReader read(body);
  ChangeMemberRole cmd;
  cmd.org_id = *org;
  cmd.member_id = *member_id;
  std::optional<Role> role = read.parsed<Role>("role", parse_role_field);
  if (Status s = read.status(); !s.ok()) return s.error();
  cmd.role = *role;
  cmd.if_match_version = in.if_match;
  return Command(std::move(cmd));
}

Result<Command> remove_member(const CommandInput& in) {
  Result<std::string> org = path_id(*in.path, "org_id");
  if (!org.ok()) return org.error();
  Result<std::string> member_id = path_id(*in.path, "member_id");
  if (!member_id.ok()) return member_id.error();
  return Command(RemoveMember{*org, *member_id, in.if_match});
}

const std::vector<FieldRule>& new_key_rules(bool with_kind) {
  static const std::vector<FieldRule> base = {
      {"name", kString, true},
      {"description", kNullableString, false},
      {"role", kNullableString, false},
      {"expires_at", kNullableString, false},
      {"rate_limit_per_minute", kNullableInteger, false},
      {"rate_limit_per_day", kNullableInteger, false},
      {"metadata", kNullableObject, false},
  };
  static const std::vector<FieldRule> with = [] {
    std::vector<FieldRule> rules = base;
    rules.push_back({"kind", kNullableString, false});
    return rules;
  }();
  return with_kind ? with : base;
}

// The fields both key-creating commands share.
template <typename KeyCommand>
void read_new_key(BodyReader& read, KeyCommand& cmd) {
  cmd.name = read.string("name").value_or("");
  cmd.description = read.string("description").value_or("");
  cmd.role = read.parsed<KeyRole>("role", parse_key_role_field).value_or(KeyRole::readonly);
  cmd.expires_at_ms = read.timestamp("expires_at");
  cmd.rate_limit_per_minute = read.rate_limit("rate_limit_per_minute");
  cmd.rate_limit_per_day = read.rate_limit("rate_limit_per_day");
  cmd.metadata = read.metadata("metadata");
}

Result<Command> create_org_key(const CommandInput& in) {
  Result<std::string> org = path_id(*in.path, "organization_id");
  if (!org.ok()) return org.error();
  const json& body = *in.body;
  Status shape = check_object_shape(body, new_key_rules(true));
  if (!shape.ok()) return shape.error();
  BodyReader read(body);
  CreateOrgApiKey cmd;
  cmd.org_id = *org;
  read_new_key(read, cmd);
  cmd.kind = read.parsed<KeyKind>("kind", parse_org_key_kind_field).value_or(KeyKind::business);
  cmd.if_match_version = in.if_match;
  if (Status s = read.status(); !s.ok()) return s.error();
  return Command(std::move(cmd));
}

Result<Command> create_user_key(const CommandInput& in) {
  const json& body = *in.body;
  if (body.is_object() && body.contains("kind"))
    return Error::validation("kind", "keys created here are always of kind user");
  Status shape = check_object_shape(body, new_key_rules(false));
  if (!shape.ok()) return shape.error();
  BodyReader read(body);
  CreateUserApiKey cmd;
  read_new_key(read, cmd);
  if (Status s = read.status(); !s.ok()) return s.error();
  return Command(std::move(cmd));
}

// The fields both key-updating commands share.
template <typename KeyUpdate>
void read_key_update(BodyReader& read, KeyUpdate& cmd) {
  cmd.name = read.string("name");
  cmd.description = read.string("description");
  cmd.metadata = read.metadata_patch("metadata");
}

const std::vector<FieldRule> kKeyUpdateRules = {{"name", kNullableString, false},
                                                {"description", kNullableString, false},
                                                {"metadata", kNullableObject, false}};

Result<Command> update_org_key(const CommandInput& in) {
  Result<std::string> org = path_id(*in.path, "organization_id");
  if (!org.ok()) return org.error();
  Result<std::string> key = path_id(*in.path, "key_id");
  if (!key.ok()) return key.error();
  const json& body = *in.body;
  Status shape = check_object_shape(body, kKeyUpdateRules);
  if (!shape.ok()) return shape.error();
  BodyReader read(body);
  UpdateOrgApiKey cmd;
  cmd.org_id = *org;
  cmd.key_id = *key;
  read_key_update(read, cmd);
  cmd.if_match_version = in.if_match;
  if (Status s = read.status(); !s.ok()) return s.error();
  return Command(std::move(cmd));
}

Result<Command> update_user_key(const CommandInput& in) {
  Result<std::string> key = path_id(*in.path, "key_id");
  if (!key.ok()) return key.error();
  const json& body = *in.body;
  Status shape = check_object_shape(body, kKeyUpdateRules);
  if (!shape.ok()) return shape.error();
  BodyReader read(body);
  UpdateUserApiKey cmd;
  cmd.key_id = *key;
  read_key_update(read, cmd);
  if (Status s = read.status(); !s.ok()) return s.error();
  return Command(std::move(cmd));
}

Result<Command> revoke_org_key(const CommandInput& in) {
  Result<std::string> org = path_id(*in.path, "organization_id");
  if (!org.ok()) return org.error();
  Result<std::string> key = path_id(*in.path, "key_id");
  if (!key.ok()) return key.error();
  return Command(RevokeOrgApiKey{*org, *key, in.if_match});
}

Result<Command> revoke_user_key(const CommandInput& in) {
  Result<std::string> key = path_id(*in.path, "key_id");
  if (!key.ok()) return key.error();
  return Command(RevokeUserApiKey{*key});
}

Result<Command> replace_preferences(const CommandInput& in) {
  if (!in.body->is_array())
    return Error::validation("body", "must be an array of TraitPreference objects");
  Result<std::vector<TraitPreference>> list = parse_preferences(*in.body);
  if (!list.ok()) return list.error();
  return Command(ReplacePreferences{std::move(*list)});
}

const std::map<std::string_view, std::pair<Builder, bool>>& builders() {
  // operation id → (builder, takes a JSON body)
  static const std::map<std::string_view, std::pair<Builder, bool>> table = {
      {"apps_accounts_api_organizations_create_organization", {create_organization, true}},
      {"apps_accounts_api_organizations_update_organization", {update_organization, true}},
      {"apps_accounts_api_organizations_delete_organization", {delete_organization, false}},
      {"apps_accounts_api_organizations_restore_organization", {restore_organization, false}},
      {"apps_accounts_api_members_invite_member", {invite_member, true}},
      {"apps_accounts_api_members_update_member", {update_member, true}},
      {"apps_accounts_api_members_remove_member", {remove_member, false}},
      {"apps_accounts_api_api_keys_create_api_key", {create_org_key, true}},
      {"apps_accounts_api_api_keys_update_api_key", {update_org_key, true}},
      {"apps_accounts_api_api_keys_revoke_api_key", {revoke_org_key, false}},
      {"apps_accounts_api_api_keys_create_user_api_key", {create_user_key, true}},
      {"apps_accounts_api_api_keys_update_user_api_key", {update_user_key, true}},
      {"apps_accounts_api_api_keys_revoke_user_api_key", {revoke_user_key, false}},
      {"apps_accounts_api_preferences_replace_preferences", {replace_preferences, true}},
  };
  return table;
}

}  // namespace

Result<std::string> path_id(const PathParams& path, std::string_view name) {
  return parse_id(path.get(name), name);
}

bool operation_takes_body(std::string_view operation_id) {
  auto it = builders().find(operation_id);
  return it != builders().end() && it->second.second;
}

Result<Command> command_from_request(const CommandInput& input) {
  auto it = builders().find(input.operation_id);
  if (it == builders().end())
    return Error::make(ErrorCode::internal_error, "This operation does not change anything.");
  static const nlohmann::json kNoBody;
  CommandInput in = input;
  if (in.body == nullptr) in.body = &kNoBody;
  if (it->second.second && !in.body->is_object() &&
      input.operation_id != "apps_accounts_api_preferences_replace_preferences")
    return Error::validation("body", "must be a JSON object");
  return it->second.first(in);
}

Result<std::optional<uint64_t>> parse_if_match(const Headers& headers) {
  std::optional<std::string_view> value = headers.find("If-Match");
  if (!value) return std::optional<uint64_t>{};
  std::string_view text = *value;
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  if (text == "*") return std::optional<uint64_t>{};
  if (text.substr(0, 2) == "W/") text.remove_prefix(2);
  Error bad = Error::make(ErrorCode::bad_request,
                          "If-Match must be an ETag this service issued, e.g. \"7\".");
  if (text.size() < 3 || text.front() != '"' || text.back() != '"') return bad;
  text = text.substr(1, text.size() - 2);
  if (text.size() > 19) return bad;
  uint64_t version = 0;
  for (char c : text) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return bad;
    version = version * 10 + static_cast<uint64_t>(c - '0');
  }
  return std::optional<uint64_t>{version};
}

}  // namespace closient::http
