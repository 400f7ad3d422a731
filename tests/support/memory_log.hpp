// Test doubles of the domain's storage ports: an in-memory durable log that can be told to
// fail, and a fast password hasher. The real ones are tested in tests/persistence and
// tests/server.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>

#include "domain/durable_log.hpp"

namespace awa::testing {

class MemoryLog final : public domain::DurableLog {
public:
  std::error_code write(std::span<const domain::ChangeSet* const> sets, EventNumbers numbers,
                        bool sync) override {
    std::lock_guard lock(mutex_);
    ++writes;
    written_.notify_all();
    if (sync) ++syncs;
    if (fail_writes && !failed_writes_reach_disk) {
      return std::make_error_code(std::errc::no_space_on_device);
    }
    if (numbers.void_from != 0) events.erase(events.lower_bound(numbers.void_from), events.end());
    std::uint64_t seq = numbers.first;
    for (const auto* set : sets) {
      for (const auto& change : *set) {
        const auto key = std::make_pair(change.table, change.id);
        if (change.after) {
          // Held as the real log holds it, apart from the instance that wrote it (whose
          // dictionary goes with it), and loaded again into the next one's.
          auto& record = records[key] = *change.after;
          record.values.recode(memory::ValueDictionary::fixed());
        } else {
          records.erase(key);
        }
        if (domain::makes_event(change)) {
          domain::RecordChange copy = change;
          domain::Event event = domain::take_event(copy, seq++);
          event.record.values.recode(memory::ValueDictionary::fixed());
          events.insert_or_assign(event.seq, std::move(event));
        }
      }
    }
    if (fail_writes) return std::make_error_code(std::errc::io_error);  // e.g. the sync failed
    return {};
  }
  std::uint64_t last_event() const override {
    std::lock_guard lock(mutex_);
    return events.empty() ? 0 : events.rbegin()->first;
  }
  std::uint64_t first_event() const override {
    std::lock_guard lock(mutex_);
    return events.empty() ? 0 : events.begin()->first;
  }
  std::error_code read_events(std::uint64_t after,
                              const std::function<bool(domain::Event&&)>& sink) const override {
    std::lock_guard lock(mutex_);
    for (auto it = events.upper_bound(after); it != events.end(); ++it) {
      if (!sink(domain::Event(it->second))) break;
    }
    return {};
  }
  std::error_code trim_events(domain::TimePoint before, std::uint64_t keep) override {
    std::lock_guard lock(mutex_);
    while (events.size() > 1 && (events.size() > keep || events.begin()->second.time < before)) {
      events.erase(events.begin());
    }
    return {};
  }
  std::error_code load(const memory::ValueDictionary& dictionary,
                       const std::function<void(domain::Record&&)>& sink) override {
    std::lock_guard lock(mutex_);
    for (auto [key, record] : records) {
      record.values.recode(dictionary);
      sink(std::move(record));
    }
    return {};
  }
  std::error_code checkpoint(const std::filesystem::path& directory) override {
    std::lock_guard lock(mutex_);
    if (checkpoints.count(directory)) return std::make_error_code(std::errc::file_exists);
    checkpoints[directory] = records;
    // As the real one, it makes the directory (with nothing in it).
    std::error_code error;
    std::filesystem::create_directories(directory, error);
    return error;
  }
  // Waits (bounded) until `count` writes were made; whether they were.
  bool wait_for_writes(int count, std::chrono::seconds timeout = std::chrono::seconds(10)) {
    std::unique_lock lock(mutex_);
    return written_.wait_for(lock, timeout, [&] { return writes.load() >= count; });
  }
  std::size_t size() {
    std::lock_guard lock(mutex_);
    return records.size();
  }
  std::optional<domain::Record> find(domain::Table table, const domain::SysId& id) {
    std::lock_guard lock(mutex_);
    const auto it = records.find({table, id});
    if (it == records.end()) return std::nullopt;
    return it->second;
  }

  std::map<std::filesystem::path, std::map<std::pair<domain::Table, domain::SysId>, domain::Record>>
      checkpoints;
  std::map<std::uint64_t, domain::Event> events;  // by number
  std::atomic<bool> fail_writes{false};
  // A failing write still leaves its records in the log, as a WAL append whose sync failed may.
  std::atomic<bool> failed_writes_reach_disk{false};
  std::atomic<int> writes{0};
  std::atomic<int> syncs{0};

private:
  mutable std::mutex mutex_;
  std::condition_variable written_;
  std::map<std::pair<domain::Table, domain::SysId>, domain::Record> records;
};

// Not a password hash: a reversible tag, so domain tests run fast.
class PlainHasher final : public domain::PasswordHasher {
public:
  std::string hash(std::string_view password) const override {
    return "plain$" + std::string(password);
  }
  bool verify(std::string_view stored, std::string_view password) const override {
    return stored == hash(password);
  }
};

// A hasher (`Inner`: PlainHasher, or the real one) that counts its verifications.
template <class Inner>
class CountingHasher final : public domain::PasswordHasher {
public:
  std::string hash(std::string_view password) const override { return inner.hash(password); }
  bool verify(std::string_view stored, std::string_view password) const override {
    ++verifications;
    return inner.verify(stored, password);
  }
  Inner inner;
  mutable std::atomic<int> verifications{0};
};

}  // namespace awa::testing
