#include "events/rocks_store.h"

#include <fmt/format.h>
#include <rocksdb/env.h>
#include <rocksdb/listener.h>
#include <rocksdb/options.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>

#include "events/fault_injection.h"
#include "events/keys.h"
#include "events/private_file_system.h"
#include "events/private_files.h"

namespace closient {
namespace {

namespace fs = std::filesystem;

const char kEvents[] = "events";
const char kStreams[] = "streams";
const char kMeta[] = "meta";
const char kKeyUsage[] = "key_usage";
const char kIdempotency[] = "idempotency";

// After a failed write RocksDB may recover by itself (a full disk: once its
// SstFileManager sees space again, polling every second) and take writes
// again. When its memtable was empty that recovery flushes nothing and keeps
// the WAL writer that saw the error, and the next write trips an assertion in
// Debian's build (WritableFileWriter, "sync_without_flush_called_"): the
// process aborts. Besides, a failed batch must be cut off the WAL before
// anything is written after it. So RocksDB stays stopped after any failed
// write, refusing every write itself, until reopen_after_failed_write.
class NoAutomaticRecovery : public rocksdb::EventListener {
 public:
  const char* Name() const override { return "NoAutomaticRecovery"; }
  void OnErrorRecoveryBegin(rocksdb::BackgroundErrorReason, rocksdb::Status bg_error,
                            bool* auto_recovery) override {
    bg_error.PermitUncheckedError();
    *auto_recovery = false;
  }
};

rocksdb::Options database_options(OpenMode mode) {
  rocksdb::Options options;
  options.create_if_missing = mode == OpenMode::read_write;
  options.create_missing_column_families = mode == OpenMode::read_write;
  options.keep_log_file_num = 10;
  if (mode == OpenMode::read_write) {
    options.listeners.push_back(std::make_shared<NoAutomaticRecovery>());
    options.max_bgerror_resume_count = 0;  // nor its resume of "retryable" errors
  }
  // A secondary must keep every table file open: the primary may delete a
  // file it has compacted away while the secondary still reads it.
  if (mode == OpenMode::secondary) options.max_open_files = -1;
  return options;
}

// A fresh scratch directory for a secondary instance's own info log.
std::string make_secondary_dir() {
  static std::atomic<uint64_t> counter{0};
  auto now = std::chrono::steady_clock::now().time_since_epoch().count();
  std::error_code ec;
  fs::path base = fs::temp_directory_path(ec);
  if (ec) base = "/tmp";
  fs::path dir = base / fmt::format("account-events-secondary-{}-{}-{}", getpid(), counter++, now);
  create_private_directories(dir.string()).ok();  // failing, the open that follows says why
  return dir.string();
}

bool looks_like_lock_failure(const rocksdb::Status& status) {
  std::string text = status.ToString();
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return status.IsIOError() && text.find("lock") != std::string::npos;
}

}  // namespace

Error storage_error(const rocksdb::Status& status, std::string_view what) {
  return Error::make(ErrorCode::service_unavailable,
                     fmt::format("{}: {}", what, status.ToString()));
}

Result<std::unique_ptr<RocksStore>> RocksStore::open(const std::string& dir, OpenMode mode,
                                                     std::shared_ptr<FaultSwitch> faults) {
  std::unique_ptr<RocksStore> store(new RocksStore);
  store->mode_ = mode;
  store->dir_ = dir;
  std::shared_ptr<rocksdb::FileSystem> files =
      make_private_file_system(rocksdb::FileSystem::Default());
  if (faults) files = make_fault_injecting_file_system(std::move(files), std::move(faults));
  store->wal_fs_ = std::make_shared<WalTrackingFileSystem>(std::move(files));
  store->env_ = rocksdb::NewCompositeEnv(store->wal_fs_);

  std::error_code ec;
  bool exists = fs::exists(fs::path(dir) / "CURRENT", ec);
  std::vector<std::string> families;
  if (exists) {
    rocksdb::Options options = database_options(mode);
    options.env = store->env_.get();
    rocksdb::Status s = rocksdb::DB::ListColumnFamilies(options, dir, &families);
    if (!s.ok()) return storage_error(s, fmt::format("listing the column families of {}", dir));
  } else if (mode != OpenMode::read_write) {
    return Error::make(ErrorCode::not_found, fmt::format("no event log in {}", dir));
  } else {
    Status created = create_private_directories(dir);
    if (!created.ok()) return created.error();
    families.push_back(rocksdb::kDefaultColumnFamilyName);
  }
  if (mode == OpenMode::read_write) {
    for (const char* name : {kEvents, kStreams, kMeta, kKeyUsage, kIdempotency}) {
      if (std::find(families.begin(), families.end(), name) == families.end())
        families.push_back(name);
    }
  }

  Status opened = store->open_database(families, mode);
  if (!opened.ok()) return opened.error();
  Status settled = store->settle_format();
  if (!settled.ok()) return settled.error();
  if (mode == OpenMode::read_write) {
    Status migrated = store->drop_obsolete_read_models();
    if (!migrated.ok()) return migrated.error();
  }
  return store;
}

Status RocksStore::open_database(const std::vector<std::string>& families, OpenMode how) {
  rocksdb::Options options = database_options(how);
  options.env = env_.get();
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const auto& name : families)
    descriptors.emplace_back(name, rocksdb::ColumnFamilyOptions(options));

  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s;
  switch (how) {
    case OpenMode::read_write:
      s = rocksdb::DB::Open(options, dir_, descriptors, &handles, &raw);
      break;
    case OpenMode::read_only:
      s = rocksdb::DB::OpenForReadOnly(options, dir_, descriptors, &handles, &raw);
      break;
    case OpenMode::secondary:
      secondary_dir_ = make_secondary_dir();
      s = rocksdb::DB::OpenAsSecondary(options, dir_, secondary_dir_, descriptors, &handles, &raw);
      break;
  }
  if (!s.ok()) {
    if (!secondary_dir_.empty()) {
      std::error_code ec;
      fs::remove_all(secondary_dir_, ec);
    }
    if (looks_like_lock_failure(s)) {
      return Error::make(
          ErrorCode::service_unavailable,
          fmt::format("data directory {} is in use by another process ({})", dir_, s.ToString()));
    }
    return storage_error(s, fmt::format("opening {}", dir_));
  }
  open_as_ = how;

