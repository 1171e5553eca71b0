// Command-line flags of one accountctl command: `--name VALUE`, `--name=VALUE`
// or a bare `--name` switch, plus positional arguments. Every command declares
// the flags it takes, so a typo is reported instead of silently ignored.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace accountctl {

struct FlagSpec {
  std::string name;         // "--email"
  bool takes_value = true;  // false: a switch such as --follow
  bool repeatable = false;  // --type A --type B
};

// What a command line said. Values are kept as text; the typed getters below
// turn them into numbers and say which flag was wrong when they cannot.
class Args {
 public:
  bool has(const std::string& flag) const { return values_.count(flag) > 0; }
  // The last value of a flag, or nullopt when absent.
  std::optional<std::string> value(const std::string& flag) const;
  // Every value of a repeatable flag, in order.
  std::vector<std::string> values(const std::string& flag) const;
  const std::vector<std::string>& positionals() const { return positionals_; }

  void add(const std::string& flag, std::string value) {
    values_[flag].push_back(std::move(value));
  }
  void add_positional(std::string value) { positionals_.push_back(std::move(value)); }

 private:
  std::map<std::string, std::vector<std::string>> values_;
  std::vector<std::string> positionals_;
};

// A command line that does not fit the command: reported on one line, exit 2.
struct UsageError {
  std::string message;
};

// Parses `words` (everything after the command name). `max_positionals` bounds
// the arguments that are not flags. On error, fills *error and returns nullopt.
std::optional<Args> parse_args(const std::vector<std::string>& words,
                               const std::vector<FlagSpec>& flags, size_t max_positionals,
                               UsageError* error);

// A whole number in [min, max] from a flag's text, or a UsageError naming the flag.
std::optional<int64_t> parse_integer(const std::string& flag, const std::string& text, int64_t min,
                                     int64_t max, UsageError* error);

// The value of a flag the command cannot do without.
std::optional<std::string> required_value(const Args& args, const std::string& flag,
                                          UsageError* error);

}  // namespace accountctl
