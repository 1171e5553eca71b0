#include "tools/accountctl/args.h"

#include <cerrno>
#include <cstdlib>

namespace accountctl {
namespace {

const FlagSpec* find_flag(const std::vector<FlagSpec>& flags, const std::string& name) {
  for (const auto& flag : flags) {
    if (flag.name == name) return &flag;
  }
  return nullptr;
}

}  // namespace

std::optional<std::string> Args::value(const std::string& flag) const {
  auto found = values_.find(flag);
  if (found == values_.end() || found->second.empty()) return std::nullopt;
  return found->second.back();
}

std::vector<std::string> Args::values(const std::string& flag) const {
  auto found = values_.find(flag);
  return found == values_.end() ? std::vector<std::string>{} : found->second;
}

std::optional<Args> parse_args(const std::vector<std::string>& words,
                               const std::vector<FlagSpec>& flags, size_t max_positionals,
                               UsageError* error) {
  Args args;
  bool only_positionals = false;  // after "--"
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string& word = words[i];
    if (only_positionals || word.size() < 2 || word.compare(0, 2, "--") != 0) {
      if (args.positionals().size() >= max_positionals) {
        *error = UsageError{"unexpected argument '" + word + "'"};
        return std::nullopt;
      }
      args.add_positional(word);
      continue;
    }
    if (word == "--") {
      only_positionals = true;
      continue;
    }
    const size_t equals = word.find('=');
    const std::string name = word.substr(0, equals);
    const FlagSpec* spec = find_flag(flags, name);
    if (spec == nullptr) {
      *error = UsageError{"unknown flag " + name};
      return std::nullopt;
    }
    if (args.has(name) && !spec->repeatable) {
      *error = UsageError{name + " given twice"};
      return std::nullopt;
    }
    if (!spec->takes_value) {
      if (equals != std::string::npos) {
        *error = UsageError{name + " takes no value"};
        return std::nullopt;
      }
      args.add(name, "");
      continue;
    }
    if (equals != std::string::npos) {
      args.add(name, word.substr(equals + 1));
    } else if (i + 1 < words.size()) {
      args.add(name, words[++i]);
    } else {
      *error = UsageError{name + " needs a value"};
      return std::nullopt;
    }
  }
  return args;
}

std::optional<int64_t> parse_integer(const std::string& flag, const std::string& text, int64_t min,
                                     int64_t max, UsageError* error) {
  char* end = nullptr;
  errno = 0;
  const long long parsed = std::strtoll(text.c_str(), &end, 10);
  const bool digits_only = !text.empty() && (text[0] == '-' || (text[0] >= '0' && text[0] <= '9'));
  if (!digits_only || *end != '\0' || errno == ERANGE || parsed < min || parsed > max) {
    *error = UsageError{"invalid " + flag + " '" + text + "': must be a whole number from " +
                        std::to_string(min) + " to " + std::to_string(max)};
    return std::nullopt;
  }
  return static_cast<int64_t>(parsed);
}

std::optional<std::string> required_value(const Args& args, const std::string& flag,
                                          UsageError* error) {
  std::optional<std::string> value = args.value(flag);
  if (!value) *error = UsageError{flag + " is required"};
  return value;
}

}  // namespace accountctl
