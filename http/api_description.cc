#include "http/api_description.h"

#include <utility>

namespace closient::http {
namespace {

// A fluent way to write one row of the table, so each row reads as a sentence.
class Describe {
 public:
  Describe(std::string method, std::string path, std::string operation_id) {
    op_.method = std::move(method);
    op_.path = std::move(path);
    op_.operation_id = std::move(operation_id);
  }
  Describe& tag(std::string tag) {
    op_.tag = std::move(tag);
    return *this;
  }
  Describe& summary(std::string text) {
    op_.summary = std::move(text);
    return *this;
  }
  Describe& description(std::string text) {
    op_.description = std::move(text);
    return *this;
  }
  Describe& permission(std::string who) {
    op_.permission = std::move(who);
    return *this;
  }
  Describe& open_to_anyone() {
    op_.authenticated = false;
    op_.permission = "none";
    return *this;
  }
  Describe& query(std::vector<std::string> parameters) {
    op_.query_parameters = std::move(parameters);
    return *this;
  }
  Describe& body(std::string schema) {
    op_.request_schema = std::move(schema);
    return *this;
  }
  Describe& returns(int status, std::string schema = {}) {
    op_.success_status = status;
    op_.success_schema = std::move(schema);
    return *this;
  }
  Describe& as(std::string media_type) {
    op_.success_media_type = std::move(media_type);
    return *this;
  }
  Describe& with_etag() {
    op_.returns_etag = true;
    return *this;
  }
  Describe& checks_if_match() {
    op_.accepts_if_match = true;
    return *this;
  }
  Describe& creates() {
    op_.creates = true;
    return *this;
  }
  Describe& for_browsers() {
    op_.cors = true;
    return *this;
  }
  Describe& cached(std::string cache_control) {
    op_.cache_control = std::move(cache_control);
    return *this;
  }

  operator ApiOperation() const { return op_; }

