// An event store: the event log and its side data, on whichever backend the
// operator chose (a RocksDB directory, or a PostgreSQL database that several
// processes share), with what the tools need beside the EventLog interface.
// domain/ and projections/ only see EventLog and SideDataStore; tools/ opens
// stores through open_event_store() and never names a backend.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "events/append_stats.h"
#include "events/catalog.h"
#include "events/event_log.h"
#include "events/open_mode.h"
#include "events/result.h"
#include "events/side_data_store.h"
#include "events/snapshot_store.h"

namespace closient {

class FaultSwitch;

struct StoreOptions {
  OpenMode mode = OpenMode::read_write;
  Durability durability = Durability::always;
  // Old schemas are upcast through it on every read (see LogOptions::catalog).
  const EventCatalog* catalog = nullptr;
  // A shared store (PostgreSQL): follow what other processes commit and hand
  // it to the commit observer (tailing), and register this process as a live
  // node. The server sets it; one-shot tools need not.
  bool follow = false;
  // RocksDB only (see LogOptions): tests' fault injection under the database,
  // and the operator's line for each failed write and recovery.
  std::shared_ptr<FaultSwitch> faults;
  std::function<void(const std::string&)> note;
};

class EventStore : public EventLog, public SideDataStore {
 public:
  // Where the store is, for messages ("RocksDB in ./data", "PostgreSQL
  // database accounts on /run/postgresql"); never a password.
  virtual std::string describe() const = 0;
  // Counters of this process's writer (see AppendStats).
  virtual AppendStats stats() const = 0;
  // Blocks until the log passes `after_position` or `timeout` elapses; answers
  // the last position known.
  virtual uint64_t wait_for_append(uint64_t after_position, std::chrono::milliseconds timeout) = 0;
  // A reader that sees a fixed view (a RocksDB secondary) moves it to what the
  // writer has committed since. Others: nothing to do.
  virtual Status catch_up() { return ok_status(); }
  virtual OpenMode mode() const = 0;
  // Whether other processes may append to this log at the same time.
  virtual bool shared() const { return false; }
  // Processes serving from this store that have shown signs of life in the
  // last few seconds (heartbeats), this one included when it follows; 1 for a
  // store only one process can write.
  virtual size_t live_nodes() { return 1; }
  // The snapshots every process of a shared store writes and starts from
  // (PostgreSQL's snapshots table), valid while the store is open; nullptr
  // for a store only one process uses, whose snapshots are the data
  // directory's files alone.
  virtual SnapshotStore* shared_snapshots() { return nullptr; }
};

// Whether `where` names a PostgreSQL database (postgresql:// or postgres://).
bool is_postgres_uri(const std::string& where);

// A RocksDB directory, or a PostgreSQL URI. Errors are one line, naming the
// store without its password.
Result<std::unique_ptr<EventStore>> open_event_store(const std::string& where,
                                                     StoreOptions options = {});

}  // namespace closient
