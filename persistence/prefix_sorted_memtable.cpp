#include "persistence/prefix_sorted_memtable.hpp"

#include <rocksdb/db.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>
#include <new>
#include <span>
#include <utility>
#include <vector>

namespace awa::persistence {
namespace {

using rocksdb::KeyHandle;
using rocksdb::MemTableRep;
using rocksdb::Slice;

// RocksDB's internal key: the user key, then 8 bytes of sequence number and type.
constexpr std::size_t kInternalSuffix = 8;

// The user key's first 8 bytes as a big-endian number, zeros past its end: a shorter key's
// number is never above a longer key that starts with it, so order by number agrees with
// bytewise order wherever the numbers differ.
std::uint64_t key_prefix(const Slice& internal_key) {
  const std::size_t user_size =
      internal_key.size() >= kInternalSuffix ? internal_key.size() - kInternalSuffix : 0;
  unsigned char bytes[8] = {};
  std::memcpy(bytes, internal_key.data(), std::min<std::size_t>(user_size, 8));
  std::uint64_t prefix = 0;
  for (const unsigned char byte : bytes) prefix = prefix << 8 | byte;
  return prefix;
}

struct Entry {
  std::uint64_t prefix;
  const char* key;  // RocksDB's entry: the length-prefixed internal key, then the value
};
using Entries = std::vector<Entry>;

class PrefixSortedMemTable final : public MemTableRep {
public:
  PrefixSortedMemTable(const KeyComparator& compare, rocksdb::Allocator* allocator)
      : MemTableRep(allocator), compare_(compare) {}

  // The writer's cost: a pointer appended. Prefixes are read at the sort, in the order the
  // entries were written, which is the order of the arena that holds them.
  void Insert(KeyHandle handle) override {
    const std::lock_guard lock(mutex_);
    keys_.push_back(static_cast<const char*>(handle));
  }

  bool Contains(const char* key) const override {
    const auto equal = [&](const char* entry) { return compare_(entry, key) == 0; };
    if (immutable_.load(std::memory_order_acquire)) {
      const std::lock_guard lock(sort_mutex_);
      if (sorted_) {
        return std::any_of(sorted_->begin(), sorted_->end(),
                           [&](const Entry& entry) { return equal(entry.key); });
      }
      return std::any_of(keys_.begin(), keys_.end(), equal);
    }
    const std::lock_guard lock(mutex_);
    return std::any_of(keys_.begin(), keys_.end(), equal);
  }

  void MarkReadOnly() override {
    const std::lock_guard lock(mutex_);
    if (immutable_.load(std::memory_order_relaxed)) return;  // RocksDB may say so twice
    // RocksDB counts a memtable's size as it was just before this call, and requires the
    // count to stay: it stays at that of the keys, which the sorted entries replace at the
    // flush (the two are held at once only during the sort, on the flush's thread).
    read_only_usage_ = usage();
    immutable_.store(true, std::memory_order_release);
  }

  // Without waiting for a sort: RocksDB asks, holding its database mutex, when it switches
  // memtables, which it may do while a flush sorts an earlier one.
  std::size_t ApproximateMemoryUsage() override {
    if (immutable_.load(std::memory_order_acquire)) return read_only_usage_;
    const std::lock_guard lock(mutex_);
    return usage();
  }

  // RocksDB's own Get (public, but it needs LookupKey, whose class is not) seeks an iterator it
  // takes from GetDynamicPrefixIterator and, in RocksDB 7.8, never deletes it: that iterator is
  // handed to the Get below and deleted when RocksDB's returns.
  void Get(const rocksdb::LookupKey& lookup, void* callback_args,
           bool (*callback)(void* arg, const char* entry)) override {
    std::unique_ptr<MemTableRep::Iterator> taken;
    auto* const outer = std::exchange(get_iterator_, &taken);
    MemTableRep::Get(lookup, callback_args, callback);
    get_iterator_ = outer;
  }

  MemTableRep::Iterator* GetDynamicPrefixIterator(rocksdb::Arena* arena) override {
    MemTableRep::Iterator* iterator = GetIterator(arena);
    if (arena == nullptr && get_iterator_ != nullptr && !*get_iterator_) {
      get_iterator_->reset(iterator);
    }
    return iterator;
  }

  MemTableRep::Iterator* GetIterator(rocksdb::Arena* arena) override;

private:
  class Iterator;

  // The entries sorted: an immutable memtable's once (that is the flush's), after which its
  // unsorted keys are let go; a mutable one's each time, from a copy taken between writes.
  // Neither sort holds up writes or the size asked for.
  std::shared_ptr<const Entries> sorted_view() {
    {
      std::unique_lock lock(mutex_);
      if (!immutable_.load(std::memory_order_relaxed)) {
        const std::vector<const char*> keys = keys_;
        lock.unlock();
        return sort(keys);
      }
    }
    const std::lock_guard lock(sort_mutex_);
    if (!sorted_) {
      sorted_ = sort(keys_);
      std::vector<const char*>().swap(keys_);
    }
    return sorted_;
  }

  std::size_t usage() const { return sizeof(*this) + keys_.capacity() * sizeof(const char*); }

