// A RocksDB file system for tests that fails on purpose: appends and syncs can fail with ENOSPC
// or EIO, and a power loss can be simulated, as RocksDB's own crash tests do with their
// FaultInjectionTestFS: from the moment of the loss nothing more reaches the disk, and once the
// database is closed every file it wrote is cut back to what was last synced.
#pragma once

#include <rocksdb/file_system.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace awa::testing {

class FaultInjectionFs final : public rocksdb::FileSystemWrapper {
public:
  enum class Fault { none, no_space, io_error };

  FaultInjectionFs() : FileSystemWrapper(rocksdb::FileSystem::Default()) {}
  const char* Name() const override { return "FaultInjectionFs"; }

  void fail_appends(Fault fault);
  void fail_syncs(Fault fault);
  // Every later write, sync or new file fails, as if the machine were off.
  void lose_power();
  // After the database is closed: cuts every file back to its synced length. Returns how many
  // bytes were dropped.
  std::uint64_t drop_unsynced_data();
  std::uint64_t failed_operations() const;

  rocksdb::IOStatus NewWritableFile(const std::string& name, const rocksdb::FileOptions& options,
                                    std::unique_ptr<rocksdb::FSWritableFile>* result,
                                    rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus ReopenWritableFile(const std::string& name, const rocksdb::FileOptions& options,
                                       std::unique_ptr<rocksdb::FSWritableFile>* result,
                                       rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus RenameFile(const std::string& from, const std::string& to,
                               const rocksdb::IOOptions& options,
                               rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus DeleteFile(const std::string& name, const rocksdb::IOOptions& options,
                               rocksdb::IODebugContext* dbg) override;

  // Called by the files it hands out.
  rocksdb::IOStatus before_append(const std::string& name);
  void appended(const std::string& name, std::uint64_t bytes);
  rocksdb::IOStatus before_sync(const std::string& name);
  void synced(const std::string& name);

private:
  struct FileState {
    std::uint64_t size = 0;
    std::uint64_t synced = 0;
  };
  rocksdb::IOStatus injected(Fault fault, const std::string& what);

  mutable std::mutex mutex_;
  std::map<std::string, FileState> files_;
  Fault append_fault_ = Fault::none;
  Fault sync_fault_ = Fault::none;
  bool powered_ = true;
  std::uint64_t failed_ = 0;
};

}  // namespace awa::testing
