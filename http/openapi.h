// The OpenAPI 3.1 document of this server, generated from api_operations() and
// api_components(): every route the router knows is described, and nothing else.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>

namespace closient::http {

nlohmann::ordered_json build_openapi_document();

// The document serialized once, as served at /account/api/v1/openapi.json.
const std::string& openapi_document_text();

}  // namespace closient::http
