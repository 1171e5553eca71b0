// Bringing a serving state up to the log: a full replay is the rebuild, a
// replay from a snapshot's position is a start. Decoding (the log's JSON) runs
// on a second thread while this one applies, so the two halves overlap.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "events/event_log.h"
#include "events/result.h"
#include "events/snapshot_store.h"
#include "projections/serving_state.h"
#include "projections/snapshot.h"

namespace closient {

class LiveState;

struct ReplayReport {
  uint64_t events = 0;        // applied
  uint64_t apply_errors = 0;  // events whose data did not decode
  double seconds = 0;
};

// Called every few thousand events with the events applied so far and the
// log's last position when the replay started.
using ReplayProgress = std::function<void(uint64_t applied, uint64_t target)>;

// Applies every event after state.position(), to the log's end.
Result<ReplayReport> replay_log(EventLog& log, ServingState& state,
                                const ReplayProgress& progress = {});

struct LoadedState {
  std::unique_ptr<ServingState> state;
  uint64_t snapshot_position = 0;  // 0: no usable snapshot, a full replay
  std::string snapshot_name;       // the one used (SnapshotStore::name_of), or ""
  // The snapshot was made by another kServingStateVersion: serve it, but
  // rebuild beside it (rebuild_online) and switch.
  bool stale = false;
  ReplayReport replay;
};

// The newest snapshot among `stores` that decodes and agrees with the log
// (the event at its position carries its hash, and the hash a store records
// beside the bytes, if any), plus the log after it; else a full replay. At one
// position the stores are tried in the order given (a node's files before the
// shared table). Each snapshot refused, and each store that cannot be listed,
// is reported through `note` in one line.
Result<LoadedState> load_serving_state(EventLog& log,
                                       const std::vector<const SnapshotStore*>& stores,
                                       const std::function<void(const std::string&)>& note);
Result<LoadedState> load_serving_state(EventLog& log, const SnapshotStore& snapshots,
                                       const std::function<void(const std::string&)>& note);

// Replays the whole log into a fresh state while `live` keeps serving, then
// switches to it (LiveState::switch_to). For a state built by an older
// version of the apply rules.
Status rebuild_online(LiveState& live, EventLog& log);

// The hash of the event at `position` (empty when there is none).
Result<std::string> hash_at(EventLog& log, uint64_t position);

}  // namespace closient
