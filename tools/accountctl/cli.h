// What every accountctl command shares: the global options, exit statuses,
// and the table of commands main() dispatches on.
#pragma once

#include <string>
#include <vector>

#include "tools/accountctl/args.h"

namespace accountctl {

// Exit statuses, the same for every command.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;       // could not do it (refused, not found, I/O)
inline constexpr int kExitUsage = 2;         // the command line is wrong
inline constexpr int kExitProblemFound = 3;  // verify: the data failed a check

// Global flags, given before the command.
struct Context {
  std::string data_dir = "./data";  // snapshots; and the log, unless `store` says otherwise
  std::string store = "./data";     // where the log is: data_dir, or a postgresql:// URI
  bool json = false;
  std::string operator_name;  // names the operator in the actor of operator events
  std::string request_id;     // stamped on every event this invocation appends
};

// One command: its words ("token issue"), a one-line summary for the command
// list, the full --help text, the flags it accepts, and what runs it.
struct Command {
  const char* name;
  const char* summary;
  const char* help;
  std::vector<FlagSpec> flags;
  size_t max_positionals;
  int (*run)(const Context& context, const Args& args);
};

// Every command, in the order the overview lists them.
const std::vector<Command>& all_commands();

// The commands, one per file.
int run_bootstrap(const Context& context, const Args& args);
int run_token_issue(const Context& context, const Args& args);
int run_token_revoke(const Context& context, const Args& args);
int run_session_issue(const Context& context, const Args& args);
int run_session_revoke(const Context& context, const Args& args);
int run_preferences_set(const Context& context, const Args& args);
int run_key_limits(const Context& context, const Args& args);
int run_events(const Context& context, const Args& args);
int run_as_of(const Context& context, const Args& args);
int run_verify(const Context& context, const Args& args);
int run_rebuild(const Context& context, const Args& args);
int run_backup(const Context& context, const Args& args);
int run_restore(const Context& context, const Args& args);
int run_stats(const Context& context, const Args& args);
int run_migrate(const Context& context, const Args& args);

}  // namespace accountctl
