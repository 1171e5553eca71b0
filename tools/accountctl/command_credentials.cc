// accountctl token issue|revoke and session issue|revoke: the credentials the
// API accepts but does not hand out itself (contract §2). Raw values are
// printed once; the log and the read models keep only their SHA-256.
#include <fmt/format.h>

#include "domain/ids.h"
#include "domain/secret.h"
#include "events/timestamp.h"
#include "projections/write_pipeline.h"
#include "tools/accountctl/cli.h"
#include "tools/accountctl/clock.h"
#include "tools/accountctl/operator_session.h"
#include "tools/accountctl/output.h"

namespace accountctl {
namespace {

constexpr int64_t kDefaultTokenTtlSeconds = 24 * 60 * 60;         // a day
constexpr int64_t kDefaultSessionTtlSeconds = 14 * 24 * 60 * 60;  // two weeks
constexpr int64_t kMaxTtlSeconds = 365 * 24 * 60 * 60;            // a year

// Which credential a revoke names: its id, or the raw value that hashes to it.
struct CredentialName {
  std::optional<std::string> id;
  std::optional<std::string> raw;
};

std::optional<CredentialName> read_name(const Args& args, const std::string& raw_flag,
                                        UsageError* error) {
  if (args.has("--id") == args.has(raw_flag)) {
    *error = UsageError{"give exactly one of --id and " + raw_flag};
    return std::nullopt;
  }
  CredentialName name;
  if (auto id = args.value("--id")) {
    name.id = closient::normalize_id(*id);
    if (!name.id) {
      *error = UsageError{"invalid --id '" + *id + "': not a shortuuid or UUID"};
      return std::nullopt;
    }
  } else {
    name.raw = args.value(raw_flag);
  }
  return name;
}

// The id of the user's token or session the name refers to, or empty.
template <typename Credentials, typename HashOf>
std::string find_credential(const Credentials& credentials, const CredentialName& name,
                            HashOf hash_of) {
  if (name.id) return credentials.count(*name.id) ? *name.id : std::string();
  for (const auto& [id, credential] : credentials) {
    if (closient::secret_matches(*name.raw, hash_of(credential))) return id;
  }
  return std::string();
}

std::optional<int64_t> ttl_seconds(const Args& args, int64_t fallback, UsageError* error) {
  auto text = args.value("--ttl");
  if (!text) return fallback;
  return parse_integer("--ttl", *text, 1, kMaxTtlSeconds, error);
}

int print_revoked(const Context& context, const std::string& what, const std::string& id) {
  if (context.json) {
    print_json_line({{"id", id}, {"revoked", true}});
  } else {
    print_line(what + " " + id + " revoked");
  }
  return kExitOk;
}

}  // namespace

int run_token_issue(const Context& context, const Args& args) {
  UsageError usage;
  auto email = required_value(args, "--email", &usage);
  auto ttl = email ? ttl_seconds(args, kDefaultTokenTtlSeconds, &usage) : std::nullopt;
  if (!ttl) return fail_usage("token issue", usage.message);

  auto session = OperatorSession::open(context, /*create_if_missing=*/false);
  if (!session.ok()) return fail(session.error());
  auto user = (*session)->user_by_email(*email);
  if (!user.ok()) return fail(user.error());

  closient::IssueToken issue;
  issue.user_id = user->id;
  issue.expires_at_ms = now_ms() + *ttl * 1000;
  auto issued = (*session)->execute(issue);
  if (!issued.ok()) return fail(issued.error());

  const std::string expires_at = closient::format_timestamp_ms(issue.expires_at_ms);
  if (context.json) {
    print_json_line({{"id", issued->decision.entity_id},
                     {"token", issued->decision.secret},
                     {"expires_at", expires_at}});
  } else {
    print_fields({{"token", issued->decision.secret},
                  {"id", issued->decision.entity_id},
                  {"user", fmt::format("{} ({})", user->email, user->id)},
                  {"expires at", expires_at}});
    print_line("Send it as 'Authorization: Bearer TOKEN'; it is shown only now.");
  }
  return kExitOk;
}

int run_token_revoke(const Context& context, const Args& args) {
  UsageError usage;
  auto email = required_value(args, "--email", &usage);
  auto name = email ? read_name(args, "--token", &usage) : std::nullopt;
  if (!name) return fail_usage("token revoke", usage.message);

  auto session = OperatorSession::open(context, /*create_if_missing=*/false);
  if (!session.ok()) return fail(session.error());
  auto user = (*session)->user_by_email(*email);
  if (!user.ok()) return fail(user.error());
  const std::string token_id = find_credential(
      user->tokens, *name, [](const closient::Token& token) { return token.token_sha256; });
  if (token_id.empty()) return fail(kExitFailure, "no such token for " + user->email);

  closient::RevokeToken revoke;
  revoke.user_id = user->id;
  revoke.token_id = token_id;
  auto revoked = (*session)->execute(revoke);
  if (!revoked.ok()) return fail(revoked.error());
  return print_revoked(context, "token", token_id);
}

int run_session_issue(const Context& context, const Args& args) {
  UsageError usage;
  auto email = required_value(args, "--email", &usage);
  auto ttl = email ? ttl_seconds(args, kDefaultSessionTtlSeconds, &usage) : std::nullopt;
  std::optional<int64_t> ago = int64_t{0};
  if (ttl && args.has("--authenticated-ago")) {
    ago = parse_integer("--authenticated-ago", *args.value("--authenticated-ago"), 0,
                        kMaxTtlSeconds, &usage);
  }
  if (!ttl || !ago) return fail_usage("session issue", usage.message);

  auto session = OperatorSession::open(context, /*create_if_missing=*/false);
  if (!session.ok()) return fail(session.error());
  auto user = (*session)->user_by_email(*email);
  if (!user.ok()) return fail(user.error());

  const int64_t now = now_ms();
  closient::IssueSession issue;
  issue.user_id = user->id;
  issue.expires_at_ms = now + *ttl * 1000;
  issue.authenticated_at_ms = now - *ago * 1000;
  auto issued = (*session)->execute(issue);
  if (!issued.ok()) return fail(issued.error());

  const std::string expires_at = closient::format_timestamp_ms(issue.expires_at_ms);
  if (context.json) {
    print_json_line({{"id", issued->decision.entity_id},
                     {"sessionid", issued->decision.secret},
                     {"csrf_token", issued->decision.csrf_token},
                     {"expires_at", expires_at}});
  } else {
    print_fields({{"sessionid", issued->decision.secret},
                  {"csrf token", issued->decision.csrf_token},
                  {"id", issued->decision.entity_id},
                  {"user", fmt::format("{} ({})", user->email, user->id)},
                  {"authenticated at", closient::format_timestamp_ms(*issue.authenticated_at_ms)},
                  {"expires at", expires_at}});
    print_line(
        "Send 'Cookie: sessionid=SESSIONID' and, to change state, 'X-CSRF-Token'; "
        "both are shown only now.");
  }
  return kExitOk;
}

int run_session_revoke(const Context& context, const Args& args) {
  UsageError usage;
  auto email = required_value(args, "--email", &usage);
  auto name = email ? read_name(args, "--sessionid", &usage) : std::nullopt;
  if (!name) return fail_usage("session revoke", usage.message);

  auto session = OperatorSession::open(context, /*create_if_missing=*/false);
  if (!session.ok()) return fail(session.error());
  auto user = (*session)->user_by_email(*email);
  if (!user.ok()) return fail(user.error());
  const std::string session_id = find_credential(
      user->sessions, *name, [](const closient::Session& found) { return found.session_sha256; });
  if (session_id.empty()) return fail(kExitFailure, "no such session for " + user->email);

  closient::RevokeSession revoke;
  revoke.user_id = user->id;
  revoke.session_id = session_id;
  auto revoked = (*session)->execute(revoke);
  if (!revoked.ok()) return fail(revoked.error());
  return print_revoked(context, "session", session_id);
}

}  // namespace accountctl