  std::shared_ptr<Entries> sort(const std::vector<const char*>& keys) const {
    auto entries = std::make_shared<Entries>();
    entries->reserve(keys.size());
    for (const char* key : keys) entries->push_back({key_prefix(compare_.decode_key(key)), key});
    std::sort(entries->begin(), entries->end(), [this](const Entry& a, const Entry& b) {
      if (a.prefix != b.prefix) return a.prefix < b.prefix;
      return compare_(a.key, b.key) < 0;
    });
    return entries;
  }

  const KeyComparator& compare_;
  // While mutable: the keys (written one at a time, but readers may copy them meanwhile) and
  // the arena iterators' storage.
  mutable std::mutex mutex_;
  std::vector<const char*> keys_;  // as written; empty once sorted_ is set
  std::atomic<bool> immutable_{false};
  std::size_t read_only_usage_ = 0;  // set before immutable_
  // Once immutable: the one sort, and the keys it replaces.
  mutable std::mutex sort_mutex_;
  std::shared_ptr<const Entries> sorted_;
  struct IteratorStorage;
  std::vector<std::unique_ptr<IteratorStorage>> arena_iterators_;
  // On the thread in Get: where the iterator RocksDB's Get takes goes.
  static thread_local std::unique_ptr<MemTableRep::Iterator>* get_iterator_;
};

thread_local std::unique_ptr<MemTableRep::Iterator>* PrefixSortedMemTable::get_iterator_ = nullptr;

class PrefixSortedMemTable::Iterator final : public MemTableRep::Iterator {
public:
  Iterator(std::shared_ptr<const Entries> entries, const KeyComparator& compare)
      : entries_(std::move(entries)), compare_(compare), at_(entries_->end()) {}

  bool Valid() const override { return at_ != entries_->end(); }
  const char* key() const override { return at_->key; }
  // A flush reads every entry in key order, which is random order in the arena: each entry a
  // cache miss, unless fetched ahead.
  void Next() override {
    ++at_;
    if (entries_->end() - at_ > kFetchAhead) __builtin_prefetch(at_[kFetchAhead].key);
  }
  void Prev() override {
    // Before the first entry: not valid, as past the last.
    at_ = at_ == entries_->begin() ? entries_->end() : at_ - 1;
  }
  // The first entry at or after the target.
  void Seek(const Slice& internal_key, const char* memtable_key) override {
    const Target target = make_target(internal_key, memtable_key);
    at_ = std::partition_point(entries_->begin(), entries_->end(),
                               [&](const Entry& entry) { return before(entry, target); });
  }
  // The last entry at or before the target.
  void SeekForPrev(const Slice& internal_key, const char* memtable_key) override {
    const Target target = make_target(internal_key, memtable_key);
    const auto after = std::partition_point(
        entries_->begin(), entries_->end(),
        [&](const Entry& entry) { return before(entry, target) || equal(entry, target); });
    at_ = after == entries_->begin() ? entries_->end() : after - 1;
  }
  void SeekToFirst() override {
    at_ = entries_->begin();
    for (const auto& entry : std::span(at_, std::min(entries_->end(), at_ + kFetchAhead))) {
      __builtin_prefetch(entry.key);
    }
  }
  void SeekToLast() override { at_ = entries_->empty() ? entries_->end() : entries_->end() - 1; }

private:
  static constexpr std::ptrdiff_t kFetchAhead = 8;

  struct Target {
    std::uint64_t prefix = 0;
    Slice internal_key;
  };
  Target make_target(const Slice& internal_key, const char* memtable_key) const {
    const Slice key = memtable_key != nullptr ? compare_.decode_key(memtable_key) : internal_key;
    return {key_prefix(key), key};
  }
  bool before(const Entry& entry, const Target& target) const {
    if (entry.prefix != target.prefix) return entry.prefix < target.prefix;
    return compare_(entry.key, target.internal_key) < 0;
  }
  bool equal(const Entry& entry, const Target& target) const {
    return entry.prefix == target.prefix && compare_(entry.key, target.internal_key) == 0;
  }

  std::shared_ptr<const Entries> entries_;
  const KeyComparator& compare_;
  Entries::const_iterator at_;
};

struct PrefixSortedMemTable::IteratorStorage {
  alignas(Iterator) unsigned char bytes[sizeof(Iterator)];
};

MemTableRep::Iterator* PrefixSortedMemTable::GetIterator(rocksdb::Arena* arena) {
  // Sorting here rather than at the first seek, as VectorRep does: RocksDB positions every
  // iterator it takes before use, and a flush sorts on its own thread either way.
  auto entries = sorted_view();
  if (arena == nullptr) return new Iterator(std::move(entries), compare_);
  // RocksDB ends an iterator it asked to have placed in its arena by calling the destructor
  // only, and the arena's class is not public: such an iterator lives in storage this memtable
  // holds until it is freed itself, after all its iterators. RocksDB takes a few per memtable
  // (the flush's, a database iterator's), so that stays small.
  auto storage = std::make_unique<IteratorStorage>();
  auto* iterator = new (storage->bytes) Iterator(std::move(entries), compare_);
  const std::lock_guard lock(mutex_);
  arena_iterators_.push_back(std::move(storage));
  return iterator;
}

}  // namespace

MemTableRep* PrefixSortedMemTableFactory::CreateMemTableRep(
    const MemTableRep::KeyComparator& compare, rocksdb::Allocator* allocator,
    const rocksdb::SliceTransform* /*prefix_extractor*/, rocksdb::Logger* /*logger*/) {
  return new PrefixSortedMemTable(compare, allocator);
}

}  // namespace awa::persistence
