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

  operator ApiOperation() const { return op_; }

 private:
  ApiOperation op_;
};

std::string api(const char* suffix) {
  return std::string(kApiBasePath) + suffix;
}

std::vector<ApiOperation> describe_operations() {
  const std::vector<std::string> paging = {"QueryPage", "QueryPageSize"};
  return {
      // Identity.
      Describe("GET", api("/whoami"), "getWhoAmI")
          .tag("Identity")
          .summary("Who the credential belongs to")
          .permission("any credential")
          .returns(200, "WhoAmI"),

      // Organizations.
      Describe("GET", api("/organizations"), "listOrganizations")
          .tag("Organizations")
          .summary("List the caller's organizations")
          .permission("user credential or organization key")
          .query(paging)
          .returns(200, "OrganizationPage"),
      Describe("POST", api("/organizations"), "createOrganization")
          .tag("Organizations")
          .summary("Create an organization; the caller becomes its owner")
          .permission("user credential")
          .body("OrganizationCreate")
          .returns(200, "Organization")
          .with_etag(),
      Describe("GET", api("/organizations/{id}"), "getOrganization")
          .tag("Organizations")
          .summary("Get an organization")
          .permission("member or organization key")
          .returns(200, "Organization")
          .with_etag(),
      Describe("PUT", api("/organizations/{id}"), "updateOrganization")
          .tag("Organizations")
          .summary("Update an organization (absent or null fields stay; metadata merges)")
          .permission("MANAGE_ORG")
          .body("OrganizationUpdate")
          .returns(200, "Organization")
          .with_etag()
          .checks_if_match(),
      Describe("DELETE", api("/organizations/{id}"), "deleteOrganization")
          .tag("Organizations")
          .summary("Delete an organization (restorable for 90 days)")
          .description("With a session, and require_reauth_to_delete set, the session must "
                       "have authenticated within the last 15 minutes, else 403 with reason "
                       "reauthentication_required. Every organization key stops working at once.")
          .permission("owner")
          .returns(204)
          .checks_if_match(),
      Describe("POST", api("/organizations/{id}/restore"), "restoreOrganization")
          .tag("Organizations")
          .summary("Restore a deleted organization (extension)")
          .description("409 if the organization is not deleted; 404 after 90 days.")
          .permission("former owner, within 90 days")
          .returns(200, "Organization")
          .with_etag()
          .checks_if_match(),

      // Members.
      Describe("GET", api("/organizations/{org_id}/members"), "listMembers")
          .tag("Members")
          .summary("List members in join order, oldest first")
          .permission("member or organization key")
          .query({"QueryPage", "QueryPageSize", "QueryRole", "QuerySearch", "QueryAsOf"})
          .returns(200, "MemberPage"),
      Describe("POST", api("/organizations/{org_id}/members"), "inviteMember")
          .tag("Members")
          .summary("Invite a member by email (an unknown email creates the user)")
          .permission("MANAGE_MEMBERS")
          .body("MemberInvite")
          .returns(200, "Member")
          .with_etag()
          .checks_if_match(),
      Describe("GET", api("/organizations/{org_id}/members/{member_id}"), "getMember")
          .tag("Members")
          .summary("Get a member")
          .permission("member or organization key")
          .returns(200, "Member")
          .with_etag(),
      Describe("PUT", api("/organizations/{org_id}/members/{member_id}"), "updateMember")
          .tag("Members")
          .summary("Change a member's role")
          .permission("MANAGE_MEMBERS")
          .body("MemberUpdate")
          .returns(200, "Member")
          .with_etag()
          .checks_if_match(),
      Describe("DELETE", api("/organizations/{org_id}/members/{member_id}"), "removeMember")
          .tag("Members")
          .summary("Remove a member, or leave the organization")
          .permission("MANAGE_MEMBERS, or self")
          .returns(200, "Member")
          .with_etag()
          .checks_if_match(),

      // Organization API keys.
      Describe("GET", api("/organizations/{organization_id}/api-keys"), "listOrganizationApiKeys")
          .tag("API keys")
          .summary("List the organization's API keys")
          .permission("MANAGE_API_KEYS")
          .query(paging)
          .returns(200, "APIKeyPage"),
      Describe("POST", api("/organizations/{organization_id}/api-keys"), "createOrganizationApiKey")
          .tag("API keys")
          .summary("Create an organization API key (the raw key is shown once)")
          .permission("MANAGE_API_KEYS")
          .body("APIKeyCreate")
          .returns(200, "APIKeyCreated")
          .with_etag()
          .checks_if_match(),
      Describe("GET", api("/organizations/{organization_id}/api-keys/{key_id}"),
               "getOrganizationApiKey")
          .tag("API keys")
          .summary("Get an organization API key")
          .permission("MANAGE_API_KEYS")
          .returns(200, "APIKey")
          .with_etag(),
      Describe("PATCH", api("/organizations/{organization_id}/api-keys/{key_id}"),
               "updateOrganizationApiKey")
          .tag("API keys")
          .summary("Update an organization API key")
          .permission("MANAGE_API_KEYS")
          .body("APIKeyUpdate")
          .returns(200, "APIKey")
          .with_etag()
          .checks_if_match(),
      Describe("DELETE", api("/organizations/{organization_id}/api-keys/{key_id}"),
               "revokeOrganizationApiKey")
          .tag("API keys")
          .summary("Revoke an organization API key at once")
          .permission("MANAGE_API_KEYS")
          .returns(204)
          .checks_if_match(),

      // Personal API keys.
      Describe("GET", api("/api-keys"), "listUserApiKeys")
          .tag("API keys")
          .summary("List the caller's personal (csu) keys")
          .permission("user credential")
          .query(paging)
          .returns(200, "APIKeyPage"),
      Describe("POST", api("/api-keys"), "createUserApiKey")
          .tag("API keys")
          .summary("Create a personal (csu) key (the raw key is shown once)")
          .permission("user credential")
          .body("UserAPIKeyCreate")
          .returns(200, "APIKeyCreated"),
      Describe("PATCH", api("/api-keys/{key_id}"), "updateUserApiKey")
          .tag("API keys")
          .summary("Update a personal key")
          .permission("owner of the key")
          .body("APIKeyUpdate")
          .returns(200, "APIKey"),
      Describe("DELETE", api("/api-keys/{key_id}"), "revokeUserApiKey")
          .tag("API keys")
          .summary("Revoke a personal key at once")
          .permission("owner of the key")
          .returns(204),

      // Preferences.
      Describe("GET", api("/preferences"), "getPreferences")
          .tag("Preferences")
          .summary("The caller's trait preferences")
          .permission("user credential")
          .returns(200, "TraitPreferenceList"),
      Describe("PUT", api("/preferences"), "replacePreferences")
          .tag("Preferences")
          .summary("Replace the caller's trait preferences (extension)")
          .permission("user credential")
          .body("TraitPreferenceInputList")
          .returns(200, "TraitPreferenceList"),

      // Audit.
      Describe("GET", api("/organizations/{id}/events"), "listOrganizationEvents")
          .tag("Audit")
          .summary("The organization's events, oldest first (extension)")
          .permission("owner or manager")
          .query({"QueryAfter", "QueryLimit"})
          .returns(200, "AuditFeed"),

      // Discovery and operations: no credential needed.
      Describe("GET", api("/openapi.json"), "getOpenApiDocument")
          .tag("Discovery")
          .summary("This OpenAPI 3.1 document")
          .open_to_anyone()
          .returns(200, "OpenApiDocument"),
      Describe("GET", "/.well-known/api-catalog", "getApiCatalog")
          .tag("Discovery")
          .summary("API catalog (RFC 9727 linkset)")
          .open_to_anyone()
          .returns(200, "Linkset")
          .as("application/linkset+json"),
      Describe("GET", "/healthz", "getHealth")
          .tag("Operations")
          .summary("Liveness: the process answers")
          .open_to_anyone()
          .returns(200, "Health"),
      Describe("GET", "/readyz", "getReadiness")
          .tag("Operations")
          .summary("Readiness: 200 once the service can serve, 503 before")
          .open_to_anyone()
          .returns(200, "Health"),
      Describe("GET", "/metrics", "getMetrics")
          .tag("Operations")
          .summary("Prometheus metrics (text format 0.0.4)")
          .open_to_anyone()
          .returns(200, "PrometheusText")
          .as("text/plain"),
  };
}

}  // namespace

const std::vector<ApiOperation>& api_operations() {
  static const std::vector<ApiOperation> operations = describe_operations();
  return operations;
}

std::vector<RouteSpec> api_route_specs() {
  std::vector<RouteSpec> specs;
  for (const ApiOperation& op : api_operations()) {
    specs.push_back({op.method, op.path, op.operation_id});
  }
  return specs;
}

}  // namespace closient::http
