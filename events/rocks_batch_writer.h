// BatchWriter over a rocksdb::WriteBatchWithIndex: projectors' writes go into
// the same batch as the events, and their reads see the batch first.
#pragma once

#include <rocksdb/db.h>
#include <rocksdb/utilities/write_batch_with_index.h>

#include "events/event_log.h"

namespace closient {

class RocksBatchWriter : public BatchWriter {
 public:
  RocksBatchWriter(rocksdb::DB* db, rocksdb::WriteBatchWithIndex* batch,
                   rocksdb::ColumnFamilyHandle* space)
      : db_(db), batch_(batch), space_(space) {}

  std::optional<std::string> get(const std::string& key) override;
  void put(const std::string& key, const std::string& value) override;
  void erase(const std::string& key) override;

  // BatchWriter's methods cannot report failures, so the first one is kept
  // here; the writer rejects the append when it is set.
  const rocksdb::Status& first_failure() const { return failure_; }
  void clear_failure() { failure_ = rocksdb::Status::OK(); }

 private:
  void note(const rocksdb::Status& s);

  rocksdb::DB* db_;
  rocksdb::WriteBatchWithIndex* batch_;
  rocksdb::ColumnFamilyHandle* space_;
  rocksdb::Status failure_;
};

// Runs a projection hook; an exception escaping it becomes an error for the
// append (or replay) it was called for.
Status call_projection_hook(const ProjectionHook& hook, const std::vector<EventEnvelope>& events,
                            BatchWriter& writer);

}  // namespace closient
