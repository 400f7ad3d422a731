// What one request changed: each record before and after. Written to the durable log as one
// atomic batch; the before-images let a change whose write failed be taken back from memory.
#pragma once

#include <optional>
#include <vector>

#include "domain/clock.hpp"
#include "domain/event_type.hpp"
#include "domain/record.hpp"

namespace awa::domain {

struct RecordChange {
  Table table{};
  SysId id;
  std::optional<Record> before;       // absent: the record was created
  std::optional<Record> after;        // absent: the record was deleted
  EventType event = EventType::none;  // what the change meant, if it makes an event
  TimePoint at{};                     // when it was made
};

using ChangeSet = std::vector<RecordChange>;

}  // namespace awa::domain
