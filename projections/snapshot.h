// Snapshots of the serving state (format in events/FORMAT.md, "Snapshots"):
// versioned, checksummed, naming the log position and hash they reflect. Start
// = newest valid snapshot + replay of the log after it; a snapshot that fails
// any check is reported and ignored, never trusted.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "events/result.h"
#include "projections/serving_state.h"

namespace closient {

// Bump when the encoding or what the state holds changes: older snapshots are
// then ignored (and replaced after a full replay).
inline constexpr uint32_t kSnapshotFormatVersion = 1;

// Bump when what applying an event does changes but the encoding does not
// (a projection fix). A snapshot of another state version still loads and is
// served while an up-to-date state is rebuilt beside it and switched in.
inline constexpr uint64_t kServingStateVersion = 1;

// The whole state as snapshot bytes, stamped with `state_version`.
std::string encode_snapshot(const ServingState& state,
                            uint64_t state_version = kServingStateVersion);
// The state back, or an error saying what is wrong (magic, version, checksum,
// truncation, an entry that does not decode). `state_version`, when given,
// receives the version the snapshot was made by.
Result<std::unique_ptr<ServingState>> decode_snapshot(const std::string& bytes,
                                                      uint64_t* state_version = nullptr);

// Snapshot files of one data directory: <data>/snapshots/<position, 20 digits>.snap.
class SnapshotStore {
 public:
  explicit SnapshotStore(std::string data_dir);

  // Writes a snapshot durably: temporary file, fsync, rename, fsync of the
  // directory; then keeps only the newest `keep` snapshots. Files are 0600.
  Status write(const std::string& bytes, uint64_t position, size_t keep = 2);

  // Positions of the snapshots present, newest first.
  std::vector<uint64_t> positions() const;
  Result<std::string> read(uint64_t position) const;
  std::string path_of(uint64_t position) const;
  const std::string& directory() const { return dir_; }

 private:
  std::string dir_;
};

}  // namespace closient
