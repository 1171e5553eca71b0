// Counters of the writer, for metrics. Copied out under a lock by
// RocksEventLog::stats(); all counts are totals since the log was opened.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace closient {

struct AppendStats {
  // Upper bounds of the group-size buckets: a batch of n requests is counted in
  // the first bucket whose bound is >= n; the last bucket counts the rest.
  static constexpr std::array<uint64_t, 9> kGroupSizeBounds{1, 2, 4, 8, 16, 32, 64, 128, 256};

  uint64_t appends = 0;         // requests committed
  uint64_t rejected = 0;        // requests refused: conflict, invalid request
  uint64_t failed = 0;          // requests lost to a failing disk (see RocksEventLog)
  uint64_t events = 0;          // events committed
  uint64_t batches = 0;         // WriteBatches written (one per group)
  uint64_t syncs = 0;           // of which synced to disk
  uint64_t write_failures = 0;  // batches whose write failed
  uint64_t group_size_sum = 0;  // requests per batch, summed over batches
  // Non-cumulative counts per bucket; size kGroupSizeBounds.size() + 1.
  std::array<uint64_t, kGroupSizeBounds.size() + 1> group_size_buckets{};

  void record_group(uint64_t requests) {
    size_t bucket = 0;
    while (bucket < kGroupSizeBounds.size() && requests > kGroupSizeBounds[bucket]) ++bucket;
    ++group_size_buckets[bucket];
    group_size_sum += requests;
  }
};

}  // namespace closient
