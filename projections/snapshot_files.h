// A node's own snapshots: files in its data directory,
// <data>/snapshots/<position, 20 digits>.snap (format in events/FORMAT.md,
// "Snapshots"). The bytes carry their position and hash; no hash is kept
// beside them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "events/snapshot_store.h"

namespace closient {

class SnapshotFiles : public SnapshotStore {
 public:
  explicit SnapshotFiles(std::string data_dir, size_t keep = kSnapshotsKept);

  // Temporary file, fsync, rename, fsync of the directory; then keeps only
  // the newest `keep` files. Files are 0600, the directory 0700.
  Status write(const StoredSnapshot& snapshot) override;
  // A missing directory holds none.
  Result<std::vector<uint64_t>> positions() const override;
  Result<StoredSnapshot> read(uint64_t position) const override;
  std::string name_of(uint64_t position) const override;

  std::string path_of(uint64_t position) const;
  const std::string& directory() const { return dir_; }

 private:
  std::string dir_;
  size_t keep_;
};

}  // namespace closient
