// The durable log on RocksDB: every change set is one WriteBatch; `sync` fsyncs the WAL.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "domain/durable_log.hpp"
#include "persistence/rocksdb_info_log.hpp"

namespace rocksdb {
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
  std::error_code write(std::span<const domain::ChangeSet* const> sets, bool sync) override;
  // RocksDB's own recovery (Resume()), else a close and a reopen for writing.
  std::error_code resume() override;
  std::error_code unwritable() const override { return unwritable_; }
  std::error_code load(const memory::ValueDictionary& dictionary,
                       const std::function<void(domain::Record&&)>& sink) override;
  // A RocksDB checkpoint: hard links to the table files, the memtable flushed first.
  std::error_code checkpoint(const std::filesystem::path& directory) override;

  // Flushes and closes; also done by the destructor.
  void close();

private:
  rocksdb::Status open();
  rocksdb::Status open_read_only();

  std::string directory_;
  std::unique_ptr<rocksdb::Options> db_options_;
  std::unique_ptr<rocksdb::Env> env_;  // outlives db_
  std::unique_ptr<rocksdb::DB> db_;
  bool read_only_ = false;
  // Why writes are refused (a failed write, or opened read-only); cleared by resume().
  std::error_code unwritable_;
};

// Errors from RocksDB, as error codes.
const std::error_category& rocksdb_category();

}  // namespace awa::persistence
