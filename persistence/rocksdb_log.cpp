#include "persistence/rocksdb_log.hpp"

#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/env.h>
#include <rocksdb/file_system.h>
#include <rocksdb/memtablerep.h>
#include <rocksdb/table.h>
#include <rocksdb/utilities/checkpoint.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <cstdio>
#include <stdexcept>

#include "persistence/data_directory.hpp"
#include "persistence/event_codec.hpp"
#include "persistence/prefix_sorted_memtable.hpp"
#include "persistence/record_codec.hpp"

namespace awa::persistence {
namespace {

class RocksdbCategory final : public std::error_category {
public:
  const char* name() const noexcept override { return "rocksdb"; }
  // The code is a Status code, with its subcode (no space, ...) in the second byte.
  std::string message(int value) const override {
    const auto code = value & 0xff;
    const auto subcode = static_cast<rocksdb::Status::SubCode>(value >> 8);
    if (subcode == rocksdb::Status::kNoSpace) return "I/O error: no space left on device";
    if (subcode == rocksdb::Status::kIOFenced) return "I/O error: fenced";
    switch (static_cast<rocksdb::Status::Code>(code)) {
      case rocksdb::Status::kCorruption:
        return "corruption";
      case rocksdb::Status::kIOError:
        return "I/O error";
      case rocksdb::Status::kNotSupported:
        return "not supported";
      case rocksdb::Status::kInvalidArgument:
        return "invalid argument";
      case rocksdb::Status::kBusy:
        return "busy";
      case rocksdb::Status::kTimedOut:
        return "timed out";
      case rocksdb::Status::kAborted:
        return "aborted";
      default:
        return "rocksdb error " + std::to_string(code);
    }
  }
};

std::error_code to_error(const rocksdb::Status& status) {
  if (status.ok()) return {};
  return {static_cast<int>(status.code()) | (static_cast<int>(status.subcode()) << 8),
          rocksdb_category()};
}

// RocksDB 7.8 keeps the write-ahead log of every session that wrote nothing: reopened, an empty
// log does not move on the number RocksDB recovers from, so it stays, and every later start
// reads it again (facebook/rocksdb#11313, fixed in 8.3). A server restarted daily, or one in a
// crash loop, gained a file a restart (48 in a day of benchmarks here). An empty log holds
// nothing to recover, and this database does not list its logs in the MANIFEST
// (track_and_verify_wals_in_manifest, off), so, as RocksDB's maintainers advise for 7.x, they are
// removed before it opens. Only files of RocksDB's WAL name (digits, ".log"), and only under
// RocksDB's own lock: a second process started on a directory in use must not take the live log
// of the first (it fails to open, as before).
void remove_empty_write_ahead_logs(rocksdb::Env& env, const std::string& directory) {
  std::vector<std::string> names;
  if (!env.GetChildren(directory, &names).ok()) return;  // a new directory
  rocksdb::FileLock* lock = nullptr;
  if (!env.LockFile(directory + "/LOCK", &lock).ok()) return;
  for (const auto& name : names) {
    const auto stem = std::string_view(name).substr(0, name.find('.'));
    if (stem.empty() || name != std::string(stem) + ".log" ||
        stem.find_first_not_of("0123456789") != std::string_view::npos) {
      continue;
    }
    std::string path = directory;
    path += '/';
    path += name;
    std::uint64_t size = 0;
    if (env.GetFileSize(path, &size).ok() && size == 0) env.DeleteFile(path).PermitUncheckedError();
  }
  // Released for RocksDB to take: it refuses a lock its own process holds.
  env.UnlockFile(lock).PermitUncheckedError();
}

}  // namespace

const std::error_category& rocksdb_category() {
  static const RocksdbCategory category;
  return category;
}

RocksdbLog::RocksdbLog(const RocksdbOptions& options)
    : directory_(options.directory.string()), db_options_(std::make_unique<rocksdb::Options>()) {
  auto& db_options = *db_options_;
  if (options.file_system) {
    env_ = rocksdb::NewCompositeEnv(options.file_system);
    db_options.env = env_.get();
  }
  // A new database only where there is nothing: see data_directory.hpp.
  const DataDirectory found = inspect_data_directory(options.directory);
  const bool existed = std::filesystem::exists(options.directory);
  db_options.create_if_missing = found == DataDirectory::fresh;
  db_options.write_buffer_size = options.write_buffer_bytes;
  // Three, not two: a flush slowed by its low priority (below) leaves writes a buffer to go on
  // in rather than stalling them.
  db_options.max_write_buffer_number = 3;
  db_options.max_background_jobs = 2;
  // This log is written and, at start only, read in full: a vector memtable appends each write
  // (where the default skip list searches its place, a cache miss per level, which was half the
  // writer thread's time in a timeout storm) and sorts once, when the memtable is flushed; ours
  // sorts by key prefixes held beside the entries (see prefix_sorted_memtable.hpp), which the
  // default bytewise comparator allows. One writer at a time, which the commit queue is anyway.
  db_options.memtable_factory = std::make_shared<PrefixSortedMemTableFactory>();
  db_options.allow_concurrent_memtable_write = false;
  // Flushes and compactions at the lowest CPU priority (nice 19): on a small machine they would
  // take a core from requests and countdowns just when both are busiest. Not supported: they
  // keep the normal priority.
  for (const auto pool : {rocksdb::Env::Priority::HIGH, rocksdb::Env::Priority::LOW}) {
    db_options.env->LowerThreadPoolCPUPriority(pool, rocksdb::CpuPriority::kLow)
        .PermitUncheckedError();
  }
  // Compact level 0 later: the server reads the log only at start, so more level-0 files cost
  // little, while every compaction rewrites all of level 1 (work item ids are random, so each
  // flushed file overlaps all of it): a timeout storm's compactions take far less CPU. Writes
  // slow down and stop correspondingly later.
  db_options.level0_file_num_compaction_trigger = 10;
  db_options.level0_slowdown_writes_trigger = 30;
  db_options.level0_stop_writes_trigger = 50;
  // RocksDB's lines go to the server's log, not to a LOG file (see rocksdb_info_log.hpp).
  db_options.info_log = make_info_log(
      options.log_sink ? options.log_sink
                       : [](LogSeverity, std::string_view line) {
                           std::fprintf(stderr, "%.*s\n", static_cast<int>(line.size()),
                                        line.data());
                         },
      options.log_severity);
  rocksdb::BlockBasedTableOptions table_options;
  table_options.block_cache = rocksdb::NewLRUCache(options.block_cache_bytes);
  db_options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table_options));

  if (found == DataDirectory::fresh && !existed) {
    std::error_code error;
    std::filesystem::create_directories(options.directory, error);
  }
  auto status = open();
  // A disk too full to open for writing (RocksDB writes a new MANIFEST and WAL at every open)
  // still holds every acknowledged change: serve them, refuse changes until there is room.
  if (status.IsNoSpace() && found == DataDirectory::database) {
    unwritable_ = to_error(status);
    status = open_read_only();
    read_only_ = status.ok();
  }
  if (!status.ok()) {
    // A failed start leaves no half-made database behind, which the next start would refuse.
    if (found == DataDirectory::fresh) undo_creation(options.directory, existed);
    throw std::runtime_error("cannot open the data directory " + directory_ + ": " +
                             status.ToString());
  }
  // From now on a reopen (after a failed write) finds this database, or fails: never a new one.
  db_options.create_if_missing = false;
}

