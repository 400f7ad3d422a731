// Values that many records share, kept once for the whole process: booleans, work item states,
// document table names, and the sys_ids of the few users, queues and presence states that every
// work item points at. A record holds a small code in place of such a value (PackedValues), so a
// work item's values take well under two thirds of their text (docs/decisions/0005).
// Append-only and bounded: once full, further values simply stay in the records as text.
// Safe to use from any thread; text() takes no lock.
#pragma once

#include <boost/unordered/unordered_flat_map.hpp>

#include <array>
#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

namespace awa::memory {

class ValueDictionary {
public:
  static constexpr std::size_t kCapacity = 1 << 16;
  static constexpr std::size_t kMaxLength = 63;  // longer values are never shared enough

  // The process's dictionary, holding the fixed vocabulary from the start.
  // Inline: it is asked for every value a record decodes, and a call costs more than the check.
  static ValueDictionary& shared() {
    static ValueDictionary dictionary;
    return dictionary;
  }

  ValueDictionary();
  // Makes `text` a shared value (no-op if it is, or it is too long, or the dictionary is full).
  void add(std::string_view text);
  // The code of `text`, when it is a shared value.
  std::optional<std::uint32_t> find(std::string_view text) const;
  // The text of a code find() returned.
  std::string_view text(std::uint32_t code) const { return texts_[code]; }
  std::size_t size() const { return size_.load(std::memory_order_acquire); }

private:
  std::optional<std::uint32_t> find_fixed(std::string_view text) const;
  static std::uint64_t hash(std::string_view text);

  // The vocabulary added by the constructor, by length: immutable after it, so searched without
  // a lock.
  std::array<std::vector<std::uint32_t>, kMaxLength + 1> fixed_;
  // Two bits per value added since (a Bloom filter): most values that were never added are ruled
  // out without the lock, such as every document's sys_id when a work item loads.
  static constexpr std::size_t kFilterBits = 1 << 16;
  std::unique_ptr<std::atomic<std::uint64_t>[]> filter_;
  mutable std::shared_mutex mutex_;
  boost::unordered_flat_map<std::string_view, std::uint32_t> codes_;  // views into storage_
  std::deque<std::string> storage_;                                   // stable addresses
  std::unique_ptr<std::string_view[]> texts_;                         // by code
  std::atomic<std::size_t> size_{0};
  // Bit n set: some shared value has n characters (most values are ruled out without a lock).
  std::atomic<std::uint64_t> lengths_{0};
};

}  // namespace awa::memory
