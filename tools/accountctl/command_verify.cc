// accountctl verify: proof that history was not rewritten and that what the
// API answers from equals what the log implies. Every check runs and reports
// its first problem, so one broken thing does not hide another.
//
// The read-model comparison needs a fresh rebuild. When the directory is free,
// verify claims it and rebuilds into a scratch column family (dropped after;
// the live read models are untouched). When accountd holds it — or with
// --in-memory — verify reads through a secondary instance and rebuilds in
// memory, so it never writes to a directory it does not own.
#include <fmt/format.h>

#include <unordered_map>

#include "domain/event_types.h"
#include "tools/accountctl/cli.h"
#include "tools/accountctl/data_dir.h"
#include "tools/accountctl/output.h"
#include "tools/accountctl/read_models.h"

namespace accountctl {
namespace {

using closient::EventEnvelope;
using closient::RocksEventLog;

struct CheckResult {
  std::string name;
  std::string checked;  // what was looked at, when it passed
  std::string problem;  // the first problem; empty when it passed
  bool ok() const { return problem.empty(); }
};

// Whatever the data directory was opened as for this run.
struct OpenedLog {
  std::unique_ptr<DirectoryClaim> claim;
  std::unique_ptr<RocksEventLog> log;
  bool in_memory = false;  // compare read models with a rebuild in memory
  std::string why_in_memory;
};

closient::Result<OpenedLog> open_log(const Context& context, bool force_in_memory) {
  OpenedLog opened;
  if (!force_in_memory) {
    auto writable = open_for_writing(context.data_dir, /*create_if_missing=*/false);
    if (writable.ok()) {
      opened.claim = std::move(writable->claim);
      opened.log = std::move(writable->log);
      return opened;
    }
    if (writable.error().detail != in_use_message(context.data_dir)) return writable.error();
    opened.why_in_memory = "accountd holds the data directory";
  } else {
    opened.why_in_memory = "--in-memory";
  }
  auto log = open_for_reading(context.data_dir);
  if (!log.ok()) return log.error();
  opened.log = std::move(log).value();
  opened.in_memory = true;
  return opened;
}

CheckResult check_chain(RocksEventLog& log) {
  closient::ChainReport report = log.verify_chain();
  CheckResult result{"hash chain", "", ""};
  if (!report.problem.empty()) {
    result.problem = fmt::format("position {}: {}", report.first_broken_position, report.problem);
  } else {
    result.checked = fmt::format("{} events, positions 1..{} gapless, every hash matches",
                                 report.events_checked, report.events_checked);
  }
  return result;
}

// Stream versions and event data, in one pass over the log.
std::pair<CheckResult, CheckResult> check_streams_and_data(RocksEventLog& log,
                                                           uint64_t* last_position) {
  CheckResult versions{"stream versions", "", ""};
  CheckResult data{"event data", "", ""};
  std::unordered_map<std::string, int> current_schema;
  for (const auto& type : closient::domain_event_types()) current_schema[type.name] = type.schema;
  std::unordered_map<std::string, uint64_t> stream_versions;
  uint64_t events = 0;
  uint64_t decoded = 0;

  closient::Status scanned = log.scan({}, [&](const EventEnvelope& event) {
    ++events;
    *last_position = event.position;
    uint64_t& version = stream_versions[event.stream];
    if (versions.ok() && event.version != version + 1) {
      versions.problem = fmt::format("position {}: stream {} goes from version {} to {}",
                                     event.position, event.stream, version, event.version);
    }
    version = event.version;
    auto schema = current_schema.find(event.type);
    if (schema == current_schema.end()) {
      if (data.ok()) {
        data.problem =
            fmt::format("position {}: unknown event type {}", event.position, event.type);
      }
    } else if (event.schema == schema->second) {  // older schemas are upcast on read
      auto normalized = closient::normalize_event_data(event.type, event.data);
      if (normalized.ok()) {
        ++decoded;
      } else if (data.ok()) {
        data.problem = fmt::format("position {}: {} data does not decode: {}", event.position,
                                   event.type, describe(normalized.error()));
      }
    }
    return true;
  });
  if (!scanned.ok()) {
    versions.problem = describe(scanned.error());
    data.problem = versions.problem;
  }
  versions.checked =
      fmt::format("{} streams, each numbered 1..n without gaps", stream_versions.size());
  data.checked = fmt::format("{} of {} events decode with their type's codec", decoded, events);
  return {versions, data};
}

CheckResult check_read_models(OpenedLog& opened, uint64_t last_position) {
  CheckResult result{"read models", "", ""};
  auto check = opened.in_memory ? verify_read_models_in_memory(*opened.log)
                                : verify_read_models_in_place(*opened.log);
  if (!check.ok()) {
    result.problem = "could not compare: " + describe(check.error());
    return result;
  }
  if (!check->first_difference.empty()) {
    result.problem = "differ from a rebuild: " + check->first_difference;
    return result;
  }
  auto applied = opened.log->read_models_applied_position();
  if (!applied.ok()) {
    result.problem = describe(applied.error());
  } else if (*applied != last_position) {
    result.problem = fmt::format("reflect the log up to position {}, but it ends at {}", *applied,
                                 last_position);
  } else {
    const std::string keys =
        check->keys_compared > 0 ? fmt::format("{} keys, ", check->keys_compared) : "";
    result.checked = fmt::format("equal a rebuild{} ({}{} events replayed), at position {}",
                                 opened.in_memory ? " made in memory" : " in a scratch space", keys,
                                 check->events_replayed, *applied);
  }
  return result;
}

void print_report(const Context& context, const std::vector<CheckResult>& results,
                  const OpenedLog& opened) {
  bool all_ok = true;
  for (const auto& result : results) all_ok = all_ok && result.ok();
  if (context.json) {
    nlohmann::json checks = nlohmann::json::array();
    for (const auto& result : results) {
      checks.push_back(
          {{"name", result.name},
           {"ok", result.ok()},
           {"checked", result.checked},
           {"problem", result.ok() ? nlohmann::json(nullptr) : nlohmann::json(result.problem)}});
    }
    print_json_line({{"ok", all_ok},
                     {"data_dir", context.data_dir},
                     {"read_models_compared_in_memory", opened.in_memory},
                     {"checks", checks}});
    return;
  }
  print_line("verify " + context.data_dir +
             (opened.in_memory ? " (read-only: " + opened.why_in_memory + ")" : ""));
  for (const auto& result : results) {
    print_line(fmt::format("  {:<16} {:<6} {}", result.name, result.ok() ? "ok" : "FAILED",
                           result.ok() ? result.checked : result.problem));
  }
  print_line(all_ok ? "all checks passed" : "verification FAILED");
}

}  // namespace

int run_verify(const Context& context, const Args& args) {
  auto opened = open_log(context, args.has("--in-memory"));
  if (!opened.ok()) return fail(opened.error());

  std::vector<CheckResult> results;
  results.push_back(check_chain(*opened->log));
  uint64_t last_position = 0;
  auto [versions, data] = check_streams_and_data(*opened->log, &last_position);
  results.push_back(versions);
  results.push_back(data);
  results.push_back(check_read_models(*opened, last_position));

  print_report(context, results, *opened);
  for (const auto& result : results) {
    if (!result.ok()) return kExitProblemFound;
  }
  return kExitOk;
}

}  // namespace accountctl
