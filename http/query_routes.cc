// The read operations: each one a query on the read models, answered on the
// I/O thread that received the request. Parameters are checked all at once
// (check_parameters) before any query runs, so the readers below cannot fail.
#include <functional>

#include "domain/roles.h"
#include "http/account_service.h"
#include "http/command_bodies.h"
#include "http/pagination.h"
#include "http/request_parameters.h"

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

Result<Response> list_members(AccountQueries& queries, const RequestContext& context,
                              const Caller& caller) {
  Result<std::string> org = path_id(context.path_params, "org_id");
  if (!org.ok()) return org.error();
  Result<PageRequest> page = page_of(context);
  if (!page.ok()) return page.error();
  MemberFilter filter;
  Result<std::optional<Role>> role = read_role_filter(context.request.query);
  if (!role.ok()) return role.error();
  filter.role = *role;
  if (std::optional<std::string_view> q = context.request.query.find("q")) filter.q = *q;
  Result<std::optional<AsOf>> as_of = read_as_of(context.request.query);
  if (!as_of.ok()) return as_of.error();
  Result<std::string> body = queries.list_members_text(caller, *org, filter, *page, *as_of);
  if (!body.ok()) return body.error();
  return Response::text(200, std::move(body).value(), kJsonContentType);
}

Result<Response> audit_feed(AccountQueries& queries, const RequestContext& context,
                            const Caller& caller) {
  Result<std::string> org = path_id(context.path_params, "id");
  if (!org.ok()) return org.error();
  Result<uint64_t> after = read_after(context.request.query);
  if (!after.ok()) return after.error();
  Result<uint64_t> limit = read_limit(context.request.query);
  if (!limit.ok()) return limit.error();
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
      if (Status parameters = check_parameters(context); !parameters.ok()) {
        return passed->reply.send(context.problem(parameters.error()));
      }
      Result<Response> answer = query(context, passed->auth.caller);
      passed->reply.send(answer.ok() ? std::move(*answer) : context.problem(answer.error()));
    });
  };

  bind("apps_accounts_api_account_whoami",
       [&q](const RequestContext&, const Caller& caller) { return ok_json(q.whoami(caller)); });
  bind("apps_accounts_api_organizations_list_organizations",
       [&q](const RequestContext& context, const Caller& caller) {
         Result<PageRequest> page = page_of(context);
         if (!page.ok()) return Result<Response>(page.error());
         return ok_json(q.list_organizations(caller, *page));
       });
  bind("apps_accounts_api_organizations_get_organization",
       [&q](const RequestContext& context, const Caller& caller) {
         Result<std::string> org = path_id(context.path_params, "id");
         if (!org.ok()) return Result<Response>(org.error());
         return ok_versioned(q.get_organization(caller, *org));
       });
  bind("apps_accounts_api_members_list_members",
       [&q](const RequestContext& context, const Caller& caller) {
         return list_members(q, context, caller);
       });
  bind("apps_accounts_api_members_get_member",
       [&q](const RequestContext& context, const Caller& caller) {
         Result<std::string> org = path_id(context.path_params, "org_id");
         if (!org.ok()) return Result<Response>(org.error());
         Result<std::string> member = path_id(context.path_params, "member_id");
         if (!member.ok()) return Result<Response>(member.error());
         return ok_versioned(q.get_member(caller, *org, *member));
       });
  bind("apps_accounts_api_api_keys_list_api_keys",
       [&q](const RequestContext& context, const Caller& caller) {
         Result<std::string> org = path_id(context.path_params, "organization_id");
         if (!org.ok()) return Result<Response>(org.error());
         Result<PageRequest> page = page_of(context);
         if (!page.ok()) return Result<Response>(page.error());
         return ok_json(q.list_org_keys(caller, *org, *page));
       });
  bind("apps_accounts_api_api_keys_get_api_key",
       [&q](const RequestContext& context, const Caller& caller) {
         Result<std::string> org = path_id(context.path_params, "organization_id");
         if (!org.ok()) return Result<Response>(org.error());
         Result<std::string> key = path_id(context.path_params, "key_id");
         if (!key.ok()) return Result<Response>(key.error());
         return ok_versioned(q.get_org_key(caller, *org, *key));
       });
  bind("apps_accounts_api_api_keys_list_user_api_keys",
       [&q](const RequestContext& context, const Caller& caller) {
         Result<PageRequest> page = page_of(context);
         if (!page.ok()) return Result<Response>(page.error());
         return ok_json(q.list_user_keys(caller, *page));
       });
  bind("apps_accounts_api_preferences_get_preferences",
       [&q](const RequestContext&, const Caller& caller) {
         return ok_json(q.get_preferences(caller));
       });
  bind("apps_accounts_api_organizations_list_organization_events",
       [&q](const RequestContext& context, const Caller& caller) {
         return audit_feed(q, context, caller);
       });
}

}  // namespace closient::http
