#include "events/rocks_batch_writer.h"

#include <exception>

namespace closient {

std::optional<std::string> RocksBatchWriter::get(const std::string& key) {
  std::string value;
  rocksdb::Status s = batch_->GetFromBatchAndDB(db_, rocksdb::ReadOptions(), space_, key, &value);
  if (s.IsNotFound()) return std::nullopt;
  note(s);
  if (!s.ok()) return std::nullopt;
  return value;
}

void RocksBatchWriter::put(const std::string& key, const std::string& value) {
  note(batch_->Put(space_, key, value));
}

void RocksBatchWriter::erase(const std::string& key) {
  note(batch_->Delete(space_, key));
}

void RocksBatchWriter::note(const rocksdb::Status& s) {
  if (!s.ok() && failure_.ok()) failure_ = s;
}

Status call_projection_hook(const ProjectionHook& hook, const std::vector<EventEnvelope>& events,
                            BatchWriter& writer) {
  try {
    return hook(events, writer);
  } catch (const std::exception& e) {
    return Error::make(ErrorCode::internal_error, std::string("projection failed: ") + e.what());
  } catch (...) {
    return Error::make(ErrorCode::internal_error, "projection failed");
  }
}

}  // namespace closient
