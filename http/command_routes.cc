// The write operations: read the request into a command, hand it to the write
// pipeline, and answer from the pipeline's callback once the command's events
// are durable. Nothing here waits for the disk.
#include <memory>

#include "domain/views.h"
#include "events/append_rules.h"
#include "http/account_service.h"
#include "http/api_description.h"
#include "http/command_bodies.h"
#include "http/command_rights.h"
#include "http/json_body.h"
#include "http/request_parameters.h"

namespace closient::http {
namespace {

const char* const kCommandOperations[] = {
    "apps_accounts_api_organizations_create_organization",
    "apps_accounts_api_organizations_update_organization",
    "apps_accounts_api_organizations_delete_organization",
    "apps_accounts_api_organizations_restore_organization",
    "apps_accounts_api_members_invite_member",
    "apps_accounts_api_members_update_member",
    "apps_accounts_api_members_remove_member",
    "apps_accounts_api_api_keys_create_api_key",
    "apps_accounts_api_api_keys_update_api_key",
    "apps_accounts_api_api_keys_revoke_api_key",
    "apps_accounts_api_api_keys_create_user_api_key",
    "apps_accounts_api_api_keys_update_user_api_key",
    "apps_accounts_api_api_keys_revoke_user_api_key",
    "apps_accounts_api_preferences_replace_preferences",
};

void set_etag(Response& response, const OrganizationState& org) {
  response.headers.set("ETag", "\"" + std::to_string(org.version) + "\"");
}

// Creates answer 200 (as published) and name what they made (RFC 9110 §8.7): the
// body is a representation of the resource at this path.
void set_created(Response& response, const std::string& path) {
  response.headers.set("Content-Location", std::string(kApiBasePath) + path);
}

// The raw key is in this answer and nowhere else: no cache may keep it (§2).
void set_no_store(Response& response) {
  response.headers.set("Cache-Control", "no-store");
}

std::optional<int64_t> last_used_of(KeyUsageTracker* usage, const std::string& key_id) {
  return usage ? usage->last_used(key_id) : std::nullopt;
}

// The answer to a committed command, rendered from the states it left behind.
Result<Response> render(std::string_view operation, const CommandOutcome& outcome,
                        KeyUsageTracker* usage) {
  const OrganizationState* org = outcome.org_after.get();
  const UserState* user = outcome.user_after.get();
  const std::string& id = outcome.decision.entity_id;
  Error missing =
      Error::make(ErrorCode::internal_error, "The change was saved but cannot be shown.");

  if (operation == "apps_accounts_api_organizations_delete_organization" ||
      operation == "apps_accounts_api_api_keys_revoke_api_key" ||
      operation == "apps_accounts_api_api_keys_revoke_user_api_key")
    return Response::empty(204);
  if (operation == "apps_accounts_api_organizations_create_organization" ||
      operation == "apps_accounts_api_organizations_update_organization" ||
      operation == "apps_accounts_api_organizations_restore_organization") {
    if (!org) return missing;
    Response response = Response::json(200, organization_view(*org));
    set_etag(response, *org);
    if (operation == "apps_accounts_api_organizations_create_organization")
      set_created(response, "/organizations/" + org->id);
    return response;
  }
  if (operation == "apps_accounts_api_members_invite_member" ||
      operation == "apps_accounts_api_members_update_member" ||
      operation == "apps_accounts_api_members_remove_member") {
    const Member* member = org ? org->find_member(id) : nullptr;
    if (!member) return missing;
    Response response = Response::json(200, member_view(*member));
    set_etag(response, *org);
    if (operation == "apps_accounts_api_members_invite_member")
      set_created(response, "/organizations/" + org->id + "/members/" + member->id);
    return response;
  }
  if (operation == "apps_accounts_api_api_keys_create_api_key" ||
      operation == "apps_accounts_api_api_keys_update_api_key") {
    const ApiKey* key = org ? org->find_key(id) : nullptr;
    if (!key) return missing;
    const bool created = operation == "apps_accounts_api_api_keys_create_api_key";
    Response response =
        Response::json(200, created ? api_key_created_view(*key, outcome.decision.secret)
                                    : api_key_view(*key, last_used_of(usage, key->id)));
    set_etag(response, *org);
    if (created) {
      set_created(response, "/organizations/" + org->id + "/api-keys/" + key->id);
      set_no_store(response);
    }
    return response;
  }
  if (operation == "apps_accounts_api_api_keys_create_user_api_key" ||
      operation == "apps_accounts_api_api_keys_update_user_api_key") {
    const ApiKey* key = user ? user->find_key(id) : nullptr;
    if (!key) return missing;
    const bool created = operation == "apps_accounts_api_api_keys_create_user_api_key";
    Response response =
        Response::json(200, created ? api_key_created_view(*key, outcome.decision.secret)
                                    : api_key_view(*key, last_used_of(usage, key->id)));
    if (created) {
      set_created(response, "/api-keys/" + key->id);
      set_no_store(response);
    }
    return response;
  }
  if (operation == "apps_accounts_api_preferences_replace_preferences") {
    if (!user) return missing;
    return Response::json(200, preferences_view(user->preferences));
  }
  return missing;
}

// Wraps `reply` so the answer is also kept for Idempotency-Key replays (the
// store keeps it without the secret it may carry).
Reply remembering(Reply reply, IdempotencyStore* store, std::string slot, std::string fingerprint,
                  const RequestContext& context) {
  WallClock clock = context.clock;
  return Reply(
      [reply, store, slot = std::move(slot), fingerprint = std::move(fingerprint),
       clock](Response response) {
        store->finish(slot, fingerprint, response, clock());
        reply.send(std::move(response));
      },
      // Abandoned unanswered: a 500 problem, which also frees the key (5xx are not kept).
      [problem_context = context] {
        return problem_context.problem(
            Error::make(ErrorCode::internal_error, "The request could not be completed."));
      });
}

}  // namespace

void AccountService::bind_commands(Dispatcher& dispatcher, Status& status) {
  for (const char* operation : kCommandOperations) {
    if (!status.ok()) return;
    status = dispatcher.bind(
        operation, [this](RequestContext context, Reply reply) { run_command(context, reply); });
  }
}

void AccountService::run_command(const RequestContext& context, const Reply& gate_reply) {
  std::optional<GatePassed> passed = parts_.gate->pass(context, gate_reply);
  if (!passed) return;
  Reply reply = passed->reply;
  const std::string operation = context.route->operation_id;
  auto fail = [&](const Error& error) { reply.send(context.problem(error)); };
  if (Status parameters = check_parameters(context); !parameters.ok()) {
    return fail(parameters.error());
  }

  const Caller& caller = passed->auth.caller;
  Result<std::optional<uint64_t>> if_match = parse_if_match(context.request.headers);
  if (!if_match.ok()) return fail(if_match.error());
  std::optional<nlohmann::json> body;
  if (operation_takes_body(operation)) {
    // What the credential may do is settled before its body costs anything.
    Status may = check_rights_before_body(operation, context.path_params, caller, *parts_.queries);
    if (!may.ok()) return fail(may.error());
    Result<nlohmann::json> parsed = parse_json_body(context.request);
    if (!parsed.ok()) return fail(parsed.error());
    body = std::move(*parsed);
  }
  Result<Command> command = command_from_request(
      CommandInput{operation, &context.path_params, body ? &*body : nullptr, *if_match});
  if (!command.ok()) return fail(command.error());

  CommandRequest request{std::move(*command), caller, {}, context.request_id};
  std::string claimed_slot;
  if (std::optional<std::string_view> key = context.request.headers.find("Idempotency-Key");
      key && parts_.idempotency) {
    std::string fingerprint =
        request_fingerprint(context.request.method, context.request.path, context.request.body);
    IdempotencyStore::Claim claim = parts_.idempotency->claim(
        std::string(credential_kind_name(caller.kind)) + ":" + caller.credential_id,
        std::string(*key), fingerprint, context.received_at_ms);
    using Outcome = IdempotencyStore::Claim::Outcome;
    switch (claim.outcome) {
      case Outcome::invalid:
        return fail(Error::make(ErrorCode::bad_request,
                                "Idempotency-Key must be 1-255 visible ASCII characters."));
      case Outcome::in_flight:
        return fail(Error::make(ErrorCode::conflict,
                                "A request with this Idempotency-Key is still in progress.",
                                "idempotency_in_flight"));
      case Outcome::mismatch:
        return fail(command_fingerprint_differs());
      case Outcome::replay: {
        Response replayed = std::move(claim.stored);
        replayed.headers.set("Idempotency-Replayed", "true");
        return reply.send(std::move(replayed));
      }
      case Outcome::proceed:
        request.command_id = "key/" + claim.slot;
        request.command_fingerprint = fingerprint;
        claimed_slot = claim.slot;
        reply = remembering(reply, parts_.idempotency, claim.slot, fingerprint, context);
        break;
    }
  }

  KeyUsageTracker* usage = parts_.key_usage;
  SendQueue* sender = parts_.sender;
  parts_.pipeline->submit(
      std::move(request),
      [reply, unremembered = passed->reply, claimed_slot, idempotency = parts_.idempotency, sender,
       operation, usage, problem_context = context](Result<CommandOutcome> outcome) {
        // Rendered here, while the states it reads are held; sent elsewhere.
        // `reply` goes along even when the answer goes through `unremembered`:
        // dropped unanswered before that, it would answer its fallback 500 first.
        auto send = [sender, reply](const Reply& to, Response response) {
          if (sender == nullptr) return to.send(std::move(response));
          sender->post([to, keep = reply, response = std::move(response)]() mutable {
            to.send(std::move(response));
          });
        };
        if (!outcome.ok() && outcome.error().reason == kCommandAlreadyAppliedReason) {
          // Another node (or an earlier life of this one) carried the key's
          // request out: its answer, not this refusal, is what the key keeps.
          idempotency->release(claimed_slot);
          return send(unremembered, problem_context.problem(outcome.error()));
        }
        if (!outcome.ok()) return send(reply, problem_context.problem(outcome.error()));
        Result<Response> response = render(operation, *outcome, usage);
        if (!response.ok()) return send(reply, problem_context.problem(response.error()));
        if (outcome->last_position > 0)
          response->headers.set("X-Event-Position", std::to_string(outcome->last_position));
        send(reply, std::move(*response));
      });
}

Status AccountService::bind_routes(Dispatcher& dispatcher) {
  Status status = ok_status();
  bind_queries(dispatcher, status);
  bind_commands(dispatcher, status);
  return status;
}

}  // namespace closient::http
