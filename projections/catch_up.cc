#include "projections/catch_up.h"

#include <fmt/format.h>

namespace closient {
namespace {

// Why the read models need a rebuild; empty when they do not.
Result<std::string> staleness(RocksEventLog& log, uint64_t code_version) {
  std::optional<uint64_t> stored = stored_projection_version(log);
  if (!stored) return std::string("no projection version is stored");
  if (*stored != code_version) {
    return fmt::format("projection version {} is stored, this build writes {}", *stored,
                       code_version);
  }
  auto applied = log.read_models_applied_position();
  if (!applied.ok()) return applied.error();
  const uint64_t last = log.last_position();
  if (*applied < last) {
    return fmt::format("the read models reflect position {}, the log ends at {}", *applied, last);
  }
  return std::string();
}

}  // namespace

Result<CatchUpReport> bring_read_models_current(RocksEventLog& log, uint64_t code_version) {
  CatchUpReport report;
  auto reason = staleness(log, code_version);
  if (!reason.ok()) return reason.error();
  report.reason = std::move(reason).value();
  if (report.reason.empty() || log.mode() != OpenMode::read_write) return report;
  RebuildOptions options;
  options.projection_version = code_version;
  auto rebuilt = rebuild_read_models(log, options);
  if (!rebuilt.ok()) return rebuilt.error();
  report.rebuilt = true;
  report.rebuild = rebuilt.value();
  return report;
}

Status ensure_read_models_current(RocksEventLog& log) {
  auto report = bring_read_models_current(log);
  if (!report.ok()) return report.error();
  return ok_status();
}

}  // namespace closient
