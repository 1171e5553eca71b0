#include "tools/accountctl/output.h"

#include <algorithm>
#include <cstdio>

namespace accountctl {

int fail(int exit_code, const std::string& message) {
  std::fflush(stdout);
  std::fprintf(stderr, "accountctl: %s\n", message.c_str());
  return exit_code;
}

int fail_usage(const std::string& command, const std::string& message) {
  return fail(2, command + ": " + message + " (see accountctl " + command + " --help)");
}

std::string describe(const closient::Error& error) {
  // A validation error's detail is generic; its fields say what is wrong.
  std::string text = error.fields.empty() ? error.detail : "invalid";
  for (size_t i = 0; i < error.fields.size(); ++i) {
    text += (i == 0 ? " " : "; ") + error.fields[i].field + ": " + error.fields[i].message;
  }
  // Lower layers may put several lines in a detail; a failure is one line.
  std::replace(text.begin(), text.end(), '\n', ' ');
  return text;
}

int fail(const closient::Error& error) {
  return fail(1, describe(error));
}

void print_json_line(const nlohmann::json& document) {
  const std::string text = document.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

void print_fields(const Fields& fields) {
  size_t width = 0;
  for (const auto& [label, value] : fields) width = std::max(width, label.size());
  for (const auto& [label, value] : fields) {
    std::printf("%-*s  %s\n", static_cast<int>(width + 1), (label + ":").c_str(), value.c_str());
  }
  std::fflush(stdout);
}

void print_line(const std::string& text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fputc('\n', stdout);
}

}  // namespace accountctl
