// The two timestamp formats the platform uses, both UTC:
// the Offer Work API's `yyyy-MM-dd'T'HH:mm:ss.SSS` and the Table API's `yyyy-MM-dd HH:mm:ss`.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "domain/clock.hpp"

namespace awa::domain {

// Strict: exactly yyyy-MM-dd'T'HH:mm:ss.SSS with a real calendar date.
std::optional<TimePoint> parse_offer_time(std::string_view text);
std::string format_offer_time(TimePoint t);

// Strict: exactly yyyy-MM-dd HH:mm:ss with a real calendar date.
std::optional<TimePoint> parse_table_time(std::string_view text);
std::string format_table_time(TimePoint t);

}  // namespace awa::domain
