// The serving state as accountctl uses it: loaded the way accountd starts
// (newest valid snapshot + the log after it), or replayed from the whole log
// (the rebuild), with progress on a terminal.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "events/event_store.h"
#include "events/result.h"
#include "projections/replay.h"
#include "projections/serving_state.h"

namespace accountctl {

// Snapshot + tail, as accountd would start on this directory (and, on a
// shared store, from the snapshots the nodes share there). Snapshots
// refused are added to `refused` (one line each) when given, else reported on
// stderr.
closient::Result<closient::LoadedState> load_state(closient::EventStore& log,
                                                   const std::string& data_dir,
                                                   std::vector<std::string>* refused = nullptr);

// Every event of the log into a fresh state. With `progress`, a line on
// stderr is kept current while it runs (events done, rate, time left) when
// stderr is a terminal.
closient::Result<std::unique_ptr<closient::ServingState>> replay_everything(
    closient::EventStore& log, bool progress, closient::ReplayReport* report);

}  // namespace accountctl
