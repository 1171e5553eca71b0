#include "projections/rebuild.h"

#include <chrono>

#include "projections/core_projector.h"
#include "projections/read_model_keys.h"

namespace closient {
namespace {

struct Progress {
  uint64_t events = 0;
  uint64_t last_position = 0;
};

// Projects every event after `progress.last_position` into the fresh space.
Status project_log(RocksEventLog& log, ReadModelRebuild& rebuild, size_t flush_every,
                   Progress& progress) {
  Status failed = ok_status();
  size_t since_flush = 0;
  ReadFilter filter;
  filter.after_position = progress.last_position;
  Status scanned = log.scan(filter, [&](const EventEnvelope& event) {
    failed = project(event, rebuild.writer());
    if (!failed.ok()) return false;
    ++progress.events;
    progress.last_position = event.position;
    if (++since_flush >= flush_every) {
      since_flush = 0;
      failed = rebuild.flush();
    }
    return failed.ok();
  });
  if (!scanned.ok()) return scanned;
  if (!failed.ok()) return failed;
  return rebuild.flush();
}

Result<std::unique_ptr<ReadModelRebuild>> start(RocksEventLog& log, const RebuildOptions& options) {
  auto rebuild = log.begin_rebuild();
  if (!rebuild.ok()) return rebuild.error();
  (*rebuild)->writer().put(rm_key::projection_version(),
                           std::to_string(options.projection_version));
  return rebuild;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

Result<RebuildReport> rebuild_read_models(RocksEventLog& log, const RebuildOptions& options) {
  const auto began = std::chrono::steady_clock::now();
  auto rebuild = start(log, options);
  if (!rebuild.ok()) return rebuild.error();
  Progress progress;
  Status projected = project_log(log, **rebuild, options.flush_every, progress);
  if (!projected.ok()) return projected.error();  // the rebuild abandons itself
  Status committed = (*rebuild)->commit(progress.last_position);
  if (!committed.ok()) return committed.error();
  RebuildReport report;
  report.events_projected = progress.events;
  report.scanned_to = progress.last_position;
  report.generation = log.read_model_generation();
  report.seconds = seconds_since(began);
  return report;
}

Result<VerifyReport> verify_read_models(RocksEventLog& log, const RebuildOptions& options) {
  auto rebuild = start(log, options);
  if (!rebuild.ok()) return rebuild.error();
  Progress progress;
  VerifyReport report;
  constexpr int kAttempts = 5;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    // Bring the scratch copy to the position the live copy reflects, compare,
    // and trust the answer only if the live copy did not move meanwhile.
    auto applied = log.read_models_applied_position();
    if (!applied.ok()) return applied.error();
    Status projected = project_log(log, **rebuild, options.flush_every, progress);
    if (!projected.ok()) return projected.error();
    report.first_difference = (*rebuild)->first_difference();
    report.compared_at = progress.last_position;
    auto after = log.read_models_applied_position();
    if (!after.ok()) return after.error();
    if (*after == *applied && *applied <= progress.last_position) break;
  }
  report.events_projected = progress.events;
  (*rebuild)->abandon();
  return report;
}

}  // namespace closient
