#include "server/event_query_params.hpp"

#include <string>

#include "domain/field_value.hpp"
#include "server/api.hpp"

namespace awa::server {
namespace {

HttpResponse bad_parameter(std::string_view name, std::string_view why) {
  return Api::error_response(400, "Invalid value for parameter " + std::string(name),
                             std::string(why), BodyFormat::json);
}

}  // namespace

std::optional<HttpResponse> parse_event_query(const Route& route, domain::EventQuery& query,
                                              std::chrono::seconds& wait) {
  const auto whole = [](const std::optional<std::string>& text, std::int64_t low,
                        std::int64_t high) -> std::optional<std::int64_t> {
    const auto value = domain::parse_integer(*text);
    if (!value || *value < low || *value > high) return std::nullopt;
    return value;
  };
  if (const auto after = route.param("after")) {
    const auto value = whole(after, 0, INT64_MAX);
    if (!value) return bad_parameter("after", "An event number: a whole number, 0 or more");
    query.after = static_cast<std::uint64_t>(*value);
  }
  if (const auto limit = route.param("limit")) {
    const auto max = static_cast<std::int64_t>(domain::EventQuery::kMaxLimit);
    const auto value = whole(limit, 1, max);
    if (!value) return bad_parameter("limit", "A whole number from 1 to " + std::to_string(max));
    query.limit = static_cast<std::size_t>(*value);
  }
  if (const auto types = route.param("types"); types && !types->empty()) {
    query.types = 0;
    std::string_view list = *types;
    while (!list.empty()) {
      const auto comma = list.find(',');
      const auto name = domain::trim_blanks(list.substr(0, comma));
      const auto type = domain::event_type_named(name);
      if (!type) {
        return bad_parameter("types", "Unknown event type: " + std::string(name) +
                                          " (for example awa.work_item.offered)");
      }
      query.types |= 1U << static_cast<unsigned>(*type);
      list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
    }
  }
  if (const auto seconds = route.param("wait")) {
    const auto value = whole(seconds, 0, kMaxWaitSeconds);
    if (!value) {
      return bad_parameter(
          "wait", "Seconds to wait: a whole number from 0 to " + std::to_string(kMaxWaitSeconds));
    }
    wait = std::chrono::seconds(*value);
  }
  return std::nullopt;
}

}  // namespace awa::server