 private:
  ApiOperation op_;
};

constexpr char kPreflightDescription[] =
    "Answered for the origins given with accountd --cors-origin: an allowed origin asking for GET "
    "or HEAD with the X-API-Key and X-Request-ID headers gets Access-Control-Allow-Methods, "
    "-Allow-Headers and -Max-Age; any other preflight gets 204 without them, which a browser "
    "takes as a refusal. Never in credentials mode.";

std::string api(const char* suffix) {
  return std::string(kApiBasePath) + suffix;
}

std::vector<ApiOperation> describe_operations() {
  const std::vector<std::string> paging = {"QueryPage", "QueryPageSize"};
  // The raw key is in this answer and nowhere else: no cache may keep it (§2).
  const char* const kNoStore = "no-store";
  // Changes only with a new version of the server; a client may reuse it a while.
  const char* const kFiveMinutes = "public, max-age=300";
  return {
      // Account.
      Describe("GET", api("/whoami"), "apps_accounts_api_account_whoami")
          .tag(kTagAccount)
          .summary("Who the credential belongs to")
          .description("A publishable key's answer names no person: user_id and email are null, "
                       "metadata is {}. Browsers of the configured origins may call it (CORS).")
          .permission("any credential")
          .returns(200, "WhoAmI")
          .for_browsers(),
      Describe("OPTIONS", api("/whoami"), "apps_accounts_api_account_whoami_preflight")
          .tag(kTagAccount)
          .summary("CORS preflight for a web page using a publishable key")
          .description(kPreflightDescription)
          .open_to_anyone()
          .returns(204)
          .for_browsers(),

      // Organizations.
      Describe("GET", api("/organizations"), "apps_accounts_api_organizations_list_organizations")
          .tag(kTagOrganizations)
          .summary("List the caller's organizations")
          .permission("user credential or organization key")
          .query(paging)
          .returns(200, "OrganizationPage"),
      Describe("POST", api("/organizations"), "apps_accounts_api_organizations_create_organization")
          .tag(kTagOrganizations)
          .summary("Create an organization; the caller becomes its owner")
          .permission("user credential")
          .body("OrganizationCreate")
          .returns(200, "Organization")
          .with_etag()
          .creates(),
      Describe("GET", api("/organizations/{id}"),
               "apps_accounts_api_organizations_get_organization")
          .tag(kTagOrganizations)
          .summary("Get an organization")
          .description("Browsers of the configured origins may call it (CORS).")
          .permission("member or organization key")
          .returns(200, "Organization")
          .with_etag()
          .for_browsers(),
      Describe("OPTIONS", api("/organizations/{id}"),
               "apps_accounts_api_organizations_get_organization_preflight")
          .tag(kTagOrganizations)
          .summary("CORS preflight for a web page using a publishable key")
          .description(kPreflightDescription)
          .open_to_anyone()
          .returns(204)
          .for_browsers(),
      Describe("PUT", api("/organizations/{id}"),
               "apps_accounts_api_organizations_update_organization")
          .tag(kTagOrganizations)
          .summary("Update an organization (absent or null fields stay; metadata merges)")
          .permission("MANAGE_ORG")
          .body("OrganizationUpdate")
          .returns(200, "Organization")
          .with_etag()
          .checks_if_match(),
      Describe("DELETE", api("/organizations/{id}"),
               "apps_accounts_api_organizations_delete_organization")
          .tag(kTagOrganizations)
          .summary("Delete an organization (restorable for 90 days)")
          .description("With a session, and require_reauth_to_delete set, the session must "
                       "have authenticated within the last 15 minutes, else 403 with reason "
                       "reauthentication_required. Every organization key stops working at once.")
          .permission("owner")
          .returns(204)
          .checks_if_match(),
      Describe("POST", api("/organizations/{id}/restore"),
               "apps_accounts_api_organizations_restore_organization")
          .tag(kTagOrganizations)
          .summary("Restore a deleted organization (extension)")
          .description("409 if the organization is not deleted; 404 after 90 days.")
          .permission("former owner, within 90 days")
          .returns(200, "Organization")
          .with_etag()
          .checks_if_match(),
      Describe("GET", api("/organizations/{id}/events"),
               "apps_accounts_api_organizations_list_organization_events")
          .tag(kTagOrganizations)
          .summary("The organization's events, oldest first (extension)")
          .permission("owner or manager")
          .query({"QueryAfter", "QueryLimit"})
          .returns(200, "AuditFeed"),

      // Members.
      Describe("GET", api("/organizations/{org_id}/members"),
               "apps_accounts_api_members_list_members")
          .tag(kTagMembers)
          .summary("List members in join order, oldest first")
          .permission("member or organization key")
          .query({"QueryPage", "QueryPageSize", "QueryRole", "QuerySearch", "QueryAsOf"})
          .returns(200, "MemberPage"),
      Describe("POST", api("/organizations/{org_id}/members"),
               "apps_accounts_api_members_invite_member")
          .tag(kTagMembers)
          .summary("Invite a member by email (an unknown email creates the user)")
          .permission("MANAGE_MEMBERS")
          .body("MemberInvite")
          .returns(200, "Member")
          .with_etag()
          .checks_if_match()
          .creates(),
      Describe("GET", api("/organizations/{org_id}/members/{member_id}"),
               "apps_accounts_api_members_get_member")
          .tag(kTagMembers)
          .summary("Get a member")
          .permission("member or organization key")
          .returns(200, "Member")
          .with_etag(),
      Describe("PUT", api("/organizations/{org_id}/members/{member_id}"),
               "apps_accounts_api_members_update_member")
          .tag(kTagMembers)
          .summary("Change a member's role")
          .permission("MANAGE_MEMBERS")
          .body("MemberUpdate")
          .returns(200, "Member")
          .with_etag()
          .checks_if_match(),
      Describe("DELETE", api("/organizations/{org_id}/members/{member_id}"),
               "apps_accounts_api_members_remove_member")
          .tag(kTagMembers)
          .summary("Remove a member, or leave the organization")
          .permission("MANAGE_MEMBERS, or self")
          .returns(200, "Member")
          .with_etag()
          .checks_if_match(),

      // Organization API keys.
      Describe("GET", api("/organizations/{organization_id}/api-keys"),
               "apps_accounts_api_api_keys_list_api_keys")
          .tag(kTagApiKeys)
          .summary("List the organization's API keys")
          .permission("MANAGE_API_KEYS")
          .query(paging)
          .returns(200, "APIKeyPage"),
      Describe("POST", api("/organizations/{organization_id}/api-keys"),
               "apps_accounts_api_api_keys_create_api_key")
          .tag(kTagApiKeys)
          .summary("Create an organization API key (the raw key is shown once)")
          .permission("MANAGE_API_KEYS")
          .body("APIKeyCreate")
          .returns(200, "APIKeyCreated")
          .with_etag()
          .checks_if_match()
          .creates()
          .cached(kNoStore),
      Describe("GET", api("/organizations/{organization_id}/api-keys/{key_id}"),
               "apps_accounts_api_api_keys_get_api_key")
          .tag(kTagApiKeys)
          .summary("Get an organization API key")
          .permission("MANAGE_API_KEYS")
          .returns(200, "APIKey")
          .with_etag(),
      Describe("PATCH", api("/organizations/{organization_id}/api-keys/{key_id}"),
               "apps_accounts_api_api_keys_update_api_key")
          .tag(kTagApiKeys)
          .summary("Update an organization API key")
          .permission("MANAGE_API_KEYS")
          .body("APIKeyUpdate")
          .returns(200, "APIKey")
          .with_etag()
          .checks_if_match(),
      Describe("DELETE", api("/organizations/{organization_id}/api-keys/{key_id}"),
               "apps_accounts_api_api_keys_revoke_api_key")
          .tag(kTagApiKeys)
          .summary("Revoke an organization API key at once")
          .permission("MANAGE_API_KEYS")
          .returns(204)
          .checks_if_match(),

      // Personal API keys.
      Describe("GET", api("/api-keys"), "apps_accounts_api_api_keys_list_user_api_keys")
          .tag(kTagApiKeys)
          .summary("List the caller's personal (csu) keys")
          .permission("user credential")
          .query(paging)
          .returns(200, "APIKeyPage"),
      Describe("POST", api("/api-keys"), "apps_accounts_api_api_keys_create_user_api_key")
          .tag(kTagApiKeys)
          .summary("Create a personal (csu) key (the raw key is shown once)")
          .permission("user credential")
          .body("UserAPIKeyCreate")
          .returns(200, "APIKeyCreated")
          .creates()
          .cached(kNoStore),
      Describe("PATCH", api("/api-keys/{key_id}"), "apps_accounts_api_api_keys_update_user_api_key")
          .tag(kTagApiKeys)
          .summary("Update a personal key")
          .permission("owner of the key")
          .body("APIKeyUpdate")
          .returns(200, "APIKey"),
      Describe("DELETE", api("/api-keys/{key_id}"),
               "apps_accounts_api_api_keys_revoke_user_api_key")
          .tag(kTagApiKeys)
          .summary("Revoke a personal key at once")
          .permission("owner of the key")
          .returns(204),

      // Preferences.
      Describe("GET", api("/preferences"), "apps_accounts_api_preferences_get_preferences")
          .tag(kTagPreferences)
          .summary("The caller's trait preferences")
          .permission("user credential")
          .returns(200, "TraitPreferenceList"),
      Describe("PUT", api("/preferences"), "apps_accounts_api_preferences_replace_preferences")
          .tag(kTagPreferences)
          .summary("Replace the caller's trait preferences (extension)")
          .permission("user credential")
          .body("TraitPreferenceInputList")
          .returns(200, "TraitPreferenceList"),

      // Discovery and operations: no credential needed.
      Describe("GET", api("/openapi.json"), "apps_accounts_api_service_get_openapi_document")
          .tag(kTagService)
          .summary("This OpenAPI 3.1 document")
          .open_to_anyone()
          .returns(200, "OpenApiDocument")
          .cached(kFiveMinutes),
      Describe("GET", "/.well-known/api-catalog", "apps_accounts_api_service_get_api_catalog")
          .tag(kTagService)
          .summary("API catalog (RFC 9727 linkset)")
          .description(
              "Its links are absolute, built from the request's Host; so it varies by Host.")
          .open_to_anyone()
          .returns(200, "Linkset")
          .as("application/linkset+json")
          .cached(kFiveMinutes),
      Describe("GET", "/healthz", "apps_accounts_api_service_get_health")
          .tag(kTagService)
          .summary("Liveness: the process answers")
          .open_to_anyone()
          .returns(200, "Health")
          .cached(kNoStore),
      Describe("GET", "/readyz", "apps_accounts_api_service_get_readiness")
          .tag(kTagService)
          .summary("Readiness: 200 once the service can serve, 503 before")
          .open_to_anyone()
          .returns(200, "Health")
          .cached(kNoStore),
      Describe("GET", "/metrics", "apps_accounts_api_service_get_metrics")
          .tag(kTagService)
          .summary("Prometheus metrics (text format 0.0.4)")
          .open_to_anyone()
          .returns(200, "PrometheusText")
          .as("text/plain")
          .cached(kNoStore),
  };
}

}  // namespace

const std::vector<ApiOperation>& api_operations() {
  static const std::vector<ApiOperation> operations = describe_operations();
  return operations;
}

const ApiOperation* find_api_operation(std::string_view operation_id) {
  for (const ApiOperation& op : api_operations()) {
    if (op.operation_id == operation_id) return &op;
  }
  return nullptr;
}

std::vector<RouteSpec> api_route_specs() {
  std::vector<RouteSpec> specs;
  for (const ApiOperation& op : api_operations()) {
    specs.push_back({op.method, op.path, op.operation_id, op.cors});
  }
  return specs;
}

}  // namespace closient::http
