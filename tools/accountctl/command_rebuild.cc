// accountctl rebuild: the serving state made again from the whole log, at
// memory speed, and written as a fresh snapshot that accountd starts from.
// It writes into the data directory, so like every writing command it refuses
// while accountd holds it (the running server writes its own snapshots).
#include <fmt/format.h>

#include "projections/snapshot.h"
#include "tools/accountctl/cli.h"
#include "tools/accountctl/data_dir.h"
#include "tools/accountctl/output.h"
#include "tools/accountctl/serving.h"

namespace accountctl {

int run_rebuild(const Context& context, const Args& /*args*/) {
  auto writable = open_for_writing(context.store, /*create_if_missing=*/false);
  if (!writable.ok()) return fail(writable.error());
  closient::ReplayReport report;
  auto state = replay_everything(*writable->log, /*progress=*/!context.json, &report);
  if (!state.ok()) return fail(state.error());
  if (report.apply_errors > 0) {
    return fail(closient::Error::make(
        closient::ErrorCode::internal_error,
        fmt::format("{} events could not be applied; run accountctl verify", report.apply_errors)));
  }
  closient::SnapshotStore snapshots(context.data_dir);
  const uint64_t position = (*state)->position();
  closient::Status written = snapshots.write(closient::encode_snapshot(**state), position);
  if (!written.ok()) return fail(written.error());
  const double rate = report.seconds > 0 ? report.events / report.seconds : 0;

  if (context.json) {
    print_json_line({{"events_replayed", report.events},
                     {"applied_position", position},
                     {"snapshot", snapshots.path_of(position)},
                     {"seconds", report.seconds},
                     {"events_per_second", rate}});
    return kExitOk;
  }
  print_fields({{"rebuilt", "serving state"},
                {"events replayed", std::to_string(report.events)},
                {"at position", std::to_string(position)},
                {"snapshot", snapshots.path_of(position)},
                {"took", fmt::format("{:.2f} s ({:.0f} events/s)", report.seconds, rate)}});
  return kExitOk;
}

}  // namespace accountctl
