#include "http/api_components.h"

#include <nlohmann/json.hpp>

namespace closient::http {
namespace {

// Written as JSON rather than built in C++ so it reads like the document it becomes.
// Request schemas state every rule the server answers 422 for that JSON Schema can
// say; the rest is in their descriptions. Response schemas describe what the server
// sends. CountryCode's enum is filled in from the domain's list (openapi.cc).
constexpr char kComponents[] = R"json({
"schemas": {
  "Id": {
    "type": "string", "format": "shortuuid", "minLength": 22, "maxLength": 22,
    "pattern": "^[23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz]{22}$",
    "description": "A random UUID written as a 22-character shortuuid (base 57, most significant digit first).",
    "examples": ["CnEqURgZ3swzj528KMLvX5"]
  },
  "Timestamp": {
    "type": "string", "format": "date-time",
    "description": "RFC 3339, UTC, ending in Z.", "examples": ["2026-03-31T12:00:00.123Z"]
  },
  "Name": {"type": "string", "minLength": 1, "maxLength": 255, "description": "1-255 characters."},
  "NameInput": {
    "type": "string", "minLength": 1, "maxLength": 255,
    "pattern": "^[^\\u0000-\\u001F\\u007F-\\u009F\\u202A-\\u202E\\u2066-\\u2069]*$",
    "description": "1-255 characters (code points); no control characters (C0, C1) and no bidirectional overrides (U+202A-U+202E, U+2066-U+2069), else 422."
  },
  "DescriptionInput": {
    "type": "string", "maxLength": 255,
    "pattern": "^[^\\u0000-\\u001F\\u007F-\\u009F\\u202A-\\u202E\\u2066-\\u2069]*$",
    "description": "At most 255 characters; no control characters and no bidirectional overrides, else 422."
  },
  "Metadata": {
    "type": "object", "maxProperties": 50,
    "propertyNames": {"minLength": 1, "maxLength": 40},
    "additionalProperties": {"type": "string", "maxLength": 500},
    "description": "Flat string-to-string map, always present (default {}): at most 50 keys, keys of 1-40 characters, values of at most 500."
  },
  "MetadataInput": {
    "type": "object", "maxProperties": 50,
    "propertyNames": {"minLength": 1, "maxLength": 40},
    "additionalProperties": {"type": "string", "maxLength": 500},
    "description": "At most 50 keys of 1-40 characters, values of at most 500 characters, else 422. On updates it merges: keys sent are set, a key sent with \"\" is deleted, keys not sent are kept; {} or null clears all."
  },
  "Role": {"type": "string", "enum": ["owner", "manager", "billing", "editor"]},
  "RoleDisplay": {"type": "string", "enum": ["Owner", "Manager", "Billing", "Editor"]},
  "APIKeyRole": {"type": "string", "enum": ["manager", "editor", "readonly"]},
  "APIKeyKind": {"type": "string", "enum": ["business", "publishable", "user"]},
  "CountryCode": {
    "type": "string", "pattern": "^[A-Z]{2}$",
    "description": "ISO 3166-1 alpha-2, upper case, an officially assigned code (us or XX answer 422)."
  },
  "Organization": {
    "type": "object", "additionalProperties": false,
    "required": ["id", "name", "country", "is_brand", "require_reauth_to_delete", "metadata"],
    "properties": {
      "id": {"$ref": "#/components/schemas/Id"},
      "name": {"$ref": "#/components/schemas/Name"},
      "country": {"$ref": "#/components/schemas/CountryCode"},
      "is_brand": {"type": "boolean"},
      "require_reauth_to_delete": {"type": "boolean", "description": "With a session, deleting needs a sign-in within the last 15 minutes."},
      "metadata": {"$ref": "#/components/schemas/Metadata"}
    }
  },
  "OrganizationCreate": {
    "type": "object", "additionalProperties": false, "required": ["name", "country"],
    "description": "Unknown fields and wrong types answer 422.",
    "properties": {
      "name": {"$ref": "#/components/schemas/NameInput"},
      "country": {"$ref": "#/components/schemas/CountryCode"},
      "is_brand": {"type": "boolean", "default": false},
      "metadata": {"$ref": "#/components/schemas/MetadataInput"}
    }
  },
  "OrganizationUpdate": {
    "type": "object", "additionalProperties": false,
    "description": "Every field optional; absent or null leaves it unchanged, except metadata, which merges and is cleared by null or {}. Only an owner may set require_reauth_to_delete (else 403, reason owner_required); turning it off with a session needs a sign-in within the last 15 minutes (else 403, reason reauthentication_required).",
    "properties": {
      "name": {"anyOf": [{"$ref": "#/components/schemas/NameInput"}, {"type": "null"}]},
      "country": {"anyOf": [{"$ref": "#/components/schemas/CountryCode"}, {"type": "null"}]},
      "is_brand": {"type": ["boolean", "null"]},
      "require_reauth_to_delete": {"type": ["boolean", "null"]},
      "metadata": {"anyOf": [{"$ref": "#/components/schemas/MetadataInput"}, {"type": "null"}]}
    }
  },
  "OrganizationPage": {
    "type": "object", "additionalProperties": false, "required": ["data", "pagination"],
    "properties": {
      "data": {"type": "array", "maxItems": 100, "items": {"$ref": "#/components/schemas/Organization"}},
      "pagination": {"$ref": "#/components/schemas/Pagination"}
    }
  },
  "Member": {
    "type": "object", "additionalProperties": false,
    "required": ["id", "user_id", "user_email", "user_name", "user_metadata", "role", "role_display"],
    "properties": {
      "id": {"$ref": "#/components/schemas/Id", "description": "The membership id (not the user id); a new one for every membership."},
      "user_id": {"$ref": "#/components/schemas/Id", "description": "The member's user, as whoami's user_id names it."},
      "user_email": {"type": "string", "format": "email"},
      "user_name": {"type": "string", "description": "May be empty."},
      "user_metadata": {"$ref": "#/components/schemas/Metadata"},
      "role": {"$ref": "#/components/schemas/Role"},
      "role_display": {"$ref": "#/components/schemas/RoleDisplay"}
    }
  },
  "MemberInvite": {
    "type": "object", "additionalProperties": false, "required": ["email"],
    "properties": {
      "email": {"type": "string", "format": "email", "maxLength": 254, "description": "A valid address (else 422), stored lower-cased."},
      "role": {"$ref": "#/components/schemas/Role", "default": "editor"}
    }
  },
  "MemberUpdate": {
    "type": "object", "additionalProperties": false, "required": ["role"],
    "properties": {"role": {"$ref": "#/components/schemas/Role"}}
  },
  "MemberPage": {
    "type": "object", "additionalProperties": false, "required": ["data", "pagination"],
    "properties": {
      "data": {"type": "array", "maxItems": 100, "items": {"$ref": "#/components/schemas/Member"}},
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
      "name": {"$ref": "#/components/schemas/Name"},
      "description": {"type": "string", "maxLength": 255},
      "role": {"$ref": "#/components/schemas/APIKeyRole"},
      "kind": {"$ref": "#/components/schemas/APIKeyKind"},
      "prefix": {"type": "string", "minLength": 8, "maxLength": 8, "pattern": "^(csb|csu|cpk)_[A-Za-z0-9]{4}$", "description": "The first 8 characters of the key, for display."},
      "created": {"$ref": "#/components/schemas/Timestamp"},
      "expires_at": {"anyOf": [{"$ref": "#/components/schemas/Timestamp"}, {"type": "null"}]},
      "last_used": {"anyOf": [{"$ref": "#/components/schemas/Timestamp"}, {"type": "null"}], "description": "Current to within a few seconds."},
      "rate_limit_per_minute": {"type": "integer", "minimum": 0, "description": "0 = the default (300, or 100 for publishable keys)."},
      "rate_limit_per_day": {"type": "integer", "minimum": 0, "description": "0 = the default (10000)."},
      "metadata": {"$ref": "#/components/schemas/Metadata"},
      "created_by": {"anyOf": [{"$ref": "#/components/schemas/Id"}, {"type": "null"}], "description": "The creating user's id, or null when an operator created it."}
    }
  },
  "APIKeyCreated": {
    "description": "APIKey and the raw key, which is never shown again (a replay of the create by Idempotency-Key leaves it out).",
    "allOf": [
      {"$ref": "#/components/schemas/APIKey"},
      {"type": "object",
       "properties": {"key": {"type": "string", "pattern": "^(csb|csu|cpk)_[A-Za-z0-9]{32}_[0-9a-f]{8}$", "description": "The raw key: <prefix>_<32 alphanumerics>_<CRC-32 of them, 8 lower-case hex digits>."}}}
    ]
  },
  "APIKeyCreate": {
    "type": "object", "additionalProperties": false, "required": ["name"],
    "description": "A caller may create only keys whose role its own authority covers (else 403, reason key_role_exceeds_authority). At most 1 000 live keys per organization (else 409, reason key_limit).",
    "properties": {
      "name": {"$ref": "#/components/schemas/NameInput"},
      "description": {"$ref": "#/components/schemas/DescriptionInput", "default": ""},
      "role": {"$ref": "#/components/schemas/APIKeyRole", "default": "readonly"},
      "kind": {"type": "string", "enum": ["business", "publishable"], "default": "business"},
      "expires_at": {"anyOf": [{"$ref": "#/components/schemas/Timestamp"}, {"type": "null"}], "description": "When set, must be in the future (else 422)."},
      "rate_limit_per_minute": {"type": "integer", "minimum": 0, "maximum": 1000000, "default": 0, "description": "0 = the default; higher tiers are set by an operator."},
      "rate_limit_per_day": {"type": "integer", "minimum": 0, "maximum": 100000000, "default": 0, "description": "0 = the default; higher tiers are set by an operator."},
      "metadata": {"$ref": "#/components/schemas/MetadataInput"}
    }
  },
  "UserAPIKeyCreate": {
    "type": "object", "additionalProperties": false, "required": ["name"],
    "description": "Personal keys are always kind user; sending kind answers 422. At most 100 live personal keys per user (else 409, reason key_limit).",
    "properties": {
      "name": {"$ref": "#/components/schemas/NameInput"},
      "description": {"$ref": "#/components/schemas/DescriptionInput", "default": ""},
      "role": {"$ref": "#/components/schemas/APIKeyRole", "default": "readonly"},
      "expires_at": {"anyOf": [{"$ref": "#/components/schemas/Timestamp"}, {"type": "null"}], "description": "When set, must be in the future (else 422)."},
      "rate_limit_per_minute": {"type": "integer", "minimum": 0, "maximum": 1000000, "default": 0},
      "rate_limit_per_day": {"type": "integer", "minimum": 0, "maximum": 100000000, "default": 0},
      "metadata": {"$ref": "#/components/schemas/MetadataInput"}
    }
  },
  "APIKeyUpdate": {
    "type": "object", "additionalProperties": false,
    "description": "Every field optional; absent or null leaves it unchanged; metadata merges.",
    "properties": {
      "name": {"anyOf": [{"$ref": "#/components/schemas/NameInput"}, {"type": "null"}]},
      "description": {"anyOf": [{"$ref": "#/components/schemas/DescriptionInput"}, {"type": "null"}]},
      "metadata": {"anyOf": [{"$ref": "#/components/schemas/MetadataInput"}, {"type": "null"}]}
    }
  },
  "APIKeyPage": {
    "type": "object", "additionalProperties": false, "required": ["data", "pagination"],
    "properties": {
      "data": {"type": "array", "maxItems": 100, "items": {"$ref": "#/components/schemas/APIKey"}},
      "pagination": {"$ref": "#/components/schemas/Pagination"}
    }
  },
  "WhoAmI": {
    "type": "object", "additionalProperties": false,
    "required": ["user_id", "email", "organizations", "metadata", "api_key"],
    "description": "For a csb key the user is the key's creator and organizations holds only the key's organization, with role null. A cpk key names no person: user_id and email null, metadata {}.",
    "properties": {
      "user_id": {"anyOf": [{"$ref": "#/components/schemas/Id"}, {"type": "null"}]},
      "email": {"anyOf": [{"type": "string", "format": "email"}, {"type": "null"}]},
      "organizations": {
        "type": "array",
        "items": {
          "type": "object", "additionalProperties": false, "required": ["id", "name", "role"],
          "properties": {
            "id": {"$ref": "#/components/schemas/Id"},
            "name": {"$ref": "#/components/schemas/Name"},
            "role": {"anyOf": [{"$ref": "#/components/schemas/Role"}, {"type": "null"}], "description": "null for organization keys; see api_key.role."}
          }
        }
      },
      "metadata": {"$ref": "#/components/schemas/Metadata"},
      "api_key": {"anyOf": [{"$ref": "#/components/schemas/APIKey"}, {"type": "null"}]}
    }
  },
  "TraitSlug": {"type": "string", "maxLength": 100, "pattern": "^[a-z0-9]+(_[a-z0-9]+)*$", "description": "lower_snake slug."},
  "TraitCategory": {"type": "string", "enum": ["ALLERGEN", "DIETARY", "RELIGIOUS", "SOURCING", "OTHER"]},
  "TraitStance": {"type": "string", "enum": ["AVOID", "REQUIRE", "PREFER", "NEUTRAL"]},
  "TraitPreference": {
    "type": "object", "additionalProperties": false, "required": ["trait", "trait_label", "category", "stance"],
    "properties": {
      "trait": {"$ref": "#/components/schemas/TraitSlug"},
      "trait_label": {"type": "string"},
      "category": {"$ref": "#/components/schemas/TraitCategory"},
      "stance": {"$ref": "#/components/schemas/TraitStance"}
    }
  },
  "TraitPreferenceList": {
    "type": "array", "maxItems": 200, "items": {"$ref": "#/components/schemas/TraitPreference"}
  },
  "TraitPreferenceInput": {
    "type": "object", "additionalProperties": false, "required": ["trait", "category", "stance"],
    "properties": {
      "trait": {"$ref": "#/components/schemas/TraitSlug"},
      "trait_label": {"type": "string", "maxLength": 255, "description": "Defaults to the slug with words capitalised."},
      "category": {"$ref": "#/components/schemas/TraitCategory"},
      "stance": {"$ref": "#/components/schemas/TraitStance"}
    }
  },
  "TraitPreferenceInputList": {
    "type": "array", "maxItems": 200,
    "description": "The whole list: at most 200 items, each trait at most once (a repeated trait answers 422).",
    "items": {"$ref": "#/components/schemas/TraitPreferenceInput"}
  },
  "AuditEvent": {
    "type": "object",
    "required": ["position", "stream", "version", "type", "occurred_at", "actor", "request_id", "data"],
    "properties": {
      "position": {"type": "integer", "minimum": 1},
      "stream": {"type": "string", "pattern": "^(org|user)-", "examples": ["org-CnEqURgZ3swzj528KMLvX5"]},
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
    "type": "object", "additionalProperties": false, "required": ["data", "next_after"],
    "properties": {
      "data": {"type": "array", "maxItems": 1000, "items": {"$ref": "#/components/schemas/AuditEvent"}},
      "next_after": {"type": ["integer", "null"], "minimum": 1, "description": "Pass as after= for the next page; null at the end."}
    }
  },
  "Pagination": {
    "type": "object", "additionalProperties": false,
    "required": ["page", "page_size", "total_count", "total_pages", "has_next", "has_previous"],
    "properties": {
      "page": {"type": "integer", "minimum": 1},
      "page_size": {"type": "integer", "minimum": 1, "maximum": 100},
      "total_count": {"type": "integer", "minimum": 0},
      "total_pages": {"type": "integer", "minimum": 0, "description": "0 when total_count is 0."},
      "has_next": {"type": "boolean"},
      "has_previous": {"type": "boolean", "description": "false on page 1, and on every page when total_pages is 0."}
    }
  },
  "FieldError": {
    "type": "object", "additionalProperties": false, "required": ["field", "message"],
    "properties": {
      "field": {"type": "string", "minLength": 1, "description": "The parameter or body field, e.g. page_size, org_id, metadata.colour, [3].trait."},
      "message": {"type": "string", "minLength": 1}
    }
  },
  "Problem": {
    "type": "object",
    "required": ["type", "title", "status", "detail", "error_code", "retryable", "timestamp", "instance", "request_id"],
    "description": "RFC 9457 problem details.",
    "properties": {
      "type": {"type": "string", "format": "uri", "examples": ["https://closient.com/docs/errors/not_found"]},
      "title": {"type": "string"},
      "status": {"type": "integer", "minimum": 400, "maximum": 599},
      "detail": {"type": "string", "minLength": 1},
      "error_code": {"type": "string", "enum": ["bad_request", "unauthorized", "forbidden", "not_found", "method_not_allowed", "conflict", "precondition_failed", "payload_too_large", "unsupported_media_type", "request_header_fields_too_large", "validation_error", "rate_limited", "internal_error", "service_unavailable"]},
      "retryable": {"type": "boolean"},
      "timestamp": {"$ref": "#/components/schemas/Timestamp"},
      "instance": {"type": "string", "description": "The request path."},
      "request_id": {"type": "string", "minLength": 1},
      "reason": {"type": "string", "minLength": 1, "description": "A stable machine reason. Every 403 has one: owner_required, owner_or_manager_required, read_only_credential, publishable_key_scope, user_credential_required, key_role_exceeds_authority, csrf_token_missing, csrf_token_mismatch, reauthentication_required. Some 409s too: last_owner, key_limit, idempotency_in_flight, idempotency_already_applied."},
      "errors": {"type": "array", "minItems": 1, "items": {"$ref": "#/components/schemas/FieldError"}, "description": "validation_error only: one entry per bad field, path or query parameter."},
      "retry_after_seconds": {"type": "integer", "minimum": 1, "description": "rate_limited only."}
    }
  },
  "Health": {
    "type": "object", "additionalProperties": false, "required": ["status"],
    "properties": {"status": {"type": "string", "enum": ["ok", "ready"]}}
  },
  "LinkTarget": {
    "type": "object", "required": ["href"],
    "properties": {
      "href": {"type": "string", "format": "uri"},
      "type": {"type": "string", "description": "The target's media type."}
    }
  },
  "Linkset": {
    "type": "object", "additionalProperties": false, "required": ["linkset"],
    "description": "RFC 9264 linkset in JSON, as RFC 9727 prescribes for an API catalog.",
    "properties": {
      "linkset": {
        "type": "array", "minItems": 1,
        "items": {
          "type": "object", "required": ["anchor"],
          "properties": {"anchor": {"type": "string", "format": "uri"}},
          "additionalProperties": {"type": "array", "minItems": 1, "items": {"$ref": "#/components/schemas/LinkTarget"}}
        }
      }
    }
  },
  "OpenApiDocument": {
    "type": "object", "required": ["openapi", "info", "paths", "components"],
    "description": "An OpenAPI 3.1 document: this one.",
    "properties": {
      "openapi": {"type": "string", "pattern": "^3\\.1\\.[0-9]+$"},
      "info": {
        "type": "object", "required": ["title", "version"],
        "properties": {"title": {"type": "string"}, "version": {"type": "string"}, "description": {"type": "string"}}
      },
      "servers": {"type": "array", "items": {"type": "object", "required": ["url"], "properties": {"url": {"type": "string"}}}},
      "tags": {"type": "array", "items": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}}},
      "security": {"type": "array"},
      "paths": {"type": "object", "propertyNames": {"pattern": "^/"}},
      "components": {"type": "object"}
    }
  },
  "PrometheusText": {
    "type": "string",
    "pattern": "^((# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* [^\\n]*|[a-zA-Z_:][a-zA-Z0-9_:]*(\\{[^\\n]*\\})? [^ \\n]+( -?[0-9]+)?)\\n)*$",
    "description": "Prometheus text exposition format 0.0.4: # HELP and # TYPE lines, then one sample per line."
  }
},
"parameters": {
  "PathId": {"name": "id", "in": "path", "required": true, "description": "The organization: a shortuuid (the canonical hyphenated UUID is accepted too). Neither form: 422 naming id.", "schema": {"title": "Id", "type": "string", "format": "shortuuid", "minLength": 22, "maxLength": 22, "pattern": "^[23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz]{22}$"}},
  "PathOrgId": {"name": "org_id", "in": "path", "required": true, "description": "The organization: a shortuuid (the canonical hyphenated UUID is accepted too). Neither form: 422 naming org_id.", "schema": {"title": "Org Id", "type": "string", "format": "shortuuid", "minLength": 22, "maxLength": 22, "pattern": "^[23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz]{22}$"}},
  "PathOrganizationId": {"name": "organization_id", "in": "path", "required": true, "description": "The organization: a shortuuid (the canonical hyphenated UUID is accepted too). Neither form: 422 naming organization_id.", "schema": {"title": "Organization Id", "type": "string", "format": "shortuuid", "minLength": 22, "maxLength": 22, "pattern": "^[23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz]{22}$"}},
  "PathMemberId": {"name": "member_id", "in": "path", "required": true, "description": "The membership: a shortuuid (the canonical hyphenated UUID is accepted too). Neither form: 422 naming member_id.", "schema": {"title": "Member Id", "type": "string", "format": "shortuuid", "minLength": 22, "maxLength": 22, "pattern": "^[23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz]{22}$"}},
  "PathKeyId": {"name": "key_id", "in": "path", "required": true, "description": "The API key: a shortuuid (the canonical hyphenated UUID is accepted too). Neither form: 422 naming key_id.", "schema": {"title": "Key Id", "type": "string", "format": "shortuuid", "minLength": 22, "maxLength": 22, "pattern": "^[23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz]{22}$"}},
  "QueryPage": {"name": "page", "in": "query", "description": "1-based page number; a page past the end is empty. Anything else answers 422.", "schema": {"title": "Page", "type": "integer", "minimum": 1, "maximum": 9007199254740991, "default": 1}},
  "QueryPageSize": {"name": "page_size", "in": "query", "description": "1-100; anything else answers 422.", "schema": {"title": "Page Size", "type": "integer", "minimum": 1, "maximum": 100, "default": 25}},
  "QueryRole": {"name": "role", "in": "query", "description": "Only members with this role.", "schema": {"$ref": "#/components/schemas/Role"}},
  "QuerySearch": {"name": "q", "in": "query", "description": "Case-insensitive substring of the member's name or email. There is no index for it: a search walks the organization's active members, and is refused (422 on q) for organizations of more than 100 000 of them, so one request stays bounded.", "schema": {"title": "Q", "type": "string"}},
  "QueryAsOf": {"name": "as_of", "in": "query", "description": "Time travel (extension): a log position or an RFC 3339 time; the list as it stood then. Before the organization existed: 404. Answered by folding the organization's own stream up to that moment, so its cost grows with the number of the organization's events before it (not with the whole log).", "schema": {"title": "As Of", "anyOf": [{"type": "integer", "minimum": 0}, {"$ref": "#/components/schemas/Timestamp"}]}},
  "QueryAfter": {"name": "after", "in": "query", "description": "Only events after this log position. The organization's positions are indexed in memory: a page costs a binary search plus at most `limit` event reads, however long the history.", "schema": {"title": "After", "type": "integer", "minimum": 0, "default": 0}},
  "QueryLimit": {"name": "limit", "in": "query", "description": "Events per answer, 1-1000.", "schema": {"title": "Limit", "type": "integer", "minimum": 1, "maximum": 1000, "default": 100}},
  "HeaderRequestId": {"name": "X-Request-ID", "in": "header", "description": "Echoed when 1-128 characters of [A-Za-z0-9._-]; otherwise a generated id is used.", "schema": {"type": "string"}},
  "HeaderMinPosition": {"name": "X-Min-Position", "in": "header", "description": "Extension, read-your-writes across nodes: the X-Event-Position of an earlier write. The request is answered once the node serving it has applied that position (nodes sharing one event store tail it; without the header a node answers from what it has applied, at most its poll interval behind); not reached within 2 s, 503 with Retry-After; not a decimal position, 400.", "schema": {"type": "integer", "minimum": 0}},
  "HeaderIdempotencyKey": {"name": "Idempotency-Key", "in": "header", "description": "Extension: the first response is stored for 24 h and replayed (with Idempotency-Replayed: true) for a retry of the same request; the same key with a different request answers 422; while the first is in flight, 409; not 1-255 visible ASCII characters, 400. Scoped to the credential.", "schema": {"type": "string", "minLength": 1, "maxLength": 255}},
  "HeaderIfMatch": {"name": "If-Match", "in": "header", "description": "Extension: the ETag last seen; a stale one answers 412, a malformed one 400.", "schema": {"type": "string"}},
  "HeaderCsrfToken": {"name": "X-CSRF-Token", "in": "header", "description": "Required with SessionAuth on requests that change state: missing, 403 with reason csrf_token_missing; not the session's token, 403 with reason csrf_token_mismatch.", "schema": {"type": "string"}}
},
"headers": {
  "X-Request-ID": {"required": true, "description": "The request's id (the client's, if acceptable).", "schema": {"type": "string", "pattern": "^[A-Za-z0-9._-]{1,128}$"}},
  "RateLimit-Policy": {"required": true, "description": "The windows that apply: the credential's (e.g. 300;w=60, 10000;w=86400) or, without a recognised credential, the client address's failed-authentication window (60;w=60).", "schema": {"type": "string", "pattern": "^[0-9]+;w=[0-9]+(, [0-9]+;w=[0-9]+)*$"}},
  "RateLimit-Limit": {"required": true, "description": "Limit of the most restrictive window.", "schema": {"type": "integer", "minimum": 0}},
  "RateLimit-Remaining": {"required": true, "description": "Requests left in the most restrictive window.", "schema": {"type": "integer", "minimum": 0}},
  "RateLimit-Reset": {"required": true, "description": "Seconds until the most restrictive window resets.", "schema": {"type": "integer", "minimum": 0}},
  "X-RateLimit-Limit": {"required": true, "description": "Same as RateLimit-Limit.", "schema": {"type": "integer", "minimum": 0}},
  "X-RateLimit-Remaining": {"required": true, "description": "Same as RateLimit-Remaining.", "schema": {"type": "integer", "minimum": 0}},
  "X-RateLimit-Reset": {"required": true, "description": "Unix time at which the most restrictive window resets.", "schema": {"type": "integer", "minimum": 0}},
  "Retry-After": {"required": true, "description": "Seconds to wait before retrying.", "schema": {"type": "integer", "minimum": 1}},
  "ETag": {"required": true, "description": "Extension: version of the organization's event stream, quoted.", "schema": {"type": "string", "pattern": "^\"[0-9]+\"$"}},
  "X-Event-Position": {"description": "Extension: global log position of the last event this write appended (absent when it appended none).", "schema": {"type": "integer", "minimum": 1}},
  "Idempotency-Replayed": {"description": "Extension: true when this is a stored response replayed for an Idempotency-Key.", "schema": {"type": "string", "enum": ["true"]}},
  "Content-Location": {"required": true, "description": "The path of the resource this create made; the body is a representation of it.", "schema": {"type": "string", "pattern": "^/account/api/v1/"}},
  "WWW-Authenticate": {"required": true, "description": "The accepted authentication schemes.", "schema": {"type": "string"}},
  "Allow": {"required": true, "description": "The methods the path allows.", "schema": {"type": "string"}},
  "Link": {"required": true, "description": "Link to the API catalog (rel=api-catalog).", "schema": {"type": "string"}},
  "Access-Control-Allow-Origin": {"description": "CORS: the request's Origin when it is one of accountd --cors-origin (or * when any origin is allowed). Never with credentials.", "schema": {"type": "string"}},
  "Access-Control-Expose-Headers": {"description": "CORS: the response headers a page may read.", "schema": {"type": "string"}},
  "Access-Control-Allow-Methods": {"description": "CORS preflight: GET, HEAD.", "schema": {"type": "string", "enum": ["GET, HEAD"]}},
  "Access-Control-Allow-Headers": {"description": "CORS preflight: the request headers a page may send.", "schema": {"type": "string", "enum": ["X-API-Key, X-Request-ID"]}},
  "Access-Control-Max-Age": {"description": "CORS preflight: seconds a browser may keep this answer.", "schema": {"type": "integer", "minimum": 0}}
},
"securitySchemes": {
  "APIKeyHeaderAuth": {"type": "apiKey", "in": "header", "name": "X-API-Key", "description": "<prefix>_<32 alphanumerics>_<crc32 hex>; prefix csb (business), csu (user), cpk (publishable: whoami and GET /organizations/{id} only)."},
  "OAuthTokenAuth": {"type": "http", "scheme": "bearer", "description": "A user's access token, issued by the operator tool."},
  "SessionAuth": {"type": "apiKey", "in": "cookie", "name": "sessionid", "description": "A browser session, issued by the operator tool. Requests that change state also need the X-CSRF-Token header."}
}
})json";

}  // namespace

const nlohmann::ordered_json& api_components() {
  static const nlohmann::ordered_json components = nlohmann::ordered_json::parse(kComponents);
  return components;
}

}  // namespace closient::http
