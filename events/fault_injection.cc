#include "events/fault_injection.h"

#include <string>
#include <utility>

namespace closient {
namespace {

using rocksdb::DataVerificationInfo;
using rocksdb::FileOptions;
using rocksdb::FSWritableFile;
using rocksdb::IODebugContext;
using rocksdb::IOOptions;
using rocksdb::IOStatus;
using rocksdb::Slice;

enum class Operation { append, sync, create };

// The error `faults` makes `operation` fail with now; OK when none applies.
IOStatus injected(FaultSwitch& faults, Operation operation) {
  IOStatus status;
  switch (faults.get()) {
    case Fault::none:
      return IOStatus::OK();
    case Fault::sync:
      if (operation != Operation::sync) return IOStatus::OK();
      status = IOStatus::IOError("injected fault: fsync failed");
      break;
    case Fault::write:
      if (operation != Operation::append) return IOStatus::OK();
      status = IOStatus::IOError("injected fault: write failed");
      break;
    case Fault::disk_full:
      if (operation == Operation::sync) return IOStatus::OK();
      status = IOStatus::NoSpace("injected fault: no space left on device");
      break;
    case Fault::read_only:
      if (operation == Operation::sync) return IOStatus::OK();
      status = IOStatus::IOError("injected fault: read-only file system");
      break;
  }
  faults.count_injected();
  return status;
}

class FaultyFile : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  FaultyFile(std::unique_ptr<FSWritableFile> file, std::shared_ptr<FaultSwitch> faults)
      : FSWritableFileOwnerWrapper(std::move(file)), faults_(std::move(faults)) {}

  IOStatus Append(const Slice& data, const IOOptions& options, IODebugContext* dbg) override {
    IOStatus fault = injected(*faults_, Operation::append);
    return fault.ok() ? FSWritableFileOwnerWrapper::Append(data, options, dbg) : fault;
  }
  IOStatus Append(const Slice& data, const IOOptions& options, const DataVerificationInfo& info,
                  IODebugContext* dbg) override {
    IOStatus fault = injected(*faults_, Operation::append);
    return fault.ok() ? FSWritableFileOwnerWrapper::Append(data, options, info, dbg) : fault;
  }
  IOStatus PositionedAppend(const Slice& data, uint64_t offset, const IOOptions& options,
                            IODebugContext* dbg) override {
    IOStatus fault = injected(*faults_, Operation::append);
    return fault.ok() ? FSWritableFileOwnerWrapper::PositionedAppend(data, offset, options, dbg)
                      : fault;
  }
  IOStatus PositionedAppend(const Slice& data, uint64_t offset, const IOOptions& options,
                            const DataVerificationInfo& info, IODebugContext* dbg) override {
    IOStatus fault = injected(*faults_, Operation::append);
    return fault.ok()
               ? FSWritableFileOwnerWrapper::PositionedAppend(data, offset, options, info, dbg)
               : fault;
  }
  IOStatus Sync(const IOOptions& options, IODebugContext* dbg) override {
    IOStatus fault = injected(*faults_, Operation::sync);
    return fault.ok() ? FSWritableFileOwnerWrapper::Sync(options, dbg) : fault;
  }
  IOStatus Fsync(const IOOptions& options, IODebugContext* dbg) override {
    IOStatus fault = injected(*faults_, Operation::sync);
    return fault.ok() ? FSWritableFileOwnerWrapper::Fsync(options, dbg) : fault;
  }
  IOStatus RangeSync(uint64_t offset, uint64_t nbytes, const IOOptions& options,
                     IODebugContext* dbg) override {
    IOStatus fault = injected(*faults_, Operation::sync);
    return fault.ok() ? FSWritableFileOwnerWrapper::RangeSync(offset, nbytes, options, dbg) : fault;
  }

 private:
  std::shared_ptr<FaultSwitch> faults_;
};

class FaultInjectingFileSystem : public rocksdb::FileSystemWrapper {
 public:
  FaultInjectingFileSystem(std::shared_ptr<rocksdb::FileSystem> base,
                           std::shared_ptr<FaultSwitch> faults)
      : FileSystemWrapper(std::move(base)), faults_(std::move(faults)) {}

  const char* Name() const override { return "FaultInjectingFileSystem"; }

  IOStatus NewWritableFile(const std::string& name, const FileOptions& options,
                           std::unique_ptr<FSWritableFile>* result, IODebugContext* dbg) override {
    IOStatus fault = injected(*faults_, Operation::create);
    if (!fault.ok()) return fault;
    IOStatus status = target()->NewWritableFile(name, options, result, dbg);
    if (status.ok()) *result = std::make_unique<FaultyFile>(std::move(*result), faults_);
    return status;
  }
  IOStatus ReopenWritableFile(const std::string& name, const FileOptions& options,
                              std::unique_ptr<FSWritableFile>* result,
                              IODebugContext* dbg) override {
    IOStatus fault = injected(*faults_, Operation::create);
    if (!fault.ok()) return fault;
    IOStatus status = target()->ReopenWritableFile(name, options, result, dbg);
    if (status.ok()) *result = std::make_unique<FaultyFile>(std::move(*result), faults_);
    return status;
  }
  IOStatus ReuseWritableFile(const std::string& name, const std::string& old_name,
                             const FileOptions& options, std::unique_ptr<FSWritableFile>* result,
                             IODebugContext* dbg) override {
    IOStatus fault = injected(*faults_, Operation::create);
    if (!fault.ok()) return fault;
    IOStatus status = target()->ReuseWritableFile(name, old_name, options, result, dbg);
    if (status.ok()) *result = std::make_unique<FaultyFile>(std::move(*result), faults_);
    return status;
  }

 private:
  std::shared_ptr<FaultSwitch> faults_;
};

}  // namespace

std::optional<Fault> parse_fault(std::string_view name) {
  for (Fault fault : {Fault::none, Fault::sync, Fault::write, Fault::disk_full, Fault::read_only}) {
    if (name == fault_name(fault)) return fault;
  }
  return std::nullopt;
}

const char* fault_name(Fault fault) {
  switch (fault) {
    case Fault::none:
      return "none";
    case Fault::sync:
      return "sync";
    case Fault::write:
      return "write";
    case Fault::disk_full:
      return "disk-full";
    case Fault::read_only:
      return "read-only";
  }
  return "none";
}

std::shared_ptr<rocksdb::FileSystem> make_fault_injecting_file_system(
    std::shared_ptr<rocksdb::FileSystem> base, std::shared_ptr<FaultSwitch> faults) {
  return std::make_shared<FaultInjectingFileSystem>(std::move(base), std::move(faults));
}

}  // namespace closient
