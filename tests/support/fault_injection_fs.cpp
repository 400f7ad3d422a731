#include "tests/support/fault_injection_fs.hpp"

#include <filesystem>

namespace awa::testing {
namespace {

using rocksdb::IODebugContext;
using rocksdb::IOOptions;
using rocksdb::IOStatus;
using rocksdb::Slice;

// A writable file that asks the file system before each append and sync.
class FaultyFile final : public rocksdb::FSWritableFileOwnerWrapper {
public:
  FaultyFile(std::unique_ptr<rocksdb::FSWritableFile> file, FaultInjectionFs& fs, std::string name)
      : FSWritableFileOwnerWrapper(std::move(file)), fs_(fs), name_(std::move(name)) {}

  IOStatus Append(const Slice& data, const IOOptions& options, IODebugContext* dbg) override {
    if (auto s = fs_.before_append(name_); !s.ok()) return s;
    auto s = target()->Append(data, options, dbg);
    if (s.ok()) fs_.appended(name_, data.size());
    return s;
  }
  IOStatus Append(const Slice& data, const IOOptions& options,
                  const rocksdb::DataVerificationInfo& info, IODebugContext* dbg) override {
    if (auto s = fs_.before_append(name_); !s.ok()) return s;
    auto s = target()->Append(data, options, info, dbg);
    if (s.ok()) fs_.appended(name_, data.size());
    return s;
  }
  IOStatus PositionedAppend(const Slice& data, uint64_t offset, const IOOptions& options,
                            IODebugContext* dbg) override {
    if (auto s = fs_.before_append(name_); !s.ok()) return s;
    auto s = target()->PositionedAppend(data, offset, options, dbg);
    if (s.ok()) fs_.appended(name_, data.size());
    return s;
  }
  IOStatus Sync(const IOOptions& options, IODebugContext* dbg) override {
    if (auto s = fs_.before_sync(name_); !s.ok()) return s;
    auto s = target()->Sync(options, dbg);
    if (s.ok()) fs_.synced(name_);
    return s;
  }
  IOStatus Fsync(const IOOptions& options, IODebugContext* dbg) override {
    if (auto s = fs_.before_sync(name_); !s.ok()) return s;
    auto s = target()->Fsync(options, dbg);
    if (s.ok()) fs_.synced(name_);
    return s;
  }
  // A range sync only hints the kernel; it makes nothing durable here.
  IOStatus RangeSync(uint64_t, uint64_t, const IOOptions&, IODebugContext*) override {
    return IOStatus::OK();
  }

private:
  FaultInjectionFs& fs_;
  std::string name_;
};

}  // namespace

void FaultInjectionFs::fail_appends(Fault fault) {
  std::lock_guard lock(mutex_);
  append_fault_ = fault;
}

void FaultInjectionFs::fail_syncs(Fault fault) {
  std::lock_guard lock(mutex_);
  sync_fault_ = fault;
}

void FaultInjectionFs::lose_power() {
  std::lock_guard lock(mutex_);
  powered_ = false;
}

std::uint64_t FaultInjectionFs::failed_operations() const {
  std::lock_guard lock(mutex_);
  return failed_;
}

std::uint64_t FaultInjectionFs::drop_unsynced_data() {
  std::lock_guard lock(mutex_);
  std::uint64_t dropped = 0;
  for (const auto& [name, state] : files_) {
    std::error_code error;
    const auto size = std::filesystem::file_size(name, error);
    if (error || size <= state.synced) continue;
    std::filesystem::resize_file(name, state.synced);
    dropped += size - state.synced;
  }
  return dropped;
}

IOStatus FaultInjectionFs::injected(Fault fault, const std::string& what) {
  ++failed_;
  return fault == Fault::no_space ? IOStatus::NoSpace("injected: no space for " + what)
                                  : IOStatus::IOError("injected: I/O error on " + what);
}

IOStatus FaultInjectionFs::before_append(const std::string& name) {
  std::lock_guard lock(mutex_);
  if (!powered_) return injected(Fault::io_error, name + " (power lost)");
  if (append_fault_ != Fault::none) return injected(append_fault_, "append to " + name);
  return IOStatus::OK();
}

void FaultInjectionFs::appended(const std::string& name, std::uint64_t bytes) {
  std::lock_guard lock(mutex_);
  files_[name].size += bytes;
}

IOStatus FaultInjectionFs::before_sync(const std::string& name) {
  std::lock_guard lock(mutex_);
  if (!powered_) return injected(Fault::io_error, name + " (power lost)");
  if (sync_fault_ != Fault::none) return injected(sync_fault_, "sync of " + name);
  return IOStatus::OK();
}

void FaultInjectionFs::synced(const std::string& name) {
  std::lock_guard lock(mutex_);
  auto& state = files_[name];
  state.synced = state.size;
}

IOStatus FaultInjectionFs::NewWritableFile(const std::string& name,
                                           const rocksdb::FileOptions& options,
                                           std::unique_ptr<rocksdb::FSWritableFile>* result,
                                           IODebugContext* dbg) {
  {
    std::lock_guard lock(mutex_);
    if (!powered_) return injected(Fault::io_error, name + " (power lost)");
    files_[name] = {};  // a new file: nothing of it is synced yet
  }
  std::unique_ptr<rocksdb::FSWritableFile> file;
  auto s = target()->NewWritableFile(name, options, &file, dbg);
  if (s.ok()) *result = std::make_unique<FaultyFile>(std::move(file), *this, name);
  return s;
}

IOStatus FaultInjectionFs::ReopenWritableFile(const std::string& name,
                                              const rocksdb::FileOptions& options,
                                              std::unique_ptr<rocksdb::FSWritableFile>* result,
                                              IODebugContext* dbg) {
  {
    std::lock_guard lock(mutex_);
    if (!powered_) return injected(Fault::io_error, name + " (power lost)");
    std::error_code error;
    const auto size = std::filesystem::file_size(name, error);
    if (!files_.count(name)) files_[name] = {error ? 0 : size, error ? 0 : size};
  }
  std::unique_ptr<rocksdb::FSWritableFile> file;
  auto s = target()->ReopenWritableFile(name, options, &file, dbg);
  if (s.ok()) *result = std::make_unique<FaultyFile>(std::move(file), *this, name);
  return s;
}

IOStatus FaultInjectionFs::RenameFile(const std::string& from, const std::string& to,
                                      const IOOptions& options, IODebugContext* dbg) {
  {
    std::lock_guard lock(mutex_);
    if (!powered_) return injected(Fault::io_error, from + " (power lost)");
  }
  auto s = target()->RenameFile(from, to, options, dbg);
  if (s.ok()) {
    std::lock_guard lock(mutex_);
    if (auto node = files_.extract(from)) {
      node.key() = to;
      files_.insert_or_assign(to, node.mapped());
    } else {
      files_.erase(to);
    }
  }
  return s;
}

IOStatus FaultInjectionFs::DeleteFile(const std::string& name, const IOOptions& options,
                                      IODebugContext* dbg) {
  {
    std::lock_guard lock(mutex_);
    if (!powered_) return injected(Fault::io_error, name + " (power lost)");
  }
  auto s = target()->DeleteFile(name, options, dbg);
  if (s.ok()) {
    std::lock_guard lock(mutex_);
    files_.erase(name);
  }
  return s;
}

}  // namespace awa::testing
