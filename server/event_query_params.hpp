// The events API's parameters: after (an event number), limit (1 to 10,000), types (a comma
// list of event types) and wait (seconds of long poll, 0 to 30).
#pragma once

#include <chrono>
#include <optional>

#include "domain/event_query.hpp"
#include "server/http_message.hpp"
#include "server/route.hpp"

namespace awa::server {

inline constexpr std::int64_t kMaxWaitSeconds = 30;

// Fills `query` and `wait` from the route's parameters; the 400 answer, naming the parameter,
// when one is wrong.
std::optional<HttpResponse> parse_event_query(const Route& route, domain::EventQuery& query,
                                              std::chrono::seconds& wait);

}  // namespace awa::server
