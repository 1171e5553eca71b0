#include "http/headers.h"

#include <algorithm>

namespace closient::http {
namespace {

char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

}  // namespace

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

void Headers::add(std::string name, std::string value) {
  fields_.emplace_back(std::move(name), std::move(value));
}

void Headers::set(std::string name, std::string value) {
  remove(name);
  add(std::move(name), std::move(value));
}

void Headers::remove(std::string_view name) {
  fields_.erase(std::remove_if(fields_.begin(), fields_.end(),
                               [&](const Field& f) { return equals_ignoring_case(f.first, name); }),
                fields_.end());
}

void Headers::set_all(const Headers& other) {
  // Remove first, then add, so that repeated fields in `other` all survive.
  for (const auto& field : other) remove(field.first);
  for (const auto& field : other) add(field.first, field.second);
}

std::optional<std::string_view> Headers::find(std::string_view name) const {
  for (const auto& [field_name, value] : fields_) {
    if (equals_ignoring_case(field_name, name)) return std::string_view(value);
  }
  return std::nullopt;
}

std::size_t Headers::count(std::string_view name) const {
  return static_cast<std::size_t>(
      std::count_if(fields_.begin(), fields_.end(),
                    [&](const Field& f) { return equals_ignoring_case(f.first, name); }));
}

}  // namespace closient::http