namespace {

const std::string kEventsFamily = "events";

}  // namespace

rocksdb::Status RocksdbLog::open() {
  remove_empty_write_ahead_logs(*db_options_->env, directory_);
  // Events use the records' memtable too: their keys come in order, so a skip list would search
  // for a place that is always the end; a read of events still in it (a reader far behind the
  // tail in memory) sorts a copy of keys already sorted.
  rocksdb::ColumnFamilyOptions events_options(*db_options_);
  const std::vector<rocksdb::ColumnFamilyDescriptor> families = {
      {rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions(*db_options_)},
      {kEventsFamily, events_options}};
  rocksdb::DBOptions options(*db_options_);
  options.create_missing_column_families = true;  // a database older than events gains them
  rocksdb::DB* db = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  auto status = rocksdb::DB::Open(options, directory_, families, &handles, &db);
  if (!status.ok()) return status;
  return adopt(db, std::move(handles));
}

rocksdb::Status RocksdbLog::open_read_only() {
  // Read-only, a family cannot be made: a database older than events is opened without it.
  std::vector<std::string> names;
  rocksdb::DB::ListColumnFamilies(*db_options_, directory_, &names).PermitUncheckedError();
  std::vector<rocksdb::ColumnFamilyDescriptor> families = {
      {rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions(*db_options_)}};
  if (std::find(names.begin(), names.end(), kEventsFamily) != names.end()) {
    families.emplace_back(kEventsFamily, rocksdb::ColumnFamilyOptions(*db_options_));
  }
  rocksdb::DB* db = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  auto status = rocksdb::DB::OpenForReadOnly(rocksdb::DBOptions(*db_options_), directory_, families,
                                             &handles, &db);
  if (!status.ok()) return status;
  return adopt(db, std::move(handles));
}

