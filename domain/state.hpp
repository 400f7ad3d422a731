// The in-memory state: every table's records and the indexes the rules need
// (unique fields, a document's active work item, a user's credential version).
// Not thread-safe: the instance serialises access.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "domain/change_set.hpp"
#include "domain/record_table.hpp"
#include "domain/sys_id_map.hpp"
#include "domain/work_item_index.hpp"
#include "memory/value_dictionary.hpp"

namespace awa::domain {

class State {
public:
  using Rows = RecordTable;  // in no particular order

  const Record* find(Table table, const SysId& id) const;
  const Record* find(Table table, std::string_view sys_id) const;
  const Rows& rows(Table table) const { return tables_[index(table)]; }
  std::size_t size() const;

  // Inserts or replaces a record, or removes one; keeps every index in step.
  const Record& put(Record record);  // the record as stored
  // put(), handing back the record it replaced (moved out of the table, not copied), if any.
  std::optional<Record> exchange(Record record);
  // What this state's records are coded against (memory::PackedValues): a record put in is
  // recoded if it was coded against another.
  const memory::ValueDictionary& dictionary() const { return dictionary_; }
  // A new record of `table` with every field at its default, coded against this state's
  // dictionary: a copy of one made once per table, not recoded for every new record.
  Record blank(Table table, SysId id) const;
  // Makes `record`'s sys_id a shared value if it is one of the few records work items point at
  // (users, queues, presence states). A load does so before the records pointing at it are
  // decoded; safe beside a put() on another thread (it touches the dictionary alone).
  void share_id(const Record& record) {
    if (record.table == Table::sys_user || record.table == Table::awa_queue ||
        record.table == Table::awa_presence_state) {
      dictionary_.add(record.id.str());
    }
  }
  // Room for `count` records of `table` in all, so loading them does not grow the table by steps.
  void reserve(Table table, std::size_t count) { tables_[index(table)].reserve(count); }
  void erase(Table table, const SysId& id);
  // Makes the state hold `change.after` (forward) or `change.before` (undo).
  void apply(const RecordChange& change, bool forward);

  // The record whose unique `field` holds `value`, if any.
  const Record* find_unique(Table table, std::size_t field, std::string_view value) const;
  // The document's active work item, if any (not counting an open consult); found among the
  // document's work items (WorkItemIndex), nearly always one.
  const Record* active_work_item(const SysId& document) const;
  // The document's open consult work item, if any.
  const Record* open_consult(const SysId& document) const;
  // Bumped on every change to the user: credentials cached under an older version are stale.
  std::uint64_t credential_version(const SysId& user) const;
  // Bumped on every change to any user. Readable from any thread without the instance's lock
  // (the one member that is): a credential cached at the current value is still good.
  std::uint64_t credential_clock() const {
    return credential_clock_.load(std::memory_order_acquire);
  }
  // Work items by state, queue, agent and document.
  const WorkItemIndex& work_items() const { return work_items_; }
  // The agent's work items that are pending_accept or accepted.
  std::uint32_t workload(const SysId& agent) const;
  // The agents with a workload above zero.
  std::vector<SysId> working_agents() const;
  // The next number for a new document of `table` (IMS0001001, TASK0001001, ...).
  std::string next_document_number(Table table) const;

private:
  static std::size_t index(Table t) { return static_cast<std::size_t>(t); }
  // put() and exchange(): stores `record`, moving the one it replaces to `replaced` if given.
  Record& store(Record record, std::optional<Record>* replaced);
  void unindex(const Record& record);
  void reindex(const Record& record);
  // A work item updated in place (`stored` about to take `after`'s values): its indexes change
  // only where what they key on does (most updates change the state alone).
  void reindex_work_item(const Record& stored, const Record& after);
  // An agent's count of offered or accepted work items; at zero the agent leaves the map.
  void add_workload(const SysId& agent, int delta);
  struct WorkItemKeys;

  memory::ValueDictionary dictionary_;  // before the tables: their records' codes outlive them
  std::array<Rows, kTableCount> tables_;
  mutable std::array<memory::PackedValues, kTableCount> blanks_;  // made at first use
  // (table, field) -> value -> record, for fields declared unique.
  // Hashes strings and string_views alike, so lookups by a record's value do not copy it.
  struct TextHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const {
      return std::hash<std::string_view>{}(text);
    }
  };
  using UniqueIndex = boost::unordered_flat_map<std::string, SysId, TextHash, std::equal_to<>>;
  std::map<std::pair<Table, std::size_t>, UniqueIndex> unique_;
  // Document -> its work item, as stored in tables_ (records stay put while they are there; the
  // entry goes before the record does). A pointer, not a sys_id: 8 bytes less per entry.
  SysIdMap<std::uint32_t> workload_;  // agent -> offered or accepted items
  WorkItemIndex work_items_;
  SysIdMap<std::uint64_t> credential_versions_;
  std::atomic<std::uint64_t> credential_clock_{0};
  std::uint64_t tick_credentials() {
    return credential_clock_.fetch_add(1, std::memory_order_acq_rel) + 1;
  }
  std::array<std::uint64_t, kTableCount> highest_number_{};
};

}  // namespace awa::domain
