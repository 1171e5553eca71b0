// Every write operation's request through the HTTP layer's reading of it: the
// JSON body (Content-Type, strict parsing, shape) and path ids and If-Match into
// a typed command, as the server does before the domain sees it. The first byte
// picks the operation, the first line may replace its path ids, the second is
// the If-Match header, the rest is the body.
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <vector>

#include "domain/ids.h"
#include "fuzz_input.h"
#include "http/api_description.h"
#include "http/command_bodies.h"
#include "http/json_body.h"

using namespace closient;
using namespace closient::http;

namespace {

constexpr char kValidId[] = "3xG7qKbTf2VwEr9uWdPjAa";

// Every {name} of a path template, set to `id`.
PathParams path_params(const std::string& path_template, const std::string& id) {
  PathParams params;
  for (size_t open = path_template.find('{'); open != std::string::npos;
       open = path_template.find('{', open + 1)) {
    const size_t close = path_template.find('}', open);
    if (close == std::string::npos) break;
    params.add(path_template.substr(open + 1, close - open - 1), id);
  }
  return params;
}

// The operations that are commands (writes the domain decides).
const std::vector<const ApiOperation*>& command_operations() {
  static const std::vector<const ApiOperation*> operations = [] {
    std::vector<const ApiOperation*> out;
    const nlohmann::json empty = nlohmann::json::object();
    for (const ApiOperation& op : api_operations()) {
      const PathParams path = path_params(op.path, kValidId);
      const Result<Command> probe = command_from_request({op.operation_id, &path, &empty, {}});
      if (probe.ok() || probe.error().code != ErrorCode::internal_error) out.push_back(&op);
    }
    return out;
  }();
  return operations;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::FuzzInput input(data, size);
  const std::vector<const ApiOperation*>& operations = command_operations();
  const ApiOperation& op = *operations[input.byte() % operations.size()];
  const bool own_ids = (input.byte() & 1) != 0;
  std::string id = input.line();
  if (!own_ids) id = kValidId;
  const std::string if_match = input.line();

  Request request =
      make_request(op.method, op.path, {{"Content-Type", "application/json"}}, input.rest());
  if (!if_match.empty()) request.headers.add("If-Match", if_match);

  const PathParams path = path_params(op.path, id);
  const Result<std::optional<uint64_t>> precondition = parse_if_match(request.headers);
  CommandInput command_input{op.operation_id, &path, nullptr,
                             precondition.ok() ? *precondition : std::nullopt};
  Result<nlohmann::json> body = nlohmann::json::object();
  if (operation_takes_body(op.operation_id)) {
    body = parse_json_body(request);
    if (!body.ok()) return 0;
    command_input.body = &body.value();
  }
  const Result<Command> command = command_from_request(command_input);
  if (!command.ok()) {
    const Error& error = command.error();
    // Wire input that cannot be read is a 400 or a 422, never anything else.
    if (error.code != ErrorCode::validation_error && error.code != ErrorCode::bad_request) {
      std::abort();
    }
    if (error.code == ErrorCode::validation_error && error.fields.empty()) std::abort();
  }
  return 0;
}