rocksdb::Status RocksdbLog::adopt(rocksdb::DB* db,
                                  std::vector<rocksdb::ColumnFamilyHandle*> handles) {
  db_.reset(db);
  handles_ = std::move(handles);
  events_ = handles_.size() > 1 ? handles_[1] : nullptr;
  std::uint64_t first = 0, last = 0;
  if (events_ != nullptr) {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions{}, events_));
    it->SeekToFirst();
    if (it->Valid()) first = decode_event_key({it->key().data(), it->key().size()}).value_or(0);
    it->SeekToLast();
    if (it->Valid()) last = decode_event_key({it->key().data(), it->key().size()}).value_or(0);
    if (!it->status().ok()) return it->status();
  }
  first_event_.store(first, std::memory_order_release);
  last_event_.store(last, std::memory_order_release);
  return rocksdb::Status::OK();
}

void RocksdbLog::drop_handles() {
  for (auto* handle : handles_) db_->DestroyColumnFamilyHandle(handle).PermitUncheckedError();
  handles_.clear();
  events_ = nullptr;
}

std::error_code RocksdbLog::resume() {
  if (!unwritable_) return {};
  // A failed WAL write leaves RocksDB refusing writes (its background error); Resume() does not
  // clear that for WAL errors, reopening does. Reopening also replays whatever the failed write
  // left in the WAL; the commit queue writes those records back as memory has them next. A
  // database opened read-only is reopened for writing.
  if (db_ && !read_only_ && db_->Resume().ok()) {
    unwritable_ = {};
    return {};
  }
  std::unique_lock reopening(reopen_mutex_);
  if (db_) {
    drop_handles();
    db_->Close().PermitUncheckedError();
    db_.reset();
  }
  if (const auto status = open(); !status.ok()) {
    unwritable_ = to_error(status);
    return unwritable_;
  }
  read_only_ = false;
  unwritable_ = {};
  return {};
}

RocksdbLog::~RocksdbLog() {
  close();
}

void RocksdbLog::close() {
  std::unique_lock reopening(reopen_mutex_);
  if (!db_) return;  // never opened again after a failure
  // A clean stop syncs the WAL, so it survives a power loss after. Not after a failed write:
  // RocksDB (as Debian builds it, with assertions) aborts syncing a WAL whose last write failed.
  if (!unwritable_) db_->FlushWAL(true).PermitUncheckedError();
  drop_handles();
  db_->Close().PermitUncheckedError();
  db_.reset();
}

