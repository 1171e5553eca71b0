// The read operations: each one a query on the read models, answered on the
// I/O thread that received the request.
#include <charconv>
#include <functional>

#include "domain/roles.h"
#include "http/account_service.h"
#include "http/command_bodies.h"
#include "http/pagination.h"
#include "projections/as_of.h"

namespace closient::http {
namespace {

using Query = std::function<Result<Response>(const RequestContext&, const Caller&)>;

Response json_with_etag(const VersionedBody& versioned) {
  Response response = Response::json(200, versioned.body);
  response.headers.set("ETag", "\"" + std::to_string(versioned.etag) + "\"");
  return response;
}

Result<Response> ok_json(Result<nlohmann::json> body) {
  if (!body.ok()) return body.error();
  return Response::json(200, *body);
}

Result<Response> ok_versioned(Result<VersionedBody> body) {
  if (!body.ok()) return body.error();
  return json_with_etag(*body);
}

Result<PageRequest> page_of(const RequestContext& context) {
  return parse_page_request(context.request.query);
}

// A non-negative integer query parameter, or `fallback` when absent.
Result<uint64_t> unsigned_param(const RequestContext& context, std::string_view name,
                                uint64_t fallback) {
  std::optional<std::string_view> text = context.request.query.find(name);
  if (!text) return fallback;
  uint64_t value = 0;
  auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (text->empty() || error != std::errc() || end != text->data() + text->size())
    return Error::validation(std::string(name), "must be a non-negative integer");
  return value;
}

Result<Response> list_members(AccountQueries& queries, const RequestContext& context,
                              const Caller& caller) {
  Result<std::string> org = path_id(context.path_params, "org_id");
  if (!org.ok()) return org.error();
  Result<PageRequest> page = page_of(context);
  if (!page.ok()) return page.error();
  MemberFilter filter;
  if (std::optional<std::string_view> role = context.request.query.find("role")) {
    filter.role = parse_role(*role);
    if (!filter.role)
      return Error::validation("role", "must be one of owner, manager, billing, editor");
  }
  if (std::optional<std::string_view> q = context.request.query.find("q")) filter.q = *q;
  std::optional<AsOf> as_of;
  if (std::optional<std::string_view> text = context.request.query.find("as_of")) {
    Result<AsOf> parsed = parse_as_of(*text);
    if (!parsed.ok()) return parsed.error();
    as_of = *parsed;
  }
  return ok_json(queries.list_members(caller, *org, filter, *page, as_of));
}

Result<Response> audit_feed(AccountQueries& queries, const RequestContext& context,
                            const Caller& caller) {
  Result<std::string> org = path_id(context.path_params, "id");
  if (!org.ok()) return org.error();
  Result<uint64_t> after = unsigned_param(context, "after", 0);
  if (!after.ok()) return after.error();
  Result<uint64_t> limit = unsigned_param(context, "limit", kDefaultAuditLimit);
  if (!limit.ok()) return limit.error();
  if (*limit < 1 || *limit > kMaxAuditLimit)
    return Error::validation("limit", "must be between 1 and 1000");
  return ok_json(queries.audit_feed(caller, *org, *after, *limit));
}

}  // namespace

void AccountService::bind_queries(Dispatcher& dispatcher, Status& status) {
  AccountQueries& q = *parts_.queries;
  const AuthenticationGate& gate = *parts_.gate;
  auto bind = [&](const char* operation, Query query) {
    if (!status.ok()) return;
    status = dispatcher.bind(operation, [&gate, query](RequestContext context, Reply reply) {
      std::optional<GatePassed> passed = gate.pass(context, reply);
      if (!passed) return;
      Result<Response> answer = query(context, passed->auth.caller);
      passed->reply.send(answer.ok() ? std::move(*answer) : context.problem(answer.error()));
    });
  };

  bind("getWhoAmI",
       [&q](const RequestContext&, const Caller& caller) { return ok_json(q.whoami(caller)); });
  bind("listOrganizations", [&q](const RequestContext& context, const Caller& caller) {
    Result<PageRequest> page = page_of(context);
    if (!page.ok()) return Result<Response>(page.error());
    return ok_json(q.list_organizations(caller, *page));
  });
  bind("getOrganization", [&q](const RequestContext& context, const Caller& caller) {
    Result<std::string> org = path_id(context.path_params, "id");
    if (!org.ok()) return Result<Response>(org.error());
    return ok_versioned(q.get_organization(caller, *org));
  });
  bind("listMembers", [&q](const RequestContext& context, const Caller& caller) {
    return list_members(q, context, caller);
  });
  bind("getMember", [&q](const RequestContext& context, const Caller& caller) {
    Result<std::string> org = path_id(context.path_params, "org_id");
    if (!org.ok()) return Result<Response>(org.error());
    Result<std::string> member = path_id(context.path_params, "member_id");
    if (!member.ok()) return Result<Response>(member.error());
    return ok_versioned(q.get_member(caller, *org, *member));
  });
  bind("listOrganizationApiKeys", [&q](const RequestContext& context, const Caller& caller) {
    Result<std::string> org = path_id(context.path_params, "organization_id");
    if (!org.ok()) return Result<Response>(org.error());
    Result<PageRequest> page = page_of(context);
    if (!page.ok()) return Result<Response>(page.error());
    return ok_json(q.list_org_keys(caller, *org, *page));
  });
  bind("getOrganizationApiKey", [&q](const RequestContext& context, const Caller& caller) {
    Result<std::string> org = path_id(context.path_params, "organization_id");
    if (!org.ok()) return Result<Response>(org.error());
    Result<std::string> key = path_id(context.path_params, "key_id");
    if (!key.ok()) return Result<Response>(key.error());
    return ok_versioned(q.get_org_key(caller, *org, *key));
  });
  bind("listUserApiKeys", [&q](const RequestContext& context, const Caller& caller) {
    Result<PageRequest> page = page_of(context);
    if (!page.ok()) return Result<Response>(page.error());
    return ok_json(q.list_user_keys(caller, *page));
  });
  bind("getPreferences", [&q](const RequestContext&, const Caller& caller) {
    return ok_json(q.get_preferences(caller));
  });
  bind("listOrganizationEvents", [&q](const RequestContext& context, const Caller& caller) {
    return audit_feed(q, context, caller);
  });
}

}  // namespace closient::http
