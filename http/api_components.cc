#include "http/api_components.h"

#include <nlohmann/json.hpp>

namespace closient::http {
namespace {

// Written as JSON rather than built in C++ so it reads like the document it becomes.
constexpr char kComponents[] = R"json({
"schemas": {
  "Id": {
    "type": "string", "pattern": "^[23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz]{22}$",
    "description": "A UUID written as a 22-character shortuuid (base 57).",
    "examples": ["CnEqURgZ3swzj528KMLvX5"]
  },
  "IdInput": {
    "type": "string",
    "pattern": "^([23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz]{22}|[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12})$",
    "description": "A shortuuid or a canonical hyphenated UUID (either case); both name the same entity. Anything else answers 422.",
    "examples": ["CnEqURgZ3swzj528KMLvX5", "3c90c3cc-0d44-4b50-8888-8dd25736052a"]
  },
  "Timestamp": {
    "type": "string", "format": "date-time",
    "description": "RFC 3339, UTC, ending in Z.", "examples": ["2026-03-31T12:00:00.123Z"]
  },
  "Metadata": {
    "type": "object", "maxProperties": 50,
    "propertyNames": {"maxLength": 40},
    "additionalProperties": {"type": "string", "maxLength": 500},
    "description": "Flat string-to-string map, always present (default {}). Updates merge: keys sent are set, a key sent with \"\" is deleted, keys not sent are kept; {} or null clears all."
  },
  "Role": {"type": "string", "enum": ["owner", "manager", "billing", "editor"]},
  "RoleDisplay": {"type": "string", "enum": ["Owner", "Manager", "Billing", "Editor"]},
  "APIKeyRole": {"type": "string", "enum": ["manager", "editor", "readonly"]},
  "APIKeyKind": {"type": "string", "enum": ["business", "publishable", "user"]},
  "CountryCode": {
    "type": "string", "pattern": "^[A-Z]{2}$",
    "description": "ISO 3166-1 alpha-2, upper case, an assigned code."
  },
  "Organization": {
    "type": "object",
    "required": ["id", "name", "country", "is_brand", "require_reauth_to_delete", "metadata"],
    "properties": {
      "id": {"$ref": "#/components/schemas/Id"},
      "name": {"type": "string", "minLength": 1, "maxLength": 255},
      "country": {"$ref": "#/components/schemas/CountryCode"},
      "is_brand": {"type": "boolean"},
      "require_reauth_to_delete": {"type": "boolean"},
      "metadata": {"$ref": "#/components/schemas/Metadata"}
    }
  },
  "OrganizationCreate": {
    "type": "object", "additionalProperties": false, "required": ["name", "country"],
    "properties": {
      "name": {"type": "string", "minLength": 1, "maxLength": 255},
      "country": {"$ref": "#/components/schemas/CountryCode"},
      "is_brand": {"type": "boolean", "default": false},
      "metadata": {"$ref": "#/components/schemas/Metadata"}
    }
  },
  "OrganizationUpdate": {
    "type": "object", "additionalProperties": false,
    "description": "Every field optional; absent or null leaves it unchanged, except metadata, which merges and is cleared by null or {}. Only an owner may set require_reauth_to_delete.",
    "properties": {
      "name": {"type": ["string", "null"], "minLength": 1, "maxLength": 255},
      "country": {"type": ["string", "null"], "pattern": "^[A-Z]{2}$"},
      "is_brand": {"type": ["boolean", "null"]},
      "require_reauth_to_delete": {"type": ["boolean", "null"]},
      "metadata": {"oneOf": [{"$ref": "#/components/schemas/Metadata"}, {"type": "null"}]}
    }
  },
  "OrganizationPage": {
    "type": "object", "required": ["data", "pagination"],
    "properties": {
      "data": {"type": "array", "items": {"$ref": "#/components/schemas/Organization"}},
      "pagination": {"$ref": "#/components/schemas/Pagination"}
    }
  },
  "Member": {
    "type": "object",
    "required": ["id", "user_email", "user_name", "user_metadata", "role", "role_display"],
    "properties": {
      "id": {"$ref": "#/components/schemas/Id", "description": "The membership id (not the user id)."},
      "user_email": {"type": "string", "format": "email"},
      "user_name": {"type": "string"},
      "user_metadata": {"$ref": "#/components/schemas/Metadata"},
      "role": {"$ref": "#/components/schemas/Role"},
      "role_display": {"$ref": "#/components/schemas/RoleDisplay"}
    }
  },
  "MemberInvite": {
    "type": "object", "additionalProperties": false, "required": ["email"],
    "properties": {
      "email": {"type": "string", "format": "email", "description": "Stored lower-cased."},
      "role": {"$ref": "#/components/schemas/Role", "default": "editor"}
    }
  },
  "MemberUpdate": {
    "type": "object", "additionalProperties": false, "required": ["role"],
    "properties": {"role": {"$ref": "#/components/schemas/Role"}}
  },
  "MemberPage": {
    "type": "object", "required": ["data", "pagination"],
    "properties": {
      "data": {"type": "array", "items": {"$ref": "#/components/schemas/Member"}},
      "pagination": {"$ref": "#/components/schemas/Pagination"}
    }
  },
  "APIKey": {
    "type": "object",
    "required": ["id", "name", "description", "role", "kind", "prefix", "created", "expires_at",
                 "last_used", "rate_limit_per_minute", "rate_limit_per_day", "metadata",
                 "created_by"],
    "properties": {
      "id": {"$ref": "#/components/schemas/Id"},
      "name": {"type": "string", "minLength": 1, "maxLength": 255},
      "description": {"type": "string", "maxLength": 255},
      "role": {"$ref": "#/components/schemas/APIKeyRole"},
      "kind": {"$ref": "#/components/schemas/APIKeyKind"},
      "prefix": {"type": "string", "minLength": 8, "maxLength": 8, "description": "The first 8 characters of the key, for display."},
      "created": {"$ref": "#/components/schemas/Timestamp"},
      "expires_at": {"oneOf": [{"$ref": "#/components/schemas/Timestamp"}, {"type": "null"}]},
      "last_used": {"oneOf": [{"$ref": "#/components/schemas/Timestamp"}, {"type": "null"}], "description": "Current to within a few seconds."},
      "rate_limit_per_minute": {"type": "integer", "minimum": 0, "description": "0 = the default."},
      "rate_limit_per_day": {"type": "integer", "minimum": 0, "description": "0 = the default."},
      "metadata": {"$ref": "#/components/schemas/Metadata"},
      "created_by": {"oneOf": [{"$ref": "#/components/schemas/Id"}, {"type": "null"}], "description": "The creating user's id; null when an operator created the key."}
    }
  },
  "APIKeyCreated": {
    "allOf": [
      {"$ref": "#/components/schemas/APIKey"},
      {"type": "object", "required": ["key"],
       "properties": {"key": {"type": "string", "pattern": "^(csb|csu|cpk)_[A-Za-z0-9]{32}_[0-9a-f]{8}$", "description": "The raw key; never shown again."}}}
    ]
  },
  "APIKeyCreate": {
    "type": "object", "additionalProperties": false, "required": ["name"],
    "properties": {
      "name": {"type": "string", "minLength": 1, "maxLength": 255},
      "description": {"type": "string", "maxLength": 255, "default": ""},
      "role": {"$ref": "#/components/schemas/APIKeyRole", "default": "readonly"},
      "kind": {"type": "string", "enum": ["business", "publishable"], "default": "business"},
      "expires_at": {"oneOf": [{"$ref": "#/components/schemas/Timestamp"}, {"type": "null"}]},
      "rate_limit_per_minute": {"type": "integer", "minimum": 0, "maximum": 1000000, "default": 0, "description": "0 = the default; higher tiers are set by an operator."},
      "rate_limit_per_day": {"type": "integer", "minimum": 0, "maximum": 100000000, "default": 0, "description": "0 = the default; higher tiers are set by an operator."},
      "metadata": {"$ref": "#/components/schemas/Metadata"}
    }
  },
  "UserAPIKeyCreate": {
    "type": "object", "additionalProperties": false, "required": ["name"],
    "description": "Personal keys are always kind user; sending kind answers 422.",
    "properties": {
      "name": {"type": "string", "minLength": 1, "maxLength": 255},
      "description": {"type": "string", "maxLength": 255, "default": ""},
      "role": {"$ref": "#/components/schemas/APIKeyRole", "default": "readonly"},
      "expires_at": {"oneOf": [{"$ref": "#/components/schemas/Timestamp"}, {"type": "null"}]},
      "rate_limit_per_minute": {"type": "integer", "minimum": 0, "maximum": 1000000, "default": 0, "description": "0 = the default; higher tiers are set by an operator."},
      "rate_limit_per_day": {"type": "integer", "minimum": 0, "maximum": 100000000, "default": 0, "description": "0 = the default; higher tiers are set by an operator."},
      "metadata": {"$ref": "#/components/schemas/Metadata"}
    }
  },
  "APIKeyUpdate": {
    "type": "object", "additionalProperties": false,
    "properties": {
      "name": {"type": ["string", "null"], "minLength": 1, "maxLength": 255},
      "description": {"type": ["string", "null"], "maxLength": 255},
      "metadata": {"oneOf": [{"$ref": "#/components/schemas/Metadata"}, {"type": "null"}]}
    }
  },
  "APIKeyPage": {
    "type": "object", "required": ["data", "pagination"],
    "properties": {
      "data": {"type": "array", "items": {"$ref": "#/components/schemas/APIKey"}},
      "pagination": {"$ref": "#/components/schemas/Pagination"}
    }
  },
  "WhoAmI": {
    "type": "object", "required": ["user_id", "email", "organizations", "metadata", "api_key"],
    "properties": {
      "user_id": {"oneOf": [{"$ref": "#/components/schemas/Id"}, {"type": "null"}], "description": "null for a publishable key, whose answer names no person."},
      "email": {"oneOf": [{"type": "string", "format": "email"}, {"type": "null"}], "description": "null for a publishable key."},
      "organizations": {
        "type": "array",
        "items": {
          "type": "object", "required": ["id", "name", "role"],
          "properties": {
            "id": {"$ref": "#/components/schemas/Id"},
            "name": {"type": "string"},
            "role": {"oneOf": [{"$ref": "#/components/schemas/Role"}, {"type": "null"}], "description": "null for organization keys; see api_key.role."}
          }
        }
      },
      "metadata": {"$ref": "#/components/schemas/Metadata"},
      "api_key": {"oneOf": [{"$ref": "#/components/schemas/APIKey"}, {"type": "null"}]}
    }
  },
  "TraitPreference": {
    "type": "object", "required": ["trait", "trait_label", "category", "stance"],
    "properties": {
      "trait": {"type": "string", "pattern": "^[a-z0-9]+(_[a-z0-9]+)*$"},
      "trait_label": {"type": "string"},
      "category": {"type": "string", "enum": ["ALLERGEN", "DIETARY", "RELIGIOUS", "SOURCING", "OTHER"]},
      "stance": {"type": "string", "enum": ["AVOID", "REQUIRE", "PREFER", "NEUTRAL"]}
    }
  },
  "TraitPreferenceList": {
    "type": "array", "items": {"$ref": "#/components/schemas/TraitPreference"}
  },
  "TraitPreferenceInput": {
    "type": "object", "additionalProperties": false, "required": ["trait", "category", "stance"],
    "properties": {
      "trait": {"type": "string", "pattern": "^[a-z0-9]+(_[a-z0-9]+)*$"},
      "trait_label": {"type": "string", "description": "Defaults to the slug with words capitalised."},
      "category": {"type": "string", "enum": ["ALLERGEN", "DIETARY", "RELIGIOUS", "SOURCING", "OTHER"]},
      "stance": {"type": "string", "enum": ["AVOID", "REQUIRE", "PREFER", "NEUTRAL"]}
    }
  },
  "TraitPreferenceInputList": {
    "type": "array", "maxItems": 200, "description": "The whole list; each trait at most once.",
    "items": {"$ref": "#/components/schemas/TraitPreferenceInput"}
  },
  "AuditEvent": {
    "type": "object",
    "required": ["position", "stream", "version", "type", "occurred_at", "actor", "request_id", "data"],
    "properties": {
      "position": {"type": "integer", "minimum": 1},
      "stream": {"type": "string", "examples": ["org-CnEqURgZ3swzj528KMLvX5"]},
      "version": {"type": "integer", "minimum": 1},
      "type": {"type": "string", "examples": ["MemberRemoved"]},
      "occurred_at": {"$ref": "#/components/schemas/Timestamp"},
      "actor": {
        "type": "object", "required": ["kind", "id", "user_id"],
        "properties": {
          "kind": {"type": "string", "enum": ["user", "api_key", "token", "session", "operator"]},
          "id": {"type": ["string", "null"]},
          "user_id": {"type": ["string", "null"]}
        }
      },
      "request_id": {"type": ["string", "null"]},
      "data": {"type": "object", "description": "The event's data; never a secret."}
    }
  },
  "AuditFeed": {
    "type": "object", "required": ["data", "next_after"],
    "properties": {
      "data": {"type": "array", "items": {"$ref": "#/components/schemas/AuditEvent"}},
      "next_after": {"type": ["integer", "null"], "description": "Pass as after= for the next page; null at the end."}
    }
  },
  "Pagination": {
    "type": "object",
    "required": ["page", "page_size", "total_count", "total_pages", "has_next", "has_previous"],
    "properties": {
      "page": {"type": "integer", "minimum": 1},
      "page_size": {"type": "integer", "minimum": 1, "maximum": 100},
      "total_count": {"type": "integer", "minimum": 0},
      "total_pages": {"type": "integer", "minimum": 0, "description": "0 when total_count is 0."},
      "has_next": {"type": "boolean"},
      "has_previous": {"type": "boolean"}
    }
  },
  "FieldError": {
    "type": "object", "required": ["field", "message"],
    "properties": {"field": {"type": "string"}, "message": {"type": "string"}}
  },
  "Problem": {
    "type": "object",
    "required": ["type", "title", "status", "detail", "error_code", "retryable", "timestamp", "instance", "request_id"],
    "description": "RFC 9457 problem details.",
    "properties": {
      "type": {"type": "string", "format": "uri", "examples": ["https://closient.com/docs/errors/not_found"]},
      "title": {"type": "string"},
      "status": {"type": "integer"},
      "detail": {"type": "string"},
      "error_code": {"type": "string", "enum": ["bad_request", "unauthorized", "forbidden", "not_found", "method_not_allowed", "conflict", "precondition_failed", "payload_too_large", "unsupported_media_type", "validation_error", "rate_limited", "internal_error", "service_unavailable"]},
      "retryable": {"type": "boolean"},
      "timestamp": {"$ref": "#/components/schemas/Timestamp"},
      "instance": {"type": "string", "description": "The request path."},
      "request_id": {"type": "string"},
      "reason": {"type": "string", "description": "A finer reason, e.g. last_owner, reauthentication_required or key_limit."},
      "errors": {"type": "array", "items": {"$ref": "#/components/schemas/FieldError"}, "description": "validation_error only: one entry per bad field."},
      "retry_after_seconds": {"type": "integer", "minimum": 1, "description": "rate_limited only."}
    }
  },
  "Health": {
    "type": "object", "required": ["status"],
    "properties": {"status": {"type": "string", "enum": ["ok", "ready"]}}
  },
  "Linkset": {
    "type": "object", "required": ["linkset"], "description": "RFC 9264 linkset, as RFC 9727 prescribes.",
    "properties": {"linkset": {"type": "array", "items": {"type": "object"}}}
  },
  "OpenApiDocument": {"type": "object", "description": "An OpenAPI 3.1 document."},
  "PrometheusText": {"type": "string", "description": "Prometheus text exposition format 0.0.4."}
},
"parameters": {
  "PathId": {"name": "id", "in": "path", "required": true, "description": "The organization.", "schema": {"$ref": "#/components/schemas/IdInput"}},
  "PathOrgId": {"name": "org_id", "in": "path", "required": true, "description": "The organization.", "schema": {"$ref": "#/components/schemas/IdInput"}},
  "PathOrganizationId": {"name": "organization_id", "in": "path", "required": true, "description": "The organization.", "schema": {"$ref": "#/components/schemas/IdInput"}},
  "PathMemberId": {"name": "member_id", "in": "path", "required": true, "description": "The membership.", "schema": {"$ref": "#/components/schemas/IdInput"}},
  "PathKeyId": {"name": "key_id", "in": "path", "required": true, "description": "The API key.", "schema": {"$ref": "#/components/schemas/IdInput"}},
  "QueryPage": {"name": "page", "in": "query", "description": "1-based page number; a page past the end is empty.", "schema": {"type": "integer", "minimum": 1, "maximum": 9007199254740991, "default": 1}},
  "QueryPageSize": {"name": "page_size", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 25}},
  "QueryRole": {"name": "role", "in": "query", "description": "Only members with this role.", "schema": {"$ref": "#/components/schemas/Role"}},
  "QuerySearch": {"name": "q", "in": "query", "description": "Case-insensitive substring of the member's name or email.", "schema": {"type": "string"}},
  "QueryAsOf": {"name": "as_of", "in": "query", "description": "Time travel (extension): a log position or an RFC 3339 time; the list as it stood then. Before the organization existed: 404.", "schema": {"oneOf": [{"type": "integer", "minimum": 0}, {"$ref": "#/components/schemas/Timestamp"}]}},
  "QueryAfter": {"name": "after", "in": "query", "description": "Only events after this log position.", "schema": {"type": "integer", "minimum": 0, "default": 0}},
  "QueryLimit": {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100}},
  "HeaderRequestId": {"name": "X-Request-ID", "in": "header", "description": "Echoed when 1-128 characters of [A-Za-z0-9._-]; otherwise a generated id is used.", "schema": {"type": "string", "pattern": "^[A-Za-z0-9._-]{1,128}$"}},
  "HeaderIdempotencyKey": {"name": "Idempotency-Key", "in": "header", "description": "Extension: the first response is stored for at least 24 h and replayed (with Idempotency-Replayed: true) for a retry of the same request; the same key with a different request answers 422; while the first is in flight, 409. Scoped to the credential.", "schema": {"type": "string", "minLength": 1, "maxLength": 255}},
  "HeaderIfMatch": {"name": "If-Match", "in": "header", "description": "Extension: the ETag last seen; a stale one answers 412.", "schema": {"type": "string"}}
},
"headers": {
  "X-Request-ID": {"description": "The request's id (the client's, if acceptable).", "schema": {"type": "string"}},
  "RateLimit-Policy": {"description": "The credential's windows, e.g. 300;w=60, 10000;w=86400.", "schema": {"type": "string"}},
  "RateLimit-Limit": {"description": "Limit of the most restrictive window.", "schema": {"type": "integer"}},
  "RateLimit-Remaining": {"description": "Requests left in the most restrictive window.", "schema": {"type": "integer"}},
  "RateLimit-Reset": {"description": "Seconds until the most restrictive window resets.", "schema": {"type": "integer"}},
  "X-RateLimit-Limit": {"description": "Same as RateLimit-Limit.", "schema": {"type": "integer"}},
  "X-RateLimit-Remaining": {"description": "Same as RateLimit-Remaining.", "schema": {"type": "integer"}},
  "X-RateLimit-Reset": {"description": "Unix time at which the most restrictive window resets.", "schema": {"type": "integer"}},
  "Retry-After": {"description": "Seconds to wait before retrying.", "schema": {"type": "integer"}},
  "ETag": {"description": "Extension: version of the organization's event stream, quoted.", "schema": {"type": "string"}},
  "X-Event-Position": {"description": "Extension: global log position of the last event this write appended.", "schema": {"type": "integer"}},
  "Idempotency-Replayed": {"description": "Extension: true when this is a stored response replayed for an Idempotency-Key.", "schema": {"type": "string", "enum": ["true"]}},
  "WWW-Authenticate": {"description": "The accepted authentication schemes.", "schema": {"type": "string"}},
  "Allow": {"description": "The methods the path allows.", "schema": {"type": "string"}},
  "Link": {"description": "Link to the API catalog (rel=api-catalog).", "schema": {"type": "string"}}
},
"securitySchemes": {
  "ApiKeyAuth": {"type": "apiKey", "in": "header", "name": "X-API-Key", "description": "<prefix>_<32 alphanumerics>_<crc32 hex>; prefix csb (business), csu (user), cpk (publishable)."},
  "BearerAuth": {"type": "http", "scheme": "bearer", "description": "A user's access token, issued by the operator tool."},
  "SessionAuth": {"type": "apiKey", "in": "cookie", "name": "sessionid", "description": "A browser session, issued by the operator tool."},
  "CsrfToken": {"type": "apiKey", "in": "header", "name": "X-CSRF-Token", "description": "Required with a session on requests that change state; else 403."}
}
})json";

}  // namespace

const nlohmann::ordered_json& api_components() {
  static const nlohmann::ordered_json components = nlohmann::ordered_json::parse(kComponents);
  return components;
}

}  // namespace closient::http
