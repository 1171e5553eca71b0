// The only file of accountctl that knows the projections layer's read-model API.
#include "tools/accountctl/read_models.h"

#include "projections/catch_up.h"
#include "projections/core_projector.h"
#include "projections/projection_version.h"
#include "projections/read_model_keys.h"
#include "projections/rebuild.h"
#include "tools/accountctl/in_memory_rebuild.h"

namespace accountctl {
namespace {

// The core read models are one projection; its name for --projection.
constexpr char kCoreProjection[] = "core";

}  // namespace

closient::Status install_core_projector(closient::RocksEventLog& log) {
  closient::install_core_projector(log);
  return closient::ok_status();
}

closient::Status ensure_read_models_current(closient::RocksEventLog& log) {
  return closient::ensure_read_models_current(log);
}

std::vector<std::string> projection_names() {
  return {kCoreProjection};
}

closient::Result<RebuildSummary> rebuild_read_models(
    closient::RocksEventLog& log, const std::optional<std::string>& /*projection*/) {
  // Every name projection_names() accepts is the core projection.
  auto report = closient::rebuild_read_models(log);
  if (!report.ok()) return report.error();
  RebuildSummary summary;
  summary.events_replayed = report->events_projected;
  summary.applied_position = report->scanned_to;
  summary.generation = report->generation;
  summary.projections = {kCoreProjection};
  return summary;
}

closient::Result<ReadModelCheck> verify_read_models_in_place(closient::RocksEventLog& log) {
  auto report = closient::verify_read_models(log);
  if (!report.ok()) return report.error();
  ReadModelCheck check;
  check.events_replayed = report->events_projected;
  check.first_difference = report->first_difference;
  return check;
}

closient::Result<ReadModelCheck> verify_read_models_in_memory(closient::RocksEventLog& log) {
  // A rebuild stamps the projector's version before the first event.
  std::map<std::string, std::string> seed = {
      {closient::rm_key::projection_version(), std::to_string(closient::kCoreProjectionVersion)}};
  auto comparison =
      compare_with_rebuild_in_memory(log, log, closient::core_projection_hook(), std::move(seed));
  if (!comparison.ok()) return comparison.error();
  ReadModelCheck check;
  check.events_replayed = comparison->events_replayed;
  check.keys_compared = comparison->keys_compared;
  check.first_difference = comparison->first_difference;
  return check;
}

closient::Result<std::string> user_id_by_email(closient::RocksEventLog& log,
                                               const std::string& email) {
  // The core projector stores the bare user id under ue/<email>.
  return log.get(closient::rm_key::user_by_email(email)).value_or(std::string());
}

}  // namespace accountctl
