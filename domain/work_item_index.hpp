// Work items by the fields the Table API is queried on most: state, queue, assigned_to and
// document_id. A query on one of them reads the work items holding the value, not the table.
#pragma once

#include <boost/unordered/unordered_flat_map.hpp>
#include <boost/unordered/unordered_flat_set.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/record.hpp"
#include "domain/sys_id_map.hpp"
#include "memory/incremental_hash.hpp"

namespace awa::domain {

class WorkItemIndex {
public:
  // What a work item is indexed under, read from its values.
  struct Keys {
    std::string_view state, queue, agent, document;
    bool operator==(const Keys&) const = default;
  };
  using Items = memory::IncrementalHash<boost::unordered_flat_set<const Record*>>;

  // Whether work items are indexed by `field`'s value; empty values are not indexed.
  static bool indexed(std::size_t field);

  void add(const Record& item, const Keys& keys);
  void remove(const Record& item, const Keys& keys);
  // `item` stays where it is, its keys going from `before` to `after`.
  void update(const Record& item, const Keys& before, const Keys& after);

  // How many work items hold `value` in `field` (an indexed one).
  std::size_t count(std::size_t field, std::string_view value) const;
  // Calls `visit(const Record&)` for each of them, in no particular order.
  template <class Visit>
  void for_each(std::size_t field, std::string_view value, Visit&& visit) const {
    if (field == work_item_field::document_id) {
      if (const DocumentItems* items = document(value)) items->for_each(visit);
      return;
    }
    if (const Items* items = find(field, value)) {
      for (const Record* item : *items) visit(*item);
    }
  }
  // The newest of the document's work items that `pick` picks, if any.
  template <class Pick>
  const Record* find_in_document(const SysId& document, Pick&& pick) const {
    const auto* entry = by_document_.find(document);
    if (entry == nullptr) return nullptr;
    const Record* found = nullptr;
    entry->second.for_each([&](const Record& item) {
      if (found == nullptr && pick(item)) found = &item;
    });
    return found;
  }
  // The agents (sys_ids as text) with any work item assigned.
  std::vector<std::string> agents() const;

private:
  // A document's work items: nearly always one, held in place; more go to a vector.
  class DocumentItems {
  public:
    DocumentItems() = default;
    DocumentItems(DocumentItems&& other) noexcept : bits_(std::exchange(other.bits_, 0)) {}
    DocumentItems& operator=(DocumentItems&& other) noexcept {
      std::swap(bits_, other.bits_);
      return *this;
    }
    ~DocumentItems() { delete many(); }
    void add(const Record* item);
    void remove(const Record* item);
    bool empty() const { return bits_ == 0; }
    std::size_t size() const { return many() ? many()->size() : (bits_ != 0 ? 1 : 0); }
    // Newest first: while a transfer's successor and its predecessor are both active, the
    // successor is the document's active work item.
    template <class Visit>
    void for_each(Visit&& visit) const {
      if (const auto* list = many()) {
        for (auto it = list->rbegin(); it != list->rend(); ++it) visit(**it);
      } else if (bits_ != 0) {
        visit(*reinterpret_cast<const Record*>(bits_));
      }
    }

  private:
    std::vector<const Record*>* many() const {
      return (bits_ & 1) ? reinterpret_cast<std::vector<const Record*>*>(bits_ & ~std::uintptr_t{1})
                         : nullptr;
    }
    std::uintptr_t bits_ = 0;  // a Record*, or a std::vector<const Record*>* with the low bit set
  };
  struct TextHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const {
      return std::hash<std::string_view>{}(text);
    }
  };
  using ByValue = boost::unordered_flat_map<std::string, Items, TextHash, std::equal_to<>>;

  const Items* find(std::size_t field, std::string_view value) const;
  // A document's work items, by its sys_id as text; null when it has none.
  const DocumentItems* document(std::string_view sys_id) const;
  ByValue& by_value(std::size_t field);
  void add_value(std::size_t field, std::string_view value, const Record* item);
  void remove_value(std::size_t field, std::string_view value, const Record* item);

  ByValue by_state_, by_queue_, by_agent_;
  SysIdMap<DocumentItems> by_document_;
};

}  // namespace awa::domain
