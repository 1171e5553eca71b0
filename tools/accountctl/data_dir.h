// Opening the data directory, for reading while accountd may be running, or for
// writing only while nothing else uses it.
//
// Readers open the log as a RocksDB secondary instance: it needs no lock, sees
// everything the server had committed when it opened (catch_up() follows what
// comes later), and never writes to the directory.
//
// Writers first take the lock accountd takes (an exclusive flock on
// DIR/accountd.lock) and hold it until they exit, so a running server makes
// them refuse at once, and a server started meanwhile refuses to start instead
// of sharing the log. RocksDB's own LOCK file backs this up.
#pragma once

#include <memory>
#include <string>

#include "events/event_store.h"
#include "events/result.h"

namespace accountctl {

// The log in `where` (a data directory, or a postgresql:// URI), opened for
// reading: a directory as a secondary instance, a database read-only. "no
// event log in ..." when there is none.
closient::Result<std::unique_ptr<closient::EventStore>> open_for_reading(const std::string& where);

// The exclusive claim on a data directory, held until destroyed.
class DirectoryClaim {
 public:
  // Fails with "data directory DIR is in use by a running accountd; stop it first".
  static closient::Result<std::unique_ptr<DirectoryClaim>> take(const std::string& dir);
  ~DirectoryClaim();
  DirectoryClaim(const DirectoryClaim&) = delete;
  DirectoryClaim& operator=(const DirectoryClaim&) = delete;

 private:
  explicit DirectoryClaim(int fd) : fd_(fd) {}
  int fd_;
};

struct WritableLog {
  std::unique_ptr<DirectoryClaim> claim;  // released after the log closes
  std::unique_ptr<closient::EventStore> log;
};

// Claims the directory and opens the log read-write (no commit observer yet).
// Without `create_if_missing`, a directory holding no log is an error. A
// PostgreSQL store is shared: nothing is claimed, and its schema is created
// or migrated as accountd would.
closient::Result<WritableLog> open_for_writing(const std::string& where, bool create_if_missing);

// The message for a directory a server holds.
std::string in_use_message(const std::string& dir);

// Whether a data directory holds an event log (RocksDB's CURRENT file).
bool holds_event_log(const std::string& dir);

}  // namespace accountctl
