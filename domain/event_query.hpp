// Reading the events (GET /api/now/awa-server/events): from the tail in memory when it reaches
// back far enough, else from the durable log; an agent sees only its own.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "domain/caller.hpp"
#include "domain/durable_log.hpp"
#include "domain/errc.hpp"
#include "domain/event_tail.hpp"

namespace awa::domain {

struct EventQuery {
  static constexpr std::size_t kDefaultLimit = 1000;
  static constexpr std::size_t kMaxLimit = 10000;
  std::uint64_t after = 0;
  std::size_t limit = kDefaultLimit;
  std::uint32_t types = ~0U;  // bit n: EventType n
};

struct EventPage {
  std::vector<EventPtr> events;
  std::uint64_t next = 0;  // what to read on after: the newest event looked at, or `after`
};

// The filter `caller` reads through: every event for admin, awa_manager and
// awa_integration_user; an awa_agent's own; none (403) for anyone else.
Outcome<EventFilter> event_filter(const Caller& caller, std::uint32_t types);

// Whether events after `after` are still kept (in the tail, or in the log): else 410, naming the
// oldest event kept.
std::optional<Failure> events_gone(const EventTail& tail, const DurableLog& log,
                                   std::uint64_t after);

// Up to query.limit events after query.after that pass `filter`; 410 when events after it are
// no longer kept. Reads the log when the tail does not reach back: call it off the I/O threads
// then (EventTail::read says whether it does).
Outcome<EventPage> read_events(const EventTail& tail, const DurableLog& log,
                               const EventFilter& filter, const EventQuery& query);

}  // namespace awa::domain
