// Metadata from request bodies (contract §4): parsed with its limits, patched,
// checked, and read back from stored JSON, whatever the JSON.
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "domain/metadata.h"
#include "fuzz_input.h"

using namespace closient;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const nlohmann::json value =
      nlohmann::json::parse(data, data + size, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) return 0;

  const Result<Metadata> parsed = parse_metadata(value, "metadata");
  if (parsed.ok()) {
    const Metadata whole = metadata_from_values(*parsed);
    // What parse_metadata accepts round-trips through its stored form.
    if (metadata_from_json(metadata_to_json(whole)) != whole) std::abort();
    check_metadata(whole, "metadata").ok();
  }
  const Result<MetadataPatch> patch = parse_metadata_patch(&value, "metadata");
  if (patch.ok()) {
    const Metadata current = {{"kept", "1"}, {"team", "red"}};
    const Metadata after = apply_metadata_patch(current, *patch);
    if (patch->kind == MetadataPatch::Kind::clear && !after.empty()) std::abort();
    check_metadata(after, "metadata").ok();
  }
  metadata_from_json(value);
  return 0;
}
