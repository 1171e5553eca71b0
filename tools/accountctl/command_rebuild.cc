// accountctl rebuild: the read models made again from the log, into a fresh
// space that replaces the live one atomically (the old copy stays until the
// switch succeeds). Offline: the server must be stopped.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>

#include "tools/accountctl/cli.h"
#include "tools/accountctl/data_dir.h"
#include "tools/accountctl/output.h"
#include "tools/accountctl/read_models.h"

namespace accountctl {

int run_rebuild(const Context& context, const Args& args) {
  std::optional<std::string> projection = args.value("--projection");
  if (projection) {
    const std::vector<std::string> names = projection_names();
    if (std::find(names.begin(), names.end(), *projection) == names.end()) {
      std::string known;
      for (const auto& name : names) known += (known.empty() ? "" : ", ") + name;
      return fail_usage("rebuild",
                        "unknown projection '" + *projection + "' (known: " + known + ")");
    }
  }
  auto writable = open_for_writing(context.data_dir, /*create_if_missing=*/false);
  if (!writable.ok()) return fail(writable.error());
  closient::RocksEventLog& log = *writable->log;
  // The rebuild's commit replays events appended meanwhile through the hook.
  closient::Status installed = install_core_projector(log);
  if (!installed.ok()) return fail(installed.error());

  const auto started = std::chrono::steady_clock::now();
  auto summary = rebuild_read_models(log, projection);
  if (!summary.ok()) return fail(summary.error());
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  if (context.json) {
    print_json_line({{"projections", summary->projections},
                     {"events_replayed", summary->events_replayed},
                     {"applied_position", summary->applied_position},
                     {"generation", summary->generation},
                     {"seconds", seconds}});
    return kExitOk;
  }
  std::string names;
  for (const auto& name : summary->projections) names += (names.empty() ? "" : ", ") + name;
  print_fields({{"rebuilt", names.empty() ? "read models" : names},
                {"events replayed", std::to_string(summary->events_replayed)},
                {"at position", std::to_string(summary->applied_position)},
                {"generation", std::to_string(summary->generation)},
                {"took", fmt::format("{:.2f} s", seconds)}});
  return kExitOk;
}

}  // namespace accountctl
