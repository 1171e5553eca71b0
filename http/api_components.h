// The reusable parts of the OpenAPI document: schemas of every body, parameters,
// headers, error responses and security schemes. Operations refer to them by key.
#pragma once

#include <nlohmann/json_fwd.hpp>

namespace closient::http {

// {"schemas": ..., "parameters": ..., "headers": ..., "responses": ..., "securitySchemes": ...}
const nlohmann::ordered_json& api_components();

}  // namespace closient::http
