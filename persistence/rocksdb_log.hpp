// The durable log on RocksDB: every write is one WriteBatch; `sync` fsyncs the WAL. Records are
// in the default column family, events in "events" (keyed by number).
#pragma once

#include <atomic>
#include <filesystem>
#include <memory>
#include <shared_mutex>
#include <string>
#include <vector>

#include "domain/durable_log.hpp"
#include "persistence/rocksdb_info_log.hpp"

namespace rocksdb {
class ColumnFamilyHandle;
class DB;
class Env;
class FileSystem;
struct Options;
class Status;
}  // namespace rocksdb

namespace awa::persistence {

struct RocksdbOptions {
  std::filesystem::path directory;
  std::size_t write_buffer_bytes = 8u << 20;  // small: edge boxes
  std::size_t block_cache_bytes = 8u << 20;
  // Where files go; the machine's file system when empty (tests inject faults through it).
  std::shared_ptr<rocksdb::FileSystem> file_system = nullptr;
  // Where RocksDB's own log lines go, from which severity; empty: standard error.
  LogSink log_sink = nullptr;
  LogSeverity log_severity = LogSeverity::warn;
};

class RocksdbLog final : public domain::DurableLog {
public:
  // Opens (creating if needed) the database; throws std::runtime_error when it cannot. On a
  // disk too full to open it for writing, it opens read-only: load() works, writes are refused
  // (unwritable() says why) until resume() succeeds.
  explicit RocksdbLog(const RocksdbOptions& options);
  ~RocksdbLog() override;

  // Refused without touching RocksDB after a failed write, until resume() succeeds.
  std::error_code write(std::span<const domain::ChangeSet* const> sets, EventNumbers events,
                        bool sync) override;
  // RocksDB's own recovery (Resume()), else a close and a reopen for writing.
  std::error_code resume() override;
  std::error_code unwritable() const override { return unwritable_; }
  std::error_code load(const memory::ValueDictionary& dictionary,
                       const std::function<void(domain::Record&&)>& sink) override;
  std::uint64_t last_event() const override { return last_event_.load(std::memory_order_acquire); }
  std::uint64_t first_event() const override {
    return first_event_.load(std::memory_order_acquire);
  }
  std::error_code read_events(std::uint64_t after,
                              const std::function<bool(domain::Event&&)>& sink) const override;
  // A range delete of the events before the first one kept.
  std::error_code trim_events(domain::TimePoint before, std::uint64_t keep) override;
  // A RocksDB checkpoint: hard links to the table files, the memtable flushed first.
  std::error_code checkpoint(const std::filesystem::path& directory) override;

  // Flushes and closes; also done by the destructor.
  void close();

private:
  rocksdb::Status open();
  rocksdb::Status open_read_only();
  // Takes the database opened with `handles` (default, then events if opened), and reads where
  // the events start and end.
  rocksdb::Status adopt(rocksdb::DB* db, std::vector<rocksdb::ColumnFamilyHandle*> handles);
  void drop_handles();

  std::string directory_;
  std::unique_ptr<rocksdb::Options> db_options_;
  std::unique_ptr<rocksdb::Env> env_;  // outlives db_
  std::unique_ptr<rocksdb::DB> db_;
  rocksdb::ColumnFamilyHandle* events_ = nullptr;  // null: an old database opened read-only
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  // Readers of events (other threads) against a reopen after a failed write.
  mutable std::shared_mutex reopen_mutex_;
  std::atomic<std::uint64_t> first_event_{0};
  std::atomic<std::uint64_t> last_event_{0};
  bool read_only_ = false;
  // Why writes are refused (a failed write, or opened read-only); cleared by resume().
  std::error_code unwritable_;
};

// Errors from RocksDB, as error codes.
const std::error_category& rocksdb_category();

}  // namespace awa::persistence
