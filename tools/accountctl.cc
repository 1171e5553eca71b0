// accountctl: the operators' and auditors' command line for the account service.
//
//   accountctl [--data DIR] [--json] [--operator NAME] [--request-id ID] COMMAND ...
//
// Global flags may appear before or after the command. Exit status: 0 success,
// 1 failure (one line on stderr), 2 bad command line, 3 verify found a problem.
#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "domain/ids.h"
#include "domain/openssl_random.h"
#include "events/event_store.h"
#include "tools/accountctl/cli.h"
#include "tools/accountctl/output.h"
#include "tools/build_info.h"

namespace {

using namespace accountctl;

constexpr char kOverview[] =
    "usage: accountctl [--data DIR | --store URI] [--json] [--operator NAME] [--request-id ID]\n"
    "                  COMMAND ...\n"
    "\n"
    "The operators' and auditors' tool of the account service.\n"
    "\n"
    "Global flags (before or after the command):\n"
    "  --data DIR         the data directory (default ./data): the RocksDB event log,\n"
    "                     and the snapshots\n"
    "  --store WHERE      where the event log is, when not in --data: a PostgreSQL\n"
    "                     URI (postgresql://USER@HOST/DB) shared by accountd nodes, or\n"
    "                     a data directory (the same as --data)\n"
    "  --json             answer in JSON (JSON Lines for streams of events)\n"
    "  --operator NAME    who is acting, recorded as the actor of operator events\n"
    "                     (default: $SUDO_USER, else $USER, else \"operator\")\n"
    "  --request-id ID    request id stamped on the events this run appends\n"
    "                     (1-128 of [A-Za-z0-9._-]; default: generated)\n"
    "  --help             this help; COMMAND --help for a command's\n"
    "  --version          the version and the build's git commit\n"
    "\n"
    "Commands:\n";

constexpr char kFooter[] =
    "\n"
    "Read commands (events, as-of, verify, stats, backup) work while accountd runs.\n"
    "Write commands refuse while accountd holds the data directory; on a PostgreSQL\n"
    "store they run beside the nodes, whose state follows the shared log. backup and\n"
    "restore are for data directories only.\n"
    "Exit status: 0 success, 1 failure, 2 bad command line, 3 verify found a problem.\n";

const std::vector<FlagSpec> kGlobalFlags = {
    {"--data", true, false},     {"--store", true, false},      {"--json", false, false},
    {"--operator", true, false}, {"--request-id", true, false}, {"--help", false, false},
};

std::string overview() {
  std::string text = kOverview;
  for (const auto& command : all_commands()) {
    std::string name = command.name;
    name.resize(std::max<size_t>(name.size() + 2, 17), ' ');
    text += "  " + name + command.summary + "\n";
  }
  return text + kFooter;
}

bool is_request_id(const std::string& id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    const bool allowed = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                         (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!allowed) return false;
  }
  return true;
}

std::string default_operator_name() {
  for (const char* variable : {"SUDO_USER", "USER"}) {
    const char* value = std::getenv(variable);
    if (value != nullptr && *value != '\0') return value;
  }
  return "operator";
}

// The command named by the first one or two words, and how many words it took.
const Command* find_command(const std::vector<std::string>& words, size_t* consumed) {
  for (const auto& command : all_commands()) {
    const std::string name = command.name;
    const size_t space = name.find(' ');
    if (space == std::string::npos) {
      if (!words.empty() && words[0] == name) {
        *consumed = 1;
        return &command;
      }
    } else if (words.size() >= 2 && words[0] == name.substr(0, space) &&
               words[1] == name.substr(space + 1)) {
      *consumed = 2;
      return &command;
    }
  }
  return nullptr;
}

// "token" alone: the subcommands of that group, or empty when it is not a group.
std::string group_help(const std::string& word) {
  std::string text;
  for (const auto& command : all_commands()) {
    const std::string name = command.name;
    if (name.compare(0, word.size() + 1, word + " ") == 0) {
      text += "  accountctl " + name + " ...   " + command.summary + "\n";
    }
  }
  return text.empty() ? text
                      : "usage:\n" + text + "(see accountctl " + word + " SUBCOMMAND --help)\n";
}

bool wants_help(const std::vector<std::string>& words) {
  for (const auto& word : words) {
    if (word == "--") return false;
    if (word == "--help" || word == "-h") return true;
  }
  return false;
}

