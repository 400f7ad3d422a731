// One request's changes to the state. Changes apply at once (later reads in the same request see
// them) and are recorded with their before-images; a transaction that is not committed undoes
// them all, so a request that fails half-way leaves nothing behind.
#pragma once

#include <boost/container/small_vector.hpp>

#include <utility>

#include "domain/change_set.hpp"
#include "domain/clock.hpp"
#include "domain/state.hpp"
#include "domain/time_format.hpp"

namespace awa::domain {

class Transaction {
public:
  Transaction(State& state, TimePoint now) : state_(state), now_(now) {}
  ~Transaction() {
    for (auto it = changes_.rbegin(); it != changes_.rend(); ++it) state_.apply(*it, false);
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  const State& state() const { return state_; }
  TimePoint now() const { return now_; }

  // Writes `record`, stamping sys_updated_on (and sys_created_on when new), with `changes` made
  // to its values first: with the stamp, in one rebuild of the values. `event`: what the change
  // means (EventType); when none is named, the one the images imply (implied_event).
  void put(Record record, std::initializer_list<memory::PackedValues::FieldValue> changes = {},
           EventType event = EventType::none) {
    const Record* before = state_.find(record.table, record.id);
    const std::string stamp = format_table_time(now_);
    boost::container::small_vector<memory::PackedValues::FieldValue, 8> all(changes);
    if (before == nullptr) {
      all.push_back({kSysCreatedOn, stamp});
    } else if (record[kSysCreatedOn] != (*before)[kSysCreatedOn]) {
      all.push_back({kSysCreatedOn, (*before)[kSysCreatedOn]});
    }
    if (all.empty()) {
      record[kSysUpdatedOn] = stamp;  // in place, when it is a stamp already
    } else {
      all.push_back({kSysUpdatedOn, stamp});
      record.values.set_fields({all.data(), all.size()});
    }
    // One copy, for the log; the state takes the record, and gives back the one it held.
    RecordChange change{record.table, record.id, std::nullopt, record, event, now_};
    change.before = state_.exchange(std::move(record));
    if (event == EventType::none) {
      change.event = implied_event(change.before ? &*change.before : nullptr, *change.after);
    }
    changes_.push_back(std::move(change));
  }

  void erase(Table table, const SysId& id) {
    const Record* before = state_.find(table, id);
    if (before == nullptr) return;
    RecordChange change{table, id, *before, std::nullopt, EventType::none, now_};
    state_.apply(change, true);
    changes_.push_back(std::move(change));
  }

  // Keeps the changes: the caller queues them for the durable log.
  ChangeSet commit() { return std::exchange(changes_, {}); }

private:
  State& state_;
  TimePoint now_;
  ChangeSet changes_;
};

}  // namespace awa::domain
