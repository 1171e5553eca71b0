// accountctl rebuild: the serving state made again from the whole log, at
// memory speed, and written as a fresh snapshot that accountd starts from.
// It writes into the data directory, so like every writing command it refuses
// while accountd holds it (the running server writes its own snapshots). On a
// shared store the snapshot goes to the shared table as well, where every node
// finds it at its next start.
#include <fmt/format.h>

#include "projections/snapshot.h"
#include "projections/snapshot_files.h"
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
  closient::SnapshotFiles snapshots(context.data_dir);
  const closient::StoredSnapshot snapshot = closient::snapshot_of(**state);
  const uint64_t position = snapshot.position;
  closient::Status written = snapshots.write(snapshot);
  if (!written.ok()) return fail(written.error());
  // On a shared store the other nodes start from it too.
  closient::SnapshotStore* shared = writable->log->shared_snapshots();
  if (shared) {
    closient::Status shared_written = shared->write(snapshot);
    if (!shared_written.ok()) {
      return fail(closient::Error::make(
          shared_written.error().code,
          fmt::format("{} written, but not the {}: {}", snapshots.path_of(position),
                      shared->name_of(position), shared_written.error().detail)));
    }
  }
  const double rate = report.seconds > 0 ? report.events / report.seconds : 0;

  if (context.json) {
    nlohmann::json line = {{"events_replayed", report.events},
                           {"applied_position", position},
                           {"snapshot", snapshots.path_of(position)},
                           {"seconds", report.seconds},
                           {"events_per_second", rate}};
    if (shared) line["shared_snapshot_position"] = position;
    print_json_line(line);
    return kExitOk;
  }
  Fields fields = {{"rebuilt", "serving state"},
                   {"events replayed", std::to_string(report.events)},
                   {"at position", std::to_string(position)},
                   {"snapshot", snapshots.path_of(position)}};
  if (shared) fields.emplace_back("shared snapshot", shared->name_of(position));
  fields.emplace_back("took", fmt::format("{:.2f} s ({:.0f} events/s)", report.seconds, rate));
  print_fields(fields);
  return kExitOk;
}

}  // namespace accountctl