  std::string scratch = secondary_dir_;
  // The deleter keeps the Env (and the file systems under it) alive to the end.
  db_ = std::shared_ptr<rocksdb::DB>(raw, [scratch, env = env_](rocksdb::DB* db) {
    db->Close().PermitUncheckedError();
    delete db;
    if (!scratch.empty()) {
      std::error_code ec;
      fs::remove_all(scratch, ec);
    }
  });
  for (size_t i = 0; i < handles.size(); ++i) {
    std::shared_ptr<rocksdb::DB> db = db_;
    ColumnFamily family(handles[i], [db](rocksdb::ColumnFamilyHandle* handle) {
      db->DestroyColumnFamilyHandle(handle).PermitUncheckedError();
    });
    const std::string& name = families[i];
    if (name == rocksdb::kDefaultColumnFamilyName)
      default_ = family;
    else if (name == kEvents)
      events_ = family;
    else if (name == kStreams)
      streams_ = family;
    else if (name == kMeta)
      meta_ = family;
    else if (name == kKeyUsage)
      key_usage_ = family;
    else if (name == kIdempotency)
      idempotency_ = family;
    else
      others_.push_back(family);
  }
  if (!events_ || !streams_ || !meta_ || !key_usage_ || !idempotency_) {
    return Error::make(ErrorCode::service_unavailable,
                       fmt::format("{} is not an event log: a column family is missing", dir_));
  }
  return ok_status();
}

Status RocksStore::settle_format() {
  auto format = meta_u64(meta_key::kFormatVersion, 0);
  if (!format.ok()) return format.error();
  if (*format == 0) {
    // A new store: stamp the format.
    if (mode_ != OpenMode::read_write) {
      return Error::make(ErrorCode::not_found, fmt::format("no event log in {}", dir_));
    }
    rocksdb::WriteOptions sync;
    sync.sync = true;
    rocksdb::Status s =
        db_->Put(sync, meta(), meta_key::kFormatVersion, encode_u64(kLogFormatVersion));
    if (!s.ok()) return storage_error(s, "initializing the event log");
  } else if (*format != kLogFormatVersion) {
    return Error::make(ErrorCode::service_unavailable,
                       fmt::format("{} holds log format {}; this build reads format {}", dir_,
                                   *format, kLogFormatVersion));
  }
  return ok_status();
}

RocksStore::~RocksStore() {
  close_database();
}

void RocksStore::close_database() {
  // Handles first, then the DB (the DB's deleter runs when the last handle goes).
  others_.clear();
  default_.reset();
  events_.reset();
  streams_.reset();
  meta_.reset();
  key_usage_.reset();
  idempotency_.reset();
  db_.reset();
}