std::error_code RocksdbLog::write(std::span<const domain::ChangeSet* const> sets,
                                  EventNumbers events, bool sync) {
  // After a failed write RocksDB refuses every write until told to resume (its background
  // error), and touching its failed files again may trip its assertions: wait for resume().
  if (unwritable_) return unwritable_;
  rocksdb::WriteBatch batch;
  if (events.void_from != 0) {
    const auto status = batch.DeleteRange(events_, encode_event_key(events.void_from),
                                          encode_event_key(UINT64_MAX));
    if (!status.ok()) return to_error(status);
  }
  std::uint64_t seq = events.first;
  for (const domain::ChangeSet* set : sets) {
    for (const auto& change : *set) {
      const std::string key = encode_key(change.table, change.id);
      if (!change.after) {
        if (const auto status = batch.Delete(key); !status.ok()) return to_error(status);
        continue;
      }
      const std::string value = encode_value(*change.after);
      auto status = batch.Put(key, value);
      if (status.ok() && domain::makes_event(change)) {
        status = batch.Put(events_, encode_event_key(seq++), encode_event(change, value));
      }
      if (!status.ok()) return to_error(status);
    }
  }
  rocksdb::WriteOptions write_options;
  write_options.sync = sync;
  const auto status = db_->Write(write_options, &batch);
  if (!status.ok()) {
    unwritable_ = to_error(status);
    return unwritable_;
  }
  if (seq != events.first) {
    last_event_.store(seq - 1, std::memory_order_release);
    std::uint64_t none = 0;  // the first events ever written
    first_event_.compare_exchange_strong(none, events.first, std::memory_order_acq_rel);
  }
  return {};
}

std::error_code RocksdbLog::read_events(std::uint64_t after,
                                        const std::function<bool(domain::Event&&)>& sink) const {
  std::shared_lock reading(reopen_mutex_);
  if (!db_ || events_ == nullptr) return {};
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions{}, events_));
  for (it->Seek(encode_event_key(after + 1)); it->Valid(); it->Next()) {
    auto event = decode_event({it->key().data(), it->key().size()},
                              {it->value().data(), it->value().size()});
    if (!event) return to_error(rocksdb::Status::Corruption("undecodable event"));
    if (!sink(std::move(*event))) break;
  }
  return to_error(it->status());
}

std::error_code RocksdbLog::trim_events(domain::TimePoint before, std::uint64_t keep) {
  if (unwritable_) return unwritable_;
  const std::uint64_t first = first_event();
  const std::uint64_t last = last_event();
  if (events_ == nullptr || first == 0 || first == last) return {};
  // The first event kept: past the newest `keep`, then past those older than `before`.
  std::uint64_t kept = std::max(first, last >= keep ? last - keep + 1 : first);
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions{}, events_));
  for (it->Seek(encode_event_key(kept)); it->Valid() && kept < last; it->Next()) {
    const auto time = decode_event_time({it->value().data(), it->value().size()});
    if (time && *time >= before) break;
    kept = decode_event_key({it->key().data(), it->key().size()}).value_or(kept) + 1;
  }
  if (!it->status().ok()) return to_error(it->status());
  kept = std::min(kept, last);  // the newest stays
  if (kept <= first) return {};
  rocksdb::WriteBatch batch;
  auto status = batch.DeleteRange(events_, encode_event_key(first), encode_event_key(kept));
  if (status.ok()) status = db_->Write(rocksdb::WriteOptions{}, &batch);
  if (!status.ok()) return to_error(status);
  first_event_.store(kept, std::memory_order_release);
  return {};
}

std::error_code RocksdbLog::load(const memory::ValueDictionary& dictionary,
                                 const std::function<void(domain::Record&&)>& sink) {
  if (!db_) return to_error(rocksdb::Status::IOError("the data directory is not open"));
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions{}));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    auto record = decode(std::string_view(it->key().data(), it->key().size()),
                         std::string_view(it->value().data(), it->value().size()), dictionary);
    if (!record) return to_error(rocksdb::Status::Corruption("undecodable record"));
    sink(std::move(*record));
  }
  return to_error(it->status());
}

std::error_code RocksdbLog::checkpoint(const std::filesystem::path& directory) {
  if (unwritable_) return unwritable_;  // a checkpoint flushes the memtable first
  rocksdb::Checkpoint* raw = nullptr;
  if (auto status = rocksdb::Checkpoint::Create(db_.get(), &raw); !status.ok()) {
    return to_error(status);
  }
  const std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
  // log_size_for_flush 0: flush the memtable, so the copy needs no WAL replay.
  return to_error(checkpoint->CreateCheckpoint(directory.string(), 0));
}

}  // namespace awa::persistence
