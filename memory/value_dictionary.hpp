// Values that many of an instance's records share, kept once: booleans, work item states,
// document table names, and the sys_ids of the few users, queues and presence states that every
// work item points at. A record holds a small code in place of such a value (PackedValues), so a
// work item's values take well under two thirds of their text (docs/decisions/0005).
// Each State owns one. Append-only and bounded: once full, further values simply stay in the
// records as text. Safe to use from any thread; text() takes no lock.
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
  // How many dictionaries may be alive at once: packed values name theirs in one byte (slot 0
  // is fixed()). Beyond, a new dictionary shares the fixed vocabulary alone.
  static constexpr std::size_t kSlots = 256;

  // A dictionary holding the fixed vocabulary, to which values can be added.
  ValueDictionary();
  ~ValueDictionary();
  ValueDictionary(const ValueDictionary&) = delete;
  ValueDictionary& operator=(const ValueDictionary&) = delete;

  // The fixed vocabulary alone, with the same codes as in every dictionary, and nothing can be
  // added to it: what values held outside any State (defaults, tests' records) are coded against.
  static const ValueDictionary& fixed();
  // The dictionary in `slot` (see slot()). Inline: asked once for every walk over a record.
  static const ValueDictionary& in_slot(std::uint8_t slot) {
    if (slot == 0) return fixed();
    return *slots_[slot].load(std::memory_order_acquire);
  }
  // The byte that names this dictionary in packed values, while it lives.
  std::uint8_t slot() const { return slot_; }

  // Makes `text` a shared value (no-op if it is, or it is too long, or the dictionary is full
  // or fixed).
  void add(std::string_view text);
  // The code of `text`, when it is a shared value.
  std::optional<std::uint32_t> find(std::string_view text) const;
  // The text of a code find() returned.
  std::string_view text(std::uint32_t code) const { return texts_[code]; }
  std::size_t size() const { return size_.load(std::memory_order_acquire); }

private:
  struct FixedTag {};
  explicit ValueDictionary(FixedTag);
  void add_fixed_vocabulary();
  std::optional<std::uint32_t> find_fixed(std::string_view text) const;
  static std::uint64_t hash(std::string_view text);

  // Every live dictionary by its slot (0, fixed(), is never stored here).
  static inline std::array<std::atomic<const ValueDictionary*>, kSlots> slots_{};
  std::uint8_t slot_ = 0;
  bool sealed_ = false;  // fixed(), or a dictionary that found no free slot

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
  // By code: room for capacity_, each constructed as it is added, so that the pages of a
  // dictionary few values were added to are never touched.
  struct FreeTexts {
    std::size_t capacity;
    void operator()(std::string_view* texts) const {
      std::allocator<std::string_view>().deallocate(texts, capacity);
    }
  };
  std::size_t capacity_;
  std::unique_ptr<std::string_view[], FreeTexts> texts_;
  std::atomic<std::size_t> size_{0};
  // Bit n set: some shared value has n characters (most values are ruled out without a lock).
  std::atomic<std::uint64_t> lengths_{0};
};

}  // namespace awa::memory
