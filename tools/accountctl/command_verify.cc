// accountctl verify: proof that history was not rewritten and that what the
// API answers from equals what the log implies. Every check runs and reports
// its first problem, so one broken thing does not hide another.
//
// The serving-state check replays the whole log into a fresh state and
// compares it field by field with the state accountd would start from (the
// newest valid snapshot plus the log after it). It reads through a secondary
// instance, so it works while accountd runs and never writes.
#include <fmt/format.h>

#include <unordered_map>

#include "domain/event_types.h"
#include "tools/accountctl/cli.h"
#include "tools/accountctl/data_dir.h"
#include "tools/accountctl/output.h"
#include "tools/accountctl/serving.h"

namespace accountctl {
namespace {

using closient::EventEnvelope;
using closient::EventStore;

struct CheckResult {
  std::string name;
  std::string checked;  // what was looked at, when it passed
  std::string problem;  // the first problem; empty when it passed
  bool ok() const { return problem.empty(); }
};

struct OpenedLog {
  std::unique_ptr<EventStore> log;
};

closient::Result<OpenedLog> open_log(const Context& context) {
  auto log = open_for_reading(context.store);
  if (!log.ok()) return log.error();
  return OpenedLog{std::move(log).value()};
}

CheckResult check_chain(EventStore& log) {
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
std::pair<CheckResult, CheckResult> check_streams_and_data(EventStore& log,
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

CheckResult check_serving_state(const Context& context, OpenedLog& opened, uint64_t last_position) {
  CheckResult result{"serving state", "", ""};
  std::vector<std::string> refused;
  auto start = load_state(*opened.log, context.data_dir, &refused);
  if (!start.ok()) {
    result.problem = "could not load: " + describe(start.error());
    return result;
  }
  closient::ReplayReport replayed;
  auto fresh = replay_everything(*opened.log, /*progress=*/false, &replayed);
  if (!fresh.ok()) {
    result.problem = "could not replay: " + describe(fresh.error());
    return result;
  }
  if (replayed.apply_errors > 0) {
    result.problem = fmt::format("{} events could not be applied", replayed.apply_errors);
    return result;
  }
  if (!refused.empty()) {
    // A start would still be right (it replays instead), but a snapshot that
    // fails its checks is damage the operator should hear about.
    result.problem = refused.front() + " (accountctl rebuild writes a fresh one)";
    return result;
  }
  const std::string difference = start->state->first_difference(**fresh);
  if (!difference.empty()) {
    result.problem = "the start state differs from a full replay: " + difference;
    return result;
  }
  result.checked =
      start->snapshot_position > 0
          ? fmt::format("snapshot at {} + {} events equals a full replay of {} events",
                        start->snapshot_position, start->replay.events, replayed.events)
          : fmt::format("no snapshot; a full replay of {} events, position {}", replayed.events,
                        last_position);
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
    nlohmann::json answer = {{"ok", all_ok}, {"data_dir", context.data_dir}, {"checks", checks}};
    if (opened.log->shared()) answer["store"] = opened.log->describe();
    print_json_line(answer);
    return;
  }
  print_line("verify " + (opened.log->shared() ? opened.log->describe() : context.data_dir));
  for (const auto& result : results) {
    print_line(fmt::format("  {:<16} {:<6} {}", result.name, result.ok() ? "ok" : "FAILED",
                           result.ok() ? result.checked : result.problem));
  }
  print_line(all_ok ? "all checks passed" : "verification FAILED");
}

}  // namespace

int run_verify(const Context& context, const Args& args) {
  (void)args;
  auto opened = open_log(context);
  if (!opened.ok()) return fail(opened.error());

  std::vector<CheckResult> results;
  results.push_back(check_chain(*opened->log));
  uint64_t last_position = 0;
  auto [versions, data] = check_streams_and_data(*opened->log, &last_position);
  results.push_back(versions);
  results.push_back(data);
  results.push_back(check_serving_state(context, *opened, last_position));

  print_report(context, results, *opened);
  for (const auto& result : results) {
    if (!result.ok()) return kExitProblemFound;
  }
  return kExitOk;
}

}  // namespace accountctl
