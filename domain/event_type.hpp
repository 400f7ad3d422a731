// The kinds of outcome event (see event.hpp), and the one a change implies when its rule names
// none.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string_view>

#include "domain/record.hpp"

namespace awa::domain {

enum class EventType : std::uint8_t {
  none = 0,
  offered,
  accepted,
  rejected,
  timed_out,
  transferred,
  cancelled,
  consult_started,
  consult_ended,
  presence_changed,
};
inline constexpr std::size_t kEventTypeCount = 10;  // with none

// The CloudEvents type: "awa.work_item.offered" ...; empty for none.
std::string_view event_type_name(EventType type);
std::optional<EventType> event_type_named(std::string_view name);
std::ostream& operator<<(std::ostream& out, EventType type);

// The type a change makes when its rule names none: a work item whose state became
// pending_accept, accepted or cancelled (as a Table API write may make it); an agent's presence
// that changed. Other changes make no event.
EventType implied_event(const Record* before, const Record& after);

}  // namespace awa::domain
