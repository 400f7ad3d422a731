// The durable log on RocksDB: every change set is one WriteBatch; `sync` fsyncs the WAL.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "domain/durable_log.hpp"

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
};

class RocksdbLog final : public domain::DurableLog {
public:
  // Opens (creating if needed) the database; throws std::runtime_error when it cannot.
  explicit RocksdbLog(const RocksdbOptions& options);
  ~RocksdbLog() override;

  std::error_code write(std::span<const domain::ChangeSet* const> sets, bool sync) override;
  std::error_code load(const std::function<void(domain::Record&&)>& sink) override;
  // A RocksDB checkpoint: hard links to the table files, the memtable flushed first.
  std::error_code checkpoint(const std::filesystem::path& directory) override;

  // Flushes and closes; also done by the destructor.
  void close();

private:
  rocksdb::Status open();
  rocksdb::Status recover();

  std::string directory_;
  std::unique_ptr<rocksdb::Options> db_options_;
  std::unique_ptr<rocksdb::Env> env_;  // outlives db_
  std::unique_ptr<rocksdb::DB> db_;
  bool failed_ = false;  // the last write failed: resume before the next
};

// Errors from RocksDB, as error codes.
const std::error_category& rocksdb_category();

}  // namespace awa::persistence