// Leading global flags, so that "accountctl --data d verify" finds "verify".
std::vector<std::string> skip_leading_globals(const std::vector<std::string>& words,
                                              std::vector<std::string>* globals) {
  size_t i = 0;
  while (i < words.size() && words[i].compare(0, 2, "--") == 0) {
    const std::string name = words[i].substr(0, words[i].find('='));
    bool takes_value = false;
    bool known = false;
    for (const auto& flag : kGlobalFlags) {
      if (flag.name == name) {
        known = true;
        takes_value = flag.takes_value;
      }
    }
    if (!known) break;
    globals->push_back(words[i++]);
    if (takes_value && words[i - 1].find('=') == std::string::npos && i < words.size()) {
      globals->push_back(words[i++]);
    }
  }
  return std::vector<std::string>(words.begin() + static_cast<std::ptrdiff_t>(i), words.end());
}

}  // namespace

int main(int argc, char** argv) {
  // Backups, restored directories and the data directory hold users' data: only
  // their owner may read them (0600 files, 0700 directories), also where a
  // library names no mode.
  ::umask(077);
  std::vector<std::string> words(argv + 1, argv + argc);
  if (words.size() == 1 && words[0] == "--version") {
    std::printf("accountctl %s (commit %s)\n", closient::kBuildVersion, closient::kBuildCommit);
    return kExitOk;
  }
  std::vector<std::string> globals;
  std::vector<std::string> rest = skip_leading_globals(words, &globals);

  size_t consumed = 0;
  const Command* command = find_command(rest, &consumed);
  if (command == nullptr) {
    if (rest.empty() || rest[0] == "help") {
      const bool asked = wants_help(globals) || (!rest.empty() && rest[0] == "help");
      std::fputs(overview().c_str(), asked ? stdout : stderr);
      return asked ? kExitOk : fail(kExitUsage, "no command given (see accountctl --help)");
    }
    const std::string group = group_help(rest[0]);
    if (!group.empty()) {
      if (wants_help(rest)) {
        std::fputs(group.c_str(), stdout);
        return kExitOk;
      }
      std::fputs(group.c_str(), stderr);
      return fail(kExitUsage, "'" + rest[0] + "' needs a subcommand");
    }
    return fail(kExitUsage, "unknown command '" + rest[0] + "' (see accountctl --help)");
  }

  std::vector<std::string> command_words = globals;
  command_words.insert(command_words.end(), rest.begin() + static_cast<std::ptrdiff_t>(consumed),
                       rest.end());
  if (wants_help(command_words)) {
    std::fputs(command->help, stdout);
    return kExitOk;
  }

  std::vector<FlagSpec> flags = command->flags;
  flags.insert(flags.end(), kGlobalFlags.begin(), kGlobalFlags.end());
  UsageError usage;
  std::optional<Args> args = parse_args(command_words, flags, command->max_positionals, &usage);
  if (!args) {
    return fail(kExitUsage, std::string(command->name) + ": " + usage.message +
                                " (see accountctl " + command->name + " --help)");
  }

  Context context;
  if (auto data = args->value("--data")) context.data_dir = *data;
  if (context.data_dir.empty()) return fail(kExitUsage, "--data needs a directory");
  context.store = context.data_dir;
  if (auto store = args->value("--store")) {
    if (store->empty()) return fail(kExitUsage, "--store needs a directory or a postgresql:// URI");
    if (!closient::is_postgres_uri(*store)) {
      if (args->has("--data") && *store != context.data_dir) {
        return fail(kExitUsage, "give the data directory once: --data DIR or --store DIR");
      }
      context.data_dir = *store;
    }
    context.store = *store;
  }
  context.json = args->has("--json");
  context.operator_name = args->value("--operator").value_or(default_operator_name());
  if (context.operator_name.empty()) return fail(kExitUsage, "--operator needs a name");
  if (auto id = args->value("--request-id")) {
    if (!is_request_id(*id)) {
      return fail(kExitUsage, "invalid --request-id: use 1-128 of [A-Za-z0-9._-]");
    }
    context.request_id = *id;
  } else {
    closient::OpenSslRandom random;
    context.request_id = "accountctl-" + closient::new_id(random);
  }
  return command->run(context, *args);
}
