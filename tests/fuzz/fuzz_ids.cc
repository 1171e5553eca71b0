// shortuuid and canonical UUID decoding (contract §1): whatever decodes must
// encode back to itself, and nothing may crash.
#include <cstdlib>

#include "domain/ids.h"
#include "fuzz_input.h"

using namespace closient;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);

  if (const std::optional<Uuid> id = shortuuid_decode(text)) {
    if (shortuuid_encode(*id) != text) std::abort();
  }
  if (const std::optional<Uuid> id = parse_canonical_uuid(text)) {
    const std::string canonical = format_canonical_uuid(*id);
    if (parse_canonical_uuid(canonical) != id) std::abort();
    if (shortuuid_decode(shortuuid_encode(*id)) != id) std::abort();
  }
  if (const std::optional<std::string> normalized = normalize_id(text)) {
    if (normalize_id(*normalized) != normalized) std::abort();  // idempotent
    if (!parse_id(text, "id").ok()) std::abort();
  } else if (parse_id(text, "id").ok()) {
    std::abort();
  }
  org_id_of_stream(text);
  user_id_of_stream(text);
  return 0;
}
