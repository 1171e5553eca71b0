// Request → Command for every write operation: path ids, the JSON body's shape
// and types, If-Match. What the values mean (name lengths, real country codes,
// who may do what) is decided by the domain; this file only turns wire input into
// typed commands, answering 400/422 for input that cannot even be read.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "domain/commands.h"
#include "events/result.h"
#include "http/headers.h"
#include "http/router.h"

namespace closient::http {

struct CommandInput {
  std::string_view operation_id;         // "apps_accounts_api_members_invite_member"
  const PathParams* path = nullptr;      // never null
  const nlohmann::json* body = nullptr;  // null for operations without a body
  std::optional<uint64_t> if_match;      // from the If-Match header
};

// The command an operation asks for; validation_error naming each bad field or
// path parameter. Generated fields (ids, secrets) are left empty.
Result<Command> command_from_request(const CommandInput& input);

// Whether an operation takes a JSON body (POST/PUT/PATCH with a body schema).
bool operation_takes_body(std::string_view operation_id);

// If-Match: absent or "*" → no precondition; "<version>" (quoted, optionally W/)
// → that stream version; anything else → 400 bad_request.
Result<std::optional<uint64_t>> parse_if_match(const Headers& headers);

// A path parameter naming an entity: shortuuid or canonical UUID, else 422 naming it.
Result<std::string> path_id(const PathParams& path, std::string_view name);

}  // namespace closient::http
