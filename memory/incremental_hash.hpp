// A hash table that grows a few entries at a time, as Redis' dictionaries and Go's maps do, over
// Boost's flat map or set. A flat table grows all at once: when it fills, every entry moves to an
// array twice the size while the insert that filled it waits, and with it every request behind
// the state lock, for a long time once the table holds hundreds of thousands of entries.
//
// Here, when the table in use fills, it becomes the draining table and an empty one of twice the
// capacity takes new entries; each insert or erase then moves kStep entries across, so the
// draining table is empty long before the new one fills. A lookup that misses the new table
// looks in the draining one. Entries move by value: what they point to stays where it is.
//
// The new table's memory is the other cost: on a virtual machine, faulting in a fresh 2 MiB page
// takes milliseconds, and the first moves and inserts land all over the new array, so they fault
// most of its pages in at once, under the state lock. So a table big enough to be mapped in
// huge pages has its successor built on a helper thread once it is seven eighths full, its pages
// faulted in there a page at a time; when the table fills, the successor is ready. Until then the
// table holds both, as it would anyway while it drains.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <future>
#include <iterator>
#include <type_traits>
#include <utility>

#include "memory/huge_page_allocator.hpp"

namespace awa::memory {

template <class Table>  // boost::unordered_flat_map or boost::unordered_flat_set
class IncrementalHash {
public:
  using value_type = typename Table::value_type;
  using key_type = typename Table::key_type;
  static constexpr bool kIsMap = requires { typename Table::mapped_type; };
  // Entries moved per insert or erase while a table drains. A drain of n entries ends within
  // n / kStep changes, before the new table (twice the old one's capacity) can fill.
  static constexpr std::size_t kStep = 16;

  template <class K>
  value_type* find(const K& key) {
    if (const auto it = current_.find(key); it != current_.end()) return element(it);
    if (draining_.empty()) return nullptr;
    const auto it = draining_.find(key);
    return it == draining_.end() ? nullptr : element(it);
  }
  template <class K>
  const value_type* find(const K& key) const {
    return const_cast<IncrementalHash*>(this)->find(key);
  }
  template <class K>
  std::size_t count(const K& key) const {
    return find(key) != nullptr;
  }

  // Adds `value` unless an entry with its key is there: the entry, and whether it was added.
  std::pair<value_type*, bool> insert(value_type&& value) {
    if (value_type* found = find(key_of(value))) return {found, false};
    make_room();
    return {element(current_.insert(std::move(value)).first), true};
  }

  // Maps: the value of `key`, default-constructed if absent.
  auto& operator[](const key_type& key) requires kIsMap {
    if (value_type* found = find(key)) return found->second;
    make_room();
    return current_.try_emplace(key).first->second;
  }
  template <class... Args>
  std::pair<value_type*, bool> try_emplace(const key_type& key, Args&&... args) requires kIsMap {
    if (value_type* found = find(key)) return {found, false};
    make_room();
    return {element(current_.try_emplace(key, std::forward<Args>(args)...).first), true};
  }

  template <class K>
  std::size_t erase(const K& key) {
    std::size_t erased = current_.erase(key);
    if (!erased && !draining_.empty()) {
      if (const auto it = draining_.find(key); it != draining_.end()) {
        if (it == cursor_) ++cursor_;
        draining_.erase(it);
        if (draining_.empty()) draining_ = Table();  // give its memory back
        erased = 1;
      }
    }
    step();
    // Shrunk well below where the successor was wanted: its memory back, once it is built.
    if (next_.valid() && current_.size() < current_.max_load() / 2 &&
        next_.wait_for(std::chrono::seconds(0)) == std::future_status::ready) {
      next_ = {};
    }
    return erased;
  }

  std::size_t size() const { return current_.size() + draining_.size(); }
  bool empty() const { return size() == 0; }
  // Room for `count` entries without growing (a bulk load's estimate): done at once.
  void reserve(std::size_t count) {
    next_ = {};  // sized for the old capacity (waits for it to be built)
    drain_all();
    current_.reserve(count);
  }
  // Whether a table is draining; for tests.
  bool draining() const { return !draining_.empty(); }
  // Whether the successor is built, or being built, ahead of need; and waiting until it is
  // built. For tests.
  bool successor_prepared() const { return next_.valid(); }
  void wait_for_successor() const {
    if (next_.valid()) next_.wait();
  }

