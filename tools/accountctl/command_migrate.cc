// accountctl migrate: copies an event log from one store to another (a
// RocksDB data directory to an empty PostgreSQL database, or back), checking
// every hash on the way. Events are appended again one by one with their
// stored schema, data, actor, request id and time: in an empty log they get
// the same positions and versions, so the same hashes, which is checked for
// each. The side spaces (last_used of keys, idempotency answers) go along.
#include <fmt/format.h>

#include "domain/event_types.h"
#include "events/event_store.h"
#include "events/stored_event.h"
#include "tools/accountctl/cli.h"
#include "tools/accountctl/data_dir.h"
#include "tools/accountctl/output.h"

namespace accountctl {
namespace {

using closient::Error;
using closient::ErrorCode;

// Appends per batch (one transaction, one sync).
constexpr size_t kBatch = 1000;

// The source as stored: no upcasting, so the bytes hashed are the bytes kept.
closient::Result<std::unique_ptr<closient::EventStore>> open_source(const std::string& where) {
  closient::StoreOptions options;
  if (closient::is_postgres_uri(where)) {
    options.mode = closient::OpenMode::read_only;
    return closient::open_event_store(where, options);
  }
  if (!holds_event_log(where)) return Error::make(ErrorCode::not_found, "no event log in " + where);
  options.mode = closient::OpenMode::secondary;
  return closient::open_event_store(where, options);
}

closient::AppendRequest as_request(const closient::EventEnvelope& e) {
  closient::AppendRequest request;
  request.streams.push_back({e.stream,
                             closient::ExpectedVersion::exact(e.version - 1),
                             {closient::NewEvent{e.type, e.schema, e.data}}});
  request.actor = e.actor;
  request.request_id = e.request_id;
  request.occurred_at_ms = e.occurred_at_ms;
  return request;
}

struct Copied {
  uint64_t events = 0;
  std::string last_hash = closient::zero_hash();
  uint64_t side_entries = 0;
};

// Appends `batch` to `to`; each must land where and as it was.
closient::Status append_batch(closient::EventStore& to, std::vector<closient::EventEnvelope>& batch,
                              Copied* copied) {
  std::vector<closient::AppendRequest> requests;
  requests.reserve(batch.size());
  for (const auto& e : batch) requests.push_back(as_request(e));
  auto results = to.append_all(std::move(requests));
  for (size_t i = 0; i < batch.size(); ++i) {
    if (!results[i].ok()) {
      return Error::make(
          results[i].error().code,
          fmt::format("appending position {}: {}", batch[i].position, results[i].error().detail));
    }
    const closient::EventEnvelope& landed = results[i]->events.front();
    if (landed.position != batch[i].position || landed.hash != batch[i].hash) {
      return Error::make(
          ErrorCode::internal_error,
          fmt::format("position {} landed as position {} with hash {}, not {}", batch[i].position,
                      landed.position, landed.hash, batch[i].hash));
    }
    copied->last_hash = landed.hash;
    ++copied->events;
  }
  batch.clear();
  return closient::ok_status();
}

closient::Status copy_events(closient::EventStore& from, closient::EventStore& to, Copied* copied) {
  std::vector<closient::EventEnvelope> batch;
  closient::Status failed = closient::ok_status();
  std::string prev_hash = closient::zero_hash();
  uint64_t expected = 1;
  closient::Status scanned = from.scan({}, [&](closient::EventEnvelope& e) {
    if (e.position != expected) {
      failed = Error::make(ErrorCode::internal_error,
                           fmt::format("position {} is missing from the source", expected));
      return false;
    }
    if (e.prev_hash != prev_hash || closient::compute_event_hash(e) != e.hash) {
      failed = Error::make(ErrorCode::internal_error,
                           fmt::format("the source's chain is broken at position {}; run "
                                       "accountctl verify on it",
                                       e.position));
      return false;
    }
    prev_hash = e.hash;
    ++expected;
    batch.push_back(std::move(e));
    if (batch.size() >= kBatch) failed = append_batch(to, batch, copied);
    return failed.ok();
  });
  if (!scanned.ok()) return scanned;
  if (!failed.ok()) return failed;
  return batch.empty() ? closient::ok_status() : append_batch(to, batch, copied);
}

closient::Status copy_side_data(closient::EventStore& from, closient::EventStore& to,
                                Copied* copied) {
  for (const char* space : {"key_usage", "idempotency"}) {
    std::vector<std::pair<std::string, std::string>> entries;
    closient::Status scanned =
        from.side_scan(space, "", "", [&](const std::string& key, const std::string& value) {
          entries.emplace_back(key, value);
          return true;
        });
    if (!scanned.ok()) return scanned;
    copied->side_entries += entries.size();
    closient::Status put = to.side_put(space, entries);
    if (!put.ok()) return put;
  }
  return closient::ok_status();
}

}  // namespace

int run_migrate(const Context& context, const Args& args) {
  const std::optional<std::string> from_where = args.value("--from");
  const std::optional<std::string> to_where = args.value("--to");
  if (!from_where || !to_where) return fail_usage("migrate", "give both --from and --to");
  if (*from_where == *to_where) return fail_usage("migrate", "--from and --to are the same");

  auto from = open_source(*from_where);
  if (!from.ok()) return fail(from.error());
  auto to = open_for_writing(*to_where, /*create_if_missing=*/true);
  if (!to.ok()) return fail(to.error());
  closient::EventStore& destination = *to->log;
  if (destination.last_position() != 0) {
    return fail(kExitFailure, destination.describe() + " already holds events; migrate copies " +
                                  "into an empty store only");
  }

  Copied copied;
  closient::Status status = copy_events(**from, destination, &copied);
  if (status.ok()) status = copy_side_data(**from, destination, &copied);
  if (!status.ok()) {
    return fail(kExitFailure, fmt::format("migrate stopped after {} events: {}", copied.events,
                                          status.error().detail));
  }
  const closient::ChainReport chain = destination.verify_chain();
  if (!chain.problem.empty() || chain.events_checked != copied.events) {
    return fail(kExitFailure, fmt::format("the copy fails verification at position {}: {}",
                                          chain.first_broken_position, chain.problem));
  }
  if (context.json) {
    print_json_line({{"from", (*from)->describe()},
                     {"to", destination.describe()},
                     {"events", copied.events},
                     {"last_hash", copied.last_hash},
                     {"side_entries", copied.side_entries}});
    return kExitOk;
  }
  print_fields({{"migrated", (*from)->describe() + " -> " + destination.describe()},
                {"events", std::to_string(copied.events) + " (every hash checked)"},
                {"last hash", copied.last_hash},
                {"side entries", std::to_string(copied.side_entries)}});
  return kExitOk;
}

}  // namespace accountctl