std::vector<std::string> RocksStore::open_families() const {
  std::vector<std::string> names;
  for (const ColumnFamily* family :
       {&default_, &events_, &streams_, &meta_, &key_usage_, &idempotency_}) {
    if (*family) names.push_back((*family)->GetName());
  }
  for (const ColumnFamily& family : others_) names.push_back(family->GetName());
  return names;
}

rocksdb::ColumnFamilyHandle* RocksStore::side_space(std::string_view name) const {
  if (name == kKeyUsage) return key_usage_.get();
  if (name == kIdempotency) return idempotency_.get();
  return nullptr;
}

Result<std::optional<std::string>> RocksStore::get(rocksdb::ColumnFamilyHandle* family,
                                                   const std::string& key,
                                                   const rocksdb::ReadOptions& options) const {
  std::string value;
  rocksdb::Status s = db_->Get(options, family, key, &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  if (!s.ok()) return storage_error(s, "reading");
  return std::optional<std::string>(std::move(value));
}

Result<uint64_t> RocksStore::meta_u64(const std::string& key, uint64_t fallback,
                                      const rocksdb::ReadOptions& options) const {
  auto value = get(meta(), key, options);
  if (!value.ok()) return value.error();
  if (!value->has_value()) return fallback;
  auto decoded = decode_u64(**value);
  if (!decoded) {
    return Error::make(ErrorCode::service_unavailable,
                       fmt::format("meta key {} of {} is malformed", key, dir_));
  }
  return *decoded;
}

ConsistentRead::ConsistentRead(const RocksStore& store) : db_(store.db()) {
  if (store.open_as() == OpenMode::read_write) options_.snapshot = db_->GetSnapshot();
}

ConsistentRead::~ConsistentRead() {
  if (options_.snapshot) db_->ReleaseSnapshot(options_.snapshot);
}

Status RocksStore::catch_up() {
  if (mode_ != OpenMode::secondary) return ok_status();
  rocksdb::Status s = db_->TryCatchUpWithPrimary();
  if (!s.ok()) return storage_error(s, "catching up with the primary");
  return ok_status();
}

RocksStore::ReadLease::ReadLease(const RocksStore& store) : gate_(store.reopen_gate_) {
  gate_.enter();
  open_ = store.db_ != nullptr;
}

Error RocksStore::ReadLease::error() const {
  return Error::make(ErrorCode::service_unavailable, "the event log cannot be read now");
}

Status RocksStore::probe_writable() const {
  const std::string path = (fs::path(dir_) / ".write-probe").string();
  const rocksdb::IOOptions io;
  std::unique_ptr<rocksdb::FSWritableFile> file;
  rocksdb::IOStatus s = wal_fs_->NewWritableFile(path, rocksdb::FileOptions(), &file, nullptr);
  if (s.ok()) s = file->Append("probe", io, nullptr);
  if (s.ok()) s = file->Sync(io, nullptr);
  if (file) file->Close(io, nullptr).PermitUncheckedError();
  wal_fs_->DeleteFile(path, io, nullptr).PermitUncheckedError();
  if (!s.ok()) return storage_error(s, "the disk still fails");
  return ok_status();
}

Status RocksStore::reopen_after_failed_write(const WalSizes& before) {
  if (mode_ != OpenMode::read_write) {
    return Error::make(ErrorCode::service_unavailable, "the event log is open read-only");
  }
  // Readers finish first (new ones wait); a long scan only delays this attempt.
  if (!reopen_gate_.close_for_reopen(std::chrono::seconds(2))) {
    return Error::make(ErrorCode::service_unavailable, "the event log is busy; retrying later");
  }
  Status reopened = reopen_with_wal_cut(before);
  reopen_gate_.reopened();
  return reopened;
}

Status RocksStore::reopen_with_wal_cut(const WalSizes& before) {
  if (db_) reopen_families_ = open_families();  // else as at the last attempt
  // Closed before the cut: closing may still flush the failed batch's bytes
  // from RocksDB's buffer into the WAL.
  close_database();
  // Nothing is opened while the cut fails: the WAL still holds the failed batch.
  Status cut = wal_fs_->truncate_to(before);
  if (!cut.ok()) return cut;
  Status reopened = open_database(reopen_families_, OpenMode::read_write);
  if (reopened.ok()) return reopened;
  // Still failing: open for reading, so readers go on while the writer retries.
  close_database();
  if (!open_database(reopen_families_, OpenMode::read_only).ok()) close_database();
  return reopened;
}

}  // namespace closient
