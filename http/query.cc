#include "http/query.h"

namespace closient::http {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

}  // namespace

void QueryParams::add(std::string name, std::string value) {
  params_.emplace_back(std::move(name), std::move(value));
}

std::optional<std::string_view> QueryParams::find(std::string_view name) const {
  for (const auto& [param, value] : params_) {
    if (param == name) return std::string_view(value);
  }
  return std::nullopt;
}

std::size_t QueryParams::count(std::string_view name) const {
  std::size_t n = 0;
  for (const auto& param : params_) n += param.first == name ? 1 : 0;
  return n;
}

std::string percent_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%' && i + 2 < text.size()) {
      const int high = hex_value(text[i + 1]);
      const int low = hex_value(text[i + 2]);
      if (high >= 0 && low >= 0) {
        out.push_back(static_cast<char>(high * 16 + low));
        i += 2;
        continue;
      }
    }
    out.push_back(plus_is_space && c == '+' ? ' ' : c);
  }
  return out;
}

QueryParams parse_query(std::string_view query) {
  QueryParams params;
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view piece = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (piece.empty()) continue;
    const std::size_t eq = piece.find('=');
    if (eq == std::string_view::npos) {
      params.add(percent_decode(piece, true), "");
    } else {
      params.add(percent_decode(piece.substr(0, eq), true),
                 percent_decode(piece.substr(eq + 1), true));
    }
  }
  return params;
}

Target split_target(std::string_view target) {
  if (starts_with(target, "http://") || starts_with(target, "https://")) {
    const std::size_t authority = target.find("//") + 2;
    const std::size_t path_start = target.find_first_of("/?", authority);
    target =
        path_start == std::string_view::npos ? std::string_view("/") : target.substr(path_start);
  }
  const std::size_t fragment = target.find('#');
  if (fragment != std::string_view::npos) target = target.substr(0, fragment);

  Target result;
  const std::size_t question = target.find('?');
  result.path = std::string(target.substr(0, question));
  if (result.path.empty()) result.path = "/";
  if (question != std::string_view::npos) result.query = parse_query(target.substr(question + 1));
  return result;
}

}  // namespace closient::http
