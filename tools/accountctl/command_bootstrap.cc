// accountctl bootstrap: the first user of a fresh service, their organization
// and a key to reach the API with. Four domain commands run in turn, so every
// rule of the API applies; all input is checked before the first one, so a bad
// name or country never leaves a user without an organization behind.
#include <fmt/format.h>

#include "domain/commands.h"
#include "domain/validation.h"
#include "projections/write_pipeline.h"
#include "tools/accountctl/cli.h"
#include "tools/accountctl/operator_session.h"
#include "tools/accountctl/output.h"

namespace accountctl {
namespace {

using closient::Caller;
using closient::Status;

struct BootstrapInput {
  std::string email;  // normalized
  std::string name;
  std::string org_name;
  std::string country;
};

struct Bootstrapped {
  std::string user_id;
  std::string organization_id;
  std::string member_id;
  std::string api_key;
};

std::optional<BootstrapInput> read_input(const Args& args, std::string* problem) {
  UsageError usage;
  auto email = required_value(args, "--email", &usage);
  auto org = email ? required_value(args, "--org", &usage) : std::nullopt;
  auto country = org ? required_value(args, "--country", &usage) : std::nullopt;
  if (!country) {
    *problem = usage.message;
    return std::nullopt;
  }
  return BootstrapInput{*email, args.value("--name").value_or(""), *org, *country};
}

// The checks decide would make, made before anything is written.
Status check_input(BootstrapInput& input) {
  auto email = closient::normalize_email(input.email, "--email");
  if (!email.ok()) return email.error();
  input.email = *email;
  closient::Validation v;
  v.add(closient::check_optional_name(input.name, "--name"));
  v.add(closient::check_name(input.org_name, "--org"));
  v.add(closient::check_country(input.country, "--country"));
  return v.status();
}

// Organization and key, made by the new user through a short-lived token.
Status create_organization_and_key(OperatorSession& session, const BootstrapInput& input,
                                   Bootstrapped* out, const Caller& user) {
  closient::CreateOrganization create_org;
  create_org.name = input.org_name;
  create_org.country = input.country;
  auto org = session.execute(create_org, user);
  if (!org.ok()) return org.error();
  out->organization_id = org->decision.entity_id;
  if (org->org_after) {
    if (const auto* owner = org->org_after->active_member_of(out->user_id)) {
      out->member_id = owner->id;
    }
  }

  closient::CreateUserApiKey create_key;
  create_key.name = "bootstrap";
  create_key.description = "created by accountctl bootstrap";
  create_key.role = closient::KeyRole::manager;
  auto key = session.execute(create_key, user);
  if (!key.ok()) return key.error();
  out->api_key = key->decision.secret;
  return closient::ok_status();
}

void print_result(const Context& context, const BootstrapInput& input, const Bootstrapped& done) {
  if (context.json) {
    print_json_line({{"user_id", done.user_id},
                     {"organization_id", done.organization_id},
                     {"member_id", done.member_id},
                     {"api_key", done.api_key}});
    return;
  }
  print_fields({
      {"user", fmt::format("{} ({})", input.email, done.user_id)},
      {"organization",
       fmt::format("{} ({}), country {}", input.org_name, done.organization_id, input.country)},
      {"member", fmt::format("{} (owner)", done.member_id)},
      {"api key", done.api_key},
  });
  print_line("The API key (csu, role manager) is shown only now; keep it somewhere safe.");
}

}  // namespace

int run_bootstrap(const Context& context, const Args& args) {
  std::string problem;
  std::optional<BootstrapInput> input = read_input(args, &problem);
  if (!input) return fail_usage("bootstrap", problem);
  Status valid = check_input(*input);
  if (!valid.ok()) return fail(valid.error());

  auto session = OperatorSession::open(context, /*create_if_missing=*/true);
  if (!session.ok()) return fail(session.error());
  auto existing = (*session)->user_by_email(input->email);
  if (existing.ok()) {
    return fail(kExitFailure, "a user with email " + input->email + " already exists");
  }
  if (existing.error().code != closient::ErrorCode::not_found) return fail(existing.error());

  closient::BootstrapUser create_user;
  create_user.email = input->email;
  create_user.name = input->name;
  auto user = (*session)->execute(create_user);
  if (!user.ok()) return fail(user.error());

  Bootstrapped done;
  done.user_id = user->decision.entity_id;
  Status rest = (*session)->as_user(done.user_id, [&](const Caller& caller) {
    return create_organization_and_key(**session, *input, &done, caller);
  });
  if (!rest.ok()) {
    return fail(kExitFailure,
                "user " + done.user_id + " was created, but then: " + describe(rest.error()));
  }
  print_result(context, *input, done);
  return kExitOk;
}

}  // namespace accountctl
