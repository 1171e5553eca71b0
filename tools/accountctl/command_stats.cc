// accountctl stats: what the data directory holds. Counts come from replaying
// the whole log with the domain's evolve; the snapshots present (the data
// directory's, and on a shared store the shared ones) say where a start would
// begin.
#include <fmt/format.h>

#include <filesystem>
#include <map>
#include <optional>

#include "domain/ids.h"
#include "domain/organization.h"
#include "domain/user.h"
#include "projections/snapshot_files.h"
#include "tools/accountctl/cli.h"
#include "tools/accountctl/clock.h"
#include "tools/accountctl/data_dir.h"
#include "tools/accountctl/output.h"

namespace accountctl {
namespace {

using closient::OrganizationState;
using closient::UserState;

struct Counts {
  uint64_t events = 0;
  uint64_t last_position = 0;
  uint64_t org_streams = 0;
  uint64_t user_streams = 0;
  uint64_t other_streams = 0;
  uint64_t organizations = 0;
  uint64_t deleted_organizations = 0;
  uint64_t users = 0;
  uint64_t members = 0;    // active memberships of organizations that are not deleted
  uint64_t org_keys = 0;   // live keys of organizations that are not deleted
  uint64_t user_keys = 0;  // live csu keys
  uint64_t tokens = 0;     // live bearer tokens
  uint64_t sessions = 0;   // live sessions
};

struct World {
  std::map<std::string, OrganizationState> orgs;
  std::map<std::string, UserState> users;
  uint64_t other_streams = 0;
};

closient::Status replay_log(closient::EventStore& log, World* world, Counts* counts) {
  std::map<std::string, bool> other_streams;
  closient::Status scanned = log.scan({}, [&](const closient::EventEnvelope& event) {
    ++counts->events;
    counts->last_position = event.position;
    if (closient::org_id_of_stream(event.stream)) {
      closient::evolve(world->orgs[event.stream], event);
    } else if (closient::user_id_of_stream(event.stream)) {
      closient::evolve(world->users[event.stream], event);
    } else {
      other_streams[event.stream] = true;
    }
    return true;
  });
  world->other_streams = other_streams.size();
  return scanned;
}

void count_states(const World& world, int64_t now, Counts* counts) {
  counts->org_streams = world.orgs.size();
  counts->user_streams = world.users.size();
  counts->other_streams = world.other_streams;
  for (const auto& [stream, org] : world.orgs) {
    if (!org.exists()) continue;
    if (org.deleted()) {
      ++counts->deleted_organizations;
      continue;
    }
    ++counts->organizations;
    counts->members += org.active_member_count;
    for (const auto& key : org.keys) counts->org_keys += key.live_at(now) ? 1 : 0;
  }
  for (const auto& [stream, user] : world.users) {
    if (!user.exists()) continue;
    ++counts->users;
    for (const auto& key : user.keys) counts->user_keys += key.live_at(now) ? 1 : 0;
    for (const auto& [id, token] : user.tokens) counts->tokens += token.live_at(now) ? 1 : 0;
    for (const auto& [id, session] : user.sessions) {
      counts->sessions += session.live_at(now) ? 1 : 0;
    }
  }
}

uint64_t size_on_disk(const std::string& dir) {
  namespace fs = std::filesystem;
  uint64_t bytes = 0;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code size_error;
    if (it->is_regular_file(size_error)) {
      const auto size = it->file_size(size_error);
      if (!size_error) bytes += size;
    }
  }
  return bytes;
}

std::string human_bytes(uint64_t bytes) {
  if (bytes < 1024) return fmt::format("{} B", bytes);
  const char* units[] = {"KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes) / 1024;
  size_t unit = 0;
  while (value >= 1024 && unit + 1 < 4) {
    value /= 1024;
    ++unit;
  }
  return fmt::format("{:.1f} {} ({} bytes)", value, units[unit], bytes);
}

}  // namespace

int run_stats(const Context& context, const Args& /*args*/) {
  auto log = open_for_reading(context.store);
  if (!log.ok()) return fail(log.error());

  World world;
  Counts counts;
  closient::Status replayed = replay_log(**log, &world, &counts);
  if (!replayed.ok()) return fail(replayed.error());
  count_states(world, now_ms(), &counts);
  auto files = closient::SnapshotFiles(context.data_dir).positions();
  if (!files.ok()) return fail(files.error());
  const std::vector<uint64_t>& snapshots = *files;
  // On a shared store, the rows every node writes and a new node starts from.
  std::optional<std::vector<uint64_t>> shared;
  if (closient::SnapshotStore* store = (*log)->shared_snapshots()) {
    auto positions = store->positions();
    if (!positions.ok()) return fail(positions.error());
    shared = std::move(positions).value();
  }
  const uint64_t bytes = size_on_disk(context.data_dir);
  auto summary = [&](const std::vector<uint64_t>& positions) {
    const uint64_t newest = positions.empty() ? 0 : positions.front();
    return nlohmann::json{
        {"count", positions.size()},
        {"newest_position", newest},
        {"events_after", counts.last_position - std::min(newest, counts.last_position)}};
  };
  const bool none_at_all = snapshots.empty() && (!shared || shared->empty());
  auto described = [&](const std::vector<uint64_t>& positions) {
    if (positions.empty()) {
      return std::string(none_at_all ? "none (a start replays the whole log)" : "none");
    }
    return fmt::format("{}, newest at position {} of {}", positions.size(), positions.front(),
                       counts.last_position);
  };

  if (context.json) {
    nlohmann::json document = {
        {"events", counts.events},
        {"last_position", counts.last_position},
        {"streams",
         {{"total", counts.org_streams + counts.user_streams + counts.other_streams},
          {"organization", counts.org_streams},
          {"user", counts.user_streams}}},
        {"organizations", counts.organizations},
        {"deleted_organizations", counts.deleted_organizations},
        {"users", counts.users},
        {"members", counts.members},
        {"api_keys", {{"organization", counts.org_keys}, {"user", counts.user_keys}}},
        {"tokens", counts.tokens},
        {"sessions", counts.sessions},
        {"size_on_disk_bytes", bytes},
        {"snapshots", summary(snapshots)},
    };
    if (shared) document["shared_snapshots"] = summary(*shared);
    print_json_line(document);
    return kExitOk;
  }
  Fields fields = {
      {"events", fmt::format("{} (last position {})", counts.events, counts.last_position)},
      {"streams", fmt::format("{} ({} organization, {} user)",
                              counts.org_streams + counts.user_streams + counts.other_streams,
                              counts.org_streams, counts.user_streams)},
      {"organizations",
       fmt::format("{} ({} deleted)", counts.organizations, counts.deleted_organizations)},
      {"users", std::to_string(counts.users)},
      {"members", std::to_string(counts.members)},
      {"api keys", fmt::format("{} organization, {} user", counts.org_keys, counts.user_keys)},
      {"tokens", std::to_string(counts.tokens)},
      {"sessions", std::to_string(counts.sessions)},
      {"size on disk", human_bytes(bytes)},
      {"snapshots", described(snapshots)},
  };
  if (shared) fields.emplace_back("shared snapshots", described(*shared));
  print_fields(fields);
  return kExitOk;
}

}  // namespace accountctl
