// The API's routes: (method, path pattern) -> handler. A pattern is the path's segments after
// /api/now[/vN], "{}" standing for any one segment. Adding an endpoint is one line in the table
// (Api::routes) and its handler.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace awa::server {

template <class Handler>
class RouteTable {
public:
  struct Entry {
    std::string_view method;
    std::vector<std::string_view> pattern;
    Handler handler;
  };
  // What a request's method and path found: a handler; or none, with the methods the path takes
  // (`allow`, for a 405) or without (no such path, a 404).
  struct Match {
    const Handler* handler = nullptr;
    std::string allow;
  };

  RouteTable(std::initializer_list<Entry> entries) : entries_(entries) {}

  Match find(std::string_view method, const std::vector<std::string>& path) const {
    Match match;
    for (const Entry& entry : entries_) {
      if (!fits(entry.pattern, path)) continue;
      if (entry.method == method) return {&entry.handler, {}};
      if (!match.allow.empty()) match.allow += ", ";
      match.allow += entry.method;
    }
    return match;
  }

private:
  static bool fits(const std::vector<std::string_view>& pattern,
                   const std::vector<std::string>& path) {
    if (pattern.size() != path.size()) return false;
    for (std::size_t i = 0; i < path.size(); ++i) {
      if (pattern[i] != "{}" && pattern[i] != path[i]) return false;
    }
    return true;
  }

  std::vector<Entry> entries_;
};

}  // namespace awa::server
