// Metadata (`metadata`, `user_metadata`): a flat string → string object with
// limits, and the merge rules updates follow (contract §4).
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "events/result.h"

namespace closient {

// Ordered so its JSON form and its hash are stable.
using Metadata = std::map<std::string, std::string>;

inline constexpr size_t kMetadataMaxKeys = 50;
inline constexpr size_t kMetadataMaxKeyLength = 40;     // characters (code points)
inline constexpr size_t kMetadataMaxValueLength = 500;  // characters (code points)
// A request body's metadata object may name at most this many keys: enough to
// delete every stored key and set as many new ones in one update. Checked
// before any key is looked at.
inline constexpr size_t kMetadataMaxKeysInRequest = 2 * kMetadataMaxKeys;

// What an update body says about metadata.
struct MetadataPatch {
  enum class Kind {
    unchanged,  // field absent
    clear,      // null or {}
    merge,      // keys sent are set, a key sent with "" is deleted, others kept
  };
  Kind kind = Kind::unchanged;
  Metadata values;  // for merge

  static MetadataPatch unchanged() { return {}; }
  static MetadataPatch clear() { return {Kind::clear, {}}; }
  static MetadataPatch merge(Metadata values);  // {} becomes clear
};

// `current` after `patch`. Does not check limits.
Metadata apply_metadata_patch(const Metadata& current, const MetadataPatch& patch);

// Metadata given whole (create bodies): keys with "" are dropped, as a merge onto {} would.
Metadata metadata_from_values(const Metadata& values);

// Checks the key and value limits of every entry and the key count of the
// whole. Field names are "<field>.<key>" per bad entry, "<field>" for the count.
Status check_metadata(const Metadata& values, std::string_view field);

// A JSON value from a request body → Metadata: must be an object of strings
// (null is {}) of at most kMetadataMaxKeysInRequest members. Key and value
// limits are checked here; the key count applies to the stored result and is
// checked by decide.
Result<Metadata> parse_metadata(const nlohmann::json& value, std::string_view field);
// A JSON member of an update body: `value` is nullptr when the member is absent.
Result<MetadataPatch> parse_metadata_patch(const nlohmann::json* value, std::string_view field);

nlohmann::json metadata_to_json(const Metadata& values);
// Lenient decode for stored events: non-string values are skipped.
Metadata metadata_from_json(const nlohmann::json& value);

}  // namespace closient
