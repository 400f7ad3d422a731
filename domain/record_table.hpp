// One table's records, hashed by sys_id: a lookup is one probe, where an ordered map walked some
// twenty levels of nodes. Each record has its own allocation, so a Record* stays valid while
// others are added (growing moves the 8-byte slots, a few at a time, not the records); the set
// keys on the record's own id, so the id is not stored twice. Iteration is in no particular order;
// the records are also kept in sys_id ranges (RecordOrder), for scans in steps and in order.
#pragma once

#include <boost/unordered/unordered_flat_set.hpp>

#include <memory>

#include "domain/record.hpp"
#include "domain/record_order.hpp"
#include "memory/huge_page_allocator.hpp"
#include "memory/incremental_hash.hpp"

namespace awa::domain {

class RecordTable {
  struct ById {
    using is_transparent = void;
    static const SysId& id(const SysId& id) { return id; }
    static const SysId& id(const std::unique_ptr<Record>& r) { return r->id; }
    template <class A>
    std::size_t operator()(const A& a) const {
      return std::hash<SysId>{}(id(a));
    }
    template <class A, class B>
    bool operator()(const A& a, const B& b) const {
      return id(a) == id(b);
    }
  };
  using Set = memory::IncrementalHash<boost::unordered_flat_set<
      std::unique_ptr<Record>, ById, ById, memory::HugePageAllocator<std::unique_ptr<Record>>>>;

public:
  class const_iterator {
  public:
    using value_type = Record;
    using reference = const Record&;
    using difference_type = std::ptrdiff_t;
    using iterator_category = std::forward_iterator_tag;
    const_iterator() = default;
    explicit const_iterator(Set::const_iterator it) : it_(it) {}
    const Record& operator*() const { return **it_; }
    const Record* operator->() const { return it_->get(); }
    const_iterator& operator++() {
      ++it_;
      return *this;
    }
    const_iterator operator++(int) {
      auto old = *this;
      ++it_;
      return old;
    }
    bool operator==(const const_iterator&) const = default;

  private:
    Set::const_iterator it_;
  };

  const_iterator begin() const { return const_iterator(records_.begin()); }
  const_iterator end() const { return const_iterator(records_.end()); }
  std::size_t size() const { return records_.size(); }
  bool empty() const { return records_.empty(); }

  const Record* find(const SysId& id) const {
    const auto* found = records_.find(id);
    return found ? found->get() : nullptr;
  }
  Record* find(const SysId& id) {
    const auto* found = records_.find(id);
    return found ? found->get() : nullptr;
  }
  void reserve(std::size_t count) { records_.reserve(count); }
  // Adds a record whose id is not in the table yet.
  Record& insert(Record record) {
    Record& stored = **records_.insert(std::make_unique<Record>(std::move(record))).first;
    order_.add(&stored);
    return stored;
  }
  void erase(const SysId& id) {
    if (const Record* stored = find(id)) order_.remove(stored);
    records_.erase(id);
  }
  // The records by sys_id range.
  const RecordOrder& order() const { return order_; }

private:
  Set records_;
  RecordOrder order_;
};

}  // namespace awa::domain
