// Outcome events: what a committed change meant (an offer, an accept, a timeout...), numbered
// 1, 2, 3... without gaps across restarts. A change carries its event's type (RecordChange); the
// commit queue numbers the events of the changes it writes, the log stores them in the same
// write as the changes, and they are published once durable (EventTail).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "domain/change_set.hpp"
#include "domain/clock.hpp"
#include "domain/event_type.hpp"
#include "domain/record.hpp"

namespace awa::domain {

struct Event {
  std::uint64_t seq = 0;
  EventType type = EventType::none;
  TimePoint time;
  Record record;         // as it was after the change
  std::string previous;  // the work item's state, or the agent's presence state, before; or empty
  // The agent it concerns: the work item's assignee (or the one it had before, when the change
  // took it away), or the agent whose presence changed; empty for none.
  std::string agent;

  // The work item's sys_id, or the agent's (for presence).
  std::string subject() const;
};

// Whether `change` makes an event. The events of a write are those of its changes that do, in
// order (the commit queue numbers them, the log stores them: both walk the changes so).
inline bool makes_event(const RecordChange& change) {
  return change.event != EventType::none && change.after.has_value();
}
// An event's facts besides its record, read from its change's images (see Event).
struct EventFacts {
  std::string_view previous;
  std::string_view agent;
};
EventFacts facts_of(const RecordChange& change);
// The event of a change that makes one, numbered `seq`, its after-image moved out of `change`.
Event take_event(RecordChange& change, std::uint64_t seq);

}  // namespace awa::domain
