// A request target split into the API path (after /api/now and the version) and parameters.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/errc.hpp"

namespace awa::server {

struct Route {
  std::vector<std::string> path;  // e.g. {"awa", "documents", "interaction", "<id>", "offer"}
  std::vector<std::pair<std::string, std::string>> params;
  std::optional<std::string> param(std::string_view name) const {
    for (const auto& [k, v] : params) {
      if (k == name) return v;
    }
    return std::nullopt;
  }
};

// Empty optional: no such resource (not origin-form, or not under /api/now). A failure: a
// version this server does not serve.
std::optional<domain::Outcome<Route>> parse_route(std::string_view target);

// parse_route by the URL grammar (Boost.URL) alone, for every target. parse_route splits targets
// of unreserved characters and slashes (every offer's) itself, a visible share of an offer's cost,
// and such a path is valid origin-form, has no escapes and no query. Tests hold the two equal.
std::optional<domain::Outcome<Route>> parse_route_by_url_grammar(std::string_view target);

}  // namespace awa::server