  // Every entry once, in no particular order; invalidated by any change.
  class const_iterator {
  public:
    using value_type = typename Table::value_type;
    using reference = const value_type&;
    using pointer = const value_type*;
    using difference_type = std::ptrdiff_t;
    using iterator_category = std::forward_iterator_tag;
    const_iterator() = default;
    reference operator*() const { return *it_; }
    pointer operator->() const { return &*it_; }
    const_iterator& operator++() {
      ++it_;
      settle();
      return *this;
    }
    const_iterator operator++(int) {
      auto old = *this;
      ++*this;
      return old;
    }
    bool operator==(const const_iterator& other) const {
      return in_draining_ == other.in_draining_ && it_ == other.it_;
    }

  private:
    friend class IncrementalHash;
    const_iterator(const IncrementalHash* owner, bool in_draining,
                   typename Table::const_iterator it)
        : owner_(owner), in_draining_(in_draining), it_(it) {
      settle();
    }
    // Past the current table's last entry: on into the draining table.
    void settle() {
      if (!in_draining_ && it_ == owner_->current_.end()) {
        in_draining_ = true;
        it_ = owner_->draining_.begin();
      }
    }
    const IncrementalHash* owner_ = nullptr;
    bool in_draining_ = true;
    typename Table::const_iterator it_;
  };
  const_iterator begin() const { return const_iterator(this, false, current_.begin()); }
  const_iterator end() const { return const_iterator(this, true, draining_.end()); }

  // `prepare_from_bytes`: the size of successor worth building ahead (tests lower it).
  explicit IncrementalHash(std::size_t prepare_from_bytes = huge_pages::kSize)
      : prepare_from_bytes_(prepare_from_bytes) {}
  // The cursor points into the draining table's array, which a move takes along and a copy
  // would not.
  IncrementalHash(IncrementalHash&&) noexcept = default;
  IncrementalHash& operator=(IncrementalHash&&) noexcept = default;
  IncrementalHash(const IncrementalHash&) = delete;
  IncrementalHash& operator=(const IncrementalHash&) = delete;

private:
  static const auto& key_of(const value_type& value) {
    if constexpr (kIsMap) {
      return value.first;
    } else {
      return value;
    }
  }
  // Flat sets hand out their elements as const (a changed key would be lost); moving one to the
  // other table just before erasing it from this one changes no key that is still looked up.
  template <class It>
  static value_type* element(It it) {
    return const_cast<value_type*>(&*it);
  }

  // Before an insert into the current table: a step of the drain, and if the insert would make
  // the current table grow, a new table instead.
  void make_room() {
    step();
    if (current_.size() < current_.max_load()) {
      if (!next_.valid() && current_.size() >= current_.max_load() / 8 * 7 &&
          successor_bytes() >= prepare_from_bytes_) {
        prepare_successor();
      }
      return;
    }
    drain_all();  // nothing left with kStep >= 2: a drain ends before the new table fills
    Table successor = next_.valid() ? next_.get() : empty_table(successor_capacity());
    draining_ = std::move(current_);
    current_ = std::move(successor);
    cursor_ = draining_.begin();
  }

  std::size_t successor_capacity() const {
    return std::max<std::size_t>(2 * current_.max_load(), 64);
  }
  // The successor's array, roughly: its slots at the flat tables' 7/8 most load, each with a
  // byte of metadata.
  std::size_t successor_bytes() const {
    // NOLINTNEXTLINE(bugprone-sizeof-expression): a slot's size, whatever it holds (a pointer)
    return successor_capacity() / 7 * 8 * (sizeof(value_type) + 1);
  }
  static Table empty_table(std::size_t capacity) {
    Table table;
    table.reserve(capacity);
    return table;
  }
  void prepare_successor() {
    next_ = huge_pages::build_ahead(
        [capacity = successor_capacity()] { return empty_table(capacity); });
  }

  void step() {
    for (std::size_t i = 0; i < kStep && !draining_.empty(); ++i) move_one();
  }
  void drain_all() {
    while (!draining_.empty()) move_one();
  }
  void move_one() {
    const auto it = cursor_++;
    current_.insert(std::move(*element(it)));
    draining_.erase(it);
    if (draining_.empty()) draining_ = Table();  // give its memory back
  }

  std::size_t prepare_from_bytes_;
  Table current_;
  Table draining_;
  typename Table::iterator cursor_{};  // the next entry of draining_ to move
  std::future<Table> next_;            // current_'s successor, built ahead on a helper thread
};

}  // namespace awa::memory
