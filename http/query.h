// The request target split into its path and its decoded query parameters.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace closient::http {

// Query parameters in the order sent, names and values percent-decoded.
class QueryParams {
 public:
  using Param = std::pair<std::string, std::string>;

  void add(std::string name, std::string value);
  // The first value of that parameter, if present.
  std::optional<std::string_view> find(std::string_view name) const;
  std::size_t count(std::string_view name) const;

  std::vector<Param>::const_iterator begin() const { return params_.begin(); }
  std::vector<Param>::const_iterator end() const { return params_.end(); }
  std::size_t size() const { return params_.size(); }
  bool empty() const { return params_.empty(); }

 private:
  std::vector<Param> params_;
};

// Decodes %XX escapes (and '+' as a space when asked, as in a query). A malformed
// escape is kept literally: decoding never fails, so a bad query yields a value the
// route then rejects with a precise 422 instead of a vague 400.
std::string percent_decode(std::string_view text, bool plus_is_space);

// "a=1&b=x%20y&flag" -> {a:1, b:"x y", flag:""}. Empty pieces are skipped.
QueryParams parse_query(std::string_view query);

struct Target {
  std::string path;  // still percent-encoded; the router decodes each parameter
  QueryParams query;
};

// Splits an origin-form target ("/p?q") or an absolute-form one
// ("http://host/p?q", sent through proxies) into path and query.
Target split_target(std::string_view target);

}  // namespace closient::http
