// Reading a work item record: its deadline, its agent.
#pragma once

#include <optional>

#include "domain/record.hpp"
#include "domain/time_format.hpp"

namespace awa::domain {

// The offer's deadline, when it is pending with a countdown.
inline std::optional<TimePoint> pending_deadline(const Record& item) {
  if (!item.is_true(work_item_field::active) || item[work_item_field::state] != "pending_accept") {
    return std::nullopt;
  }
  return parse_offer_time(item[work_item_field::deadline]);
}

}  // namespace awa::domain
