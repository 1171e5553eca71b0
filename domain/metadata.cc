#include "domain/metadata.h"

#include <utility>

#include "domain/validation.h"

namespace closient {

MetadataPatch MetadataPatch::merge(Metadata values) {
  if (values.empty()) return clear();
  return {Kind::merge, std::move(values)};
}

Metadata apply_metadata_patch(const Metadata& current, const MetadataPatch& patch) {
  switch (patch.kind) {
    case MetadataPatch::Kind::unchanged:
      return current;
    case MetadataPatch::Kind::clear:
      return {};
    case MetadataPatch::Kind::merge:
      break;
  }
  Metadata result = current;
  for (const auto& [key, value] : patch.values) {
    if (value.empty()) {
      result.erase(key);
    } else {
      result[key] = value;
    }
  }
  return result;
}

Metadata metadata_from_values(const Metadata& values) {
  return apply_metadata_patch({}, MetadataPatch::merge(values));
}

namespace {

void check_entries(const Metadata& values, std::string_view field, Validation& v) {
  const std::string prefix = std::string(field) + ".";
  for (const auto& [key, value] : values) {
    if (key.empty()) {
      v.fail(std::string(field), "keys must not be empty");
    } else if (utf8_length(key) > kMetadataMaxKeyLength) {
      v.fail(prefix + key, "keys are at most 40 characters");
    } else if (utf8_length(value) > kMetadataMaxValueLength) {
      v.fail(prefix + key, "values are at most 500 characters");
    }
  }
}

}  // namespace

Status check_metadata(const Metadata& values, std::string_view field) {
  Validation v;
  check_entries(values, field, v);
  if (values.size() > kMetadataMaxKeys) v.fail(std::string(field), "at most 50 keys");
  return v.status();
}

Result<Metadata> parse_metadata(const nlohmann::json& value, std::string_view field) {
  if (value.is_null()) return Metadata{};
  if (!value.is_object()) {
    return Error::validation(std::string(field), "must be an object of strings");
  }
  if (value.size() > kMetadataMaxKeysInRequest) {
    return Error::validation(
        std::string(field),
        "at most 50 keys (one update may name at most 100, deletions included)");
  }
  Validation v;
  Metadata out;
  for (const auto& [key, item] : value.items()) {
    if (!item.is_string()) {
      v.fail(std::string(field) + "." + key, "must be a string");
      continue;
    }
    out.emplace(key, item.get<std::string>());
  }
  // The key count is a limit on the stored result (after "" deletions and
  // merging), so decide checks it; entries can be judged here already.
  check_entries(out, field, v);
  if (!v.ok()) return v.status().error();
  return out;
}

Result<MetadataPatch> parse_metadata_patch(const nlohmann::json* value, std::string_view field) {
  if (value == nullptr) return MetadataPatch::unchanged();
  if (value->is_null()) return MetadataPatch::clear();
  Result<Metadata> values = parse_metadata(*value, field);
  if (!values.ok()) return values.error();
  return MetadataPatch::merge(std::move(values).value());
}

nlohmann::json metadata_to_json(const Metadata& values) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [key, value] : values) out[key] = value;
  return out;
}

Metadata metadata_from_json(const nlohmann::json& value) {
  Metadata out;
  if (!value.is_object()) return out;
  for (const auto& [key, item] : value.items())
    if (item.is_string()) out.emplace(key, item.get<std::string>());
  return out;
}

}  // namespace closient
