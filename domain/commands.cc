#include "domain/commands.h"

#include <type_traits>

#include "domain/ids.h"
#include "domain/secret.h"
#include "domain/validation.h"

namespace closient {
namespace {

void fill_id(std::string& id, RandomSource& random) {
  if (id.empty()) id = new_id(random);
}

void fill_secret(std::string& raw, RandomSource& random) {
  if (raw.empty()) raw = generate_secret(random).raw;
}

void fill_key(std::string& raw, KeyKind kind, RandomSource& random) {
  if (raw.empty()) raw = generate_api_key(kind, random).raw;
}

struct GeneratedFields {
  RandomSource& random;

  void operator()(CreateOrganization& c) const {
    fill_id(c.org_id, random);
    fill_id(c.member_id, random);
  }
  void operator()(InviteMember& c) const {
    fill_id(c.member_id, random);
    fill_id(c.new_user_id, random);
  }
  void operator()(CreateOrgApiKey& c) const {
    fill_id(c.key_id, random);
    fill_key(c.raw_key, c.kind, random);
  }
  void operator()(CreateUserApiKey& c) const {
    fill_id(c.key_id, random);
    fill_key(c.raw_key, KeyKind::user, random);
  }
  void operator()(BootstrapUser& c) const { fill_id(c.user_id, random); }
  void operator()(IssueToken& c) const {
    fill_id(c.token_id, random);
    fill_secret(c.raw_token, random);
  }
  void operator()(IssueSession& c) const {
    fill_id(c.session_id, random);
    fill_secret(c.raw_session_token, random);
    fill_secret(c.raw_csrf_token, random);
  }
  template <typename Other>
  void operator()(Other&) const {}  // nothing generated
};

std::string normalized_or_empty(const std::string& email) {
  Result<std::string> normalized = normalize_email(email);
  return normalized.ok() ? normalized.value() : std::string();
}

}  // namespace

const char* command_name(const Command& command) {
  static const char* const kNames[] = {
      "CreateOrganization", "UpdateOrganization", "DeleteOrganization", "RestoreOrganization",
      "InviteMember",       "ChangeMemberRole",   "RemoveMember",       "CreateOrgApiKey",
      "UpdateOrgApiKey",    "RevokeOrgApiKey",    "CreateUserApiKey",   "UpdateUserApiKey",
      "RevokeUserApiKey",   "ReplacePreferences", "BootstrapUser",      "IssueToken",
      "RevokeToken",        "IssueSession",       "RevokeSession",      "SetApiKeyLimits",
  };
  static_assert(std::size(kNames) == std::variant_size_v<Command>, "a name per command");
  return kNames[command.index()];
}

bool is_operator_command(const Command& command) {
  return std::holds_alternative<BootstrapUser>(command) ||
         std::holds_alternative<IssueToken>(command) ||
         std::holds_alternative<RevokeToken>(command) ||
         std::holds_alternative<IssueSession>(command) ||
         std::holds_alternative<RevokeSession>(command) ||
         std::holds_alternative<SetApiKeyLimits>(command);
}

void assign_generated_fields(Command& command, RandomSource& random) {
  std::visit(GeneratedFields{random}, command);
}

CommandTargets targets_of(const Command& command) {
  CommandTargets targets;
  std::visit(
      [&](const auto& c) {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, InviteMember>) {
          targets.org_id = c.org_id;
          targets.email = normalized_or_empty(c.email);
        } else if constexpr (std::is_same_v<T, BootstrapUser>) {
          targets.email = normalized_or_empty(c.email);
        } else if constexpr (std::is_same_v<T, IssueToken> || std::is_same_v<T, RevokeToken> ||
                             std::is_same_v<T, IssueSession> || std::is_same_v<T, RevokeSession>) {
          targets.target_user_id = c.user_id;
        } else if constexpr (std::is_same_v<T, SetApiKeyLimits>) {
          targets.org_id = c.org_id;
          targets.target_user_id = c.user_id;
        } else if constexpr (std::is_same_v<T, CreateUserApiKey> ||
                             std::is_same_v<T, UpdateUserApiKey> ||
                             std::is_same_v<T, RevokeUserApiKey> ||
                             std::is_same_v<T, ReplacePreferences>) {
          // Only the calling user's stream.
        } else {
          targets.org_id = c.org_id;
        }
      },
      command);
  return targets;
}

}  // namespace closient
