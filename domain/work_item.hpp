// Reading a work item record: its deadline, its agent.
#pragma once

#include <optional>

#include "domain/record.hpp"
#include "domain/time_format.hpp"

namespace awa::domain {

// The offer's deadline, when it is pending with a countdown.
inline std::optional<TimePoint> pending_deadline(const Record& item) {
  namespace f = work_item_field;
  const auto [state, active, deadline] = item.values.at_many({f::state, f::active, f::deadline});
  if (active != "true" || state != "pending_accept") return std::nullopt;
  return parse_offer_time(deadline);
}

}  // namespace awa::domain
