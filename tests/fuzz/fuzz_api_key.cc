// The API key parser and the credential headers it is read from: format and
// checksum before any lookup (contract §2), never a crash.
#include <cstdlib>

#include "domain/api_key.h"
#include "fuzz_input.h"
#include "http/credentials.h"

using namespace closient;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::FuzzInput input(data, size);
  const std::string key = input.line();

  const std::optional<KeyKind> kind = well_formed_api_key(key);
  if (kind) {
    // A well-formed key names its kind in its prefix and carries its checksum.
    if (key.substr(0, 3) != key_kind_prefix(*kind)) std::abort();
    if (key.size() != kApiKeyLength) std::abort();
    if (api_key_checksum(std::string_view(key).substr(4, kApiKeyBodyLength)) !=
        key.substr(4 + kApiKeyBodyLength + 1)) {
      std::abort();
    }
    const GeneratedApiKey described = describe_api_key(key);
    if (described.sha256.size() != 64 || described.display_prefix != key.substr(0, 8)) std::abort();
  }
  parse_key_kind(key);

  // The same bytes as every credential header a request may carry.
  http::Headers headers;
  headers.add("X-API-Key", key);
  headers.add("Authorization", input.line());
  headers.add("Cookie", input.line());
  headers.add("X-CSRF-Token", input.rest());
  const http::PresentedCredentials presented = http::extract_credentials(headers);
  if (presented.api_key && presented.api_key->empty()) std::abort();
  http::find_cookies(headers.find("Cookie").value_or(""), "sessionid");
  return 0;
}
