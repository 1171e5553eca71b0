// A read-model rebuild on RocksDB: writes go to a fresh column family
// "readmodel.<n+1>"; commit() flips meta's active generation in one synced
// batch on the writer thread, then drops the old column family.
#pragma once

#include <rocksdb/utilities/write_batch_with_index.h>

#include <memory>

#include "events/read_model_store.h"
#include "events/rocks_batch_writer.h"
#include "events/rocks_store.h"

namespace closient {

class RocksEventLog;

class RocksReadModelRebuild : public ReadModelRebuild {
 public:
  RocksReadModelRebuild(RocksEventLog& log, ColumnFamily space, uint64_t generation);
  ~RocksReadModelRebuild() override;  // abandons unless committed

  BatchWriter& writer() override { return writer_; }
  Status flush() override;
  std::string first_difference() override;
  Status commit(uint64_t applied_position) override;
  void abandon() override;

  uint64_t generation() const { return generation_; }

 private:
  void finish();

  RocksEventLog& log_;
  ColumnFamily space_;
  uint64_t generation_;
  rocksdb::WriteBatchWithIndex pending_;
  RocksBatchWriter writer_;
  bool finished_ = false;
};

}  // namespace closient
