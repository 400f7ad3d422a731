#include "server/route.hpp"

#include <boost/url/parse.hpp>

namespace awa::server {
namespace {

bool known_version(std::string_view segment) {
  return segment == "v1" || segment == "v2";
}
bool looks_like_version(std::string_view segment) {
  return segment.size() >= 2 && segment[0] == 'v' &&
         segment.substr(1).find_first_not_of("0123456789") == std::string_view::npos;
}

// Takes the decoded path segments in order: /api/now, then an optional version, then the route.
class RouteBuilder {
public:
  explicit RouteBuilder(std::size_t segments) { route_.path.reserve(segments); }

  // False once the path is known not to be under /api/now.
  bool add(std::string part) {
    ++seen_;
    if (seen_ <= 2) return part == (seen_ == 1 ? "api" : "now");
    if (seen_ == 3 && looks_like_version(part)) {
      if (!known_version(part)) {
        version_refused_ = domain::fail(domain::errc::bad_request, "Invalid API version " + part);
      }
      return true;
    }
    route_.path.push_back(std::move(part));
    return true;
  }
  Route& route() { return route_; }
  std::optional<domain::Outcome<Route>> finish() {
    if (seen_ < 3) return std::nullopt;
    if (version_refused_) return domain::Outcome<Route>(std::move(*version_refused_));
    return domain::Outcome<Route>(std::move(route_));
  }

private:
  Route route_;
  std::size_t seen_ = 0;
  std::optional<domain::Failure> version_refused_;
};

// A path of unreserved characters (RFC 3986, 2.3) and slashes, from its first slash.
bool is_plain_path(std::string_view target) {
  if (target.empty() || target.front() != '/') return false;
  for (const char c : target) {
    const bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
    if (!unreserved && c != '/') return false;
  }
  return true;
}

// A path segment as the handlers compare it. Most have no escapes: copied, not decoded.
std::string decoded(boost::urls::pct_string_view segment) {
  return segment.decoded_size() == segment.size() ? std::string(segment) : segment.decode();
}

}  // namespace

std::optional<domain::Outcome<Route>> parse_route(std::string_view target) {
  if (!is_plain_path(target)) return parse_route_by_url_grammar(target);
  target.remove_prefix(1);
  RouteBuilder builder(8);
  for (;;) {
    const auto slash = target.find('/');
    if (!builder.add(std::string(target.substr(0, slash)))) return std::nullopt;
    if (slash == std::string_view::npos) break;
    target.remove_prefix(slash + 1);
  }
  return builder.finish();
}

std::optional<domain::Outcome<Route>> parse_route_by_url_grammar(std::string_view target) {
  const auto url = boost::urls::parse_origin_form(target);
  if (!url) return std::nullopt;
  const auto segments = url->encoded_segments();
  RouteBuilder builder(segments.size());
  for (const auto segment : segments) {
    if (!builder.add(decoded(segment))) return std::nullopt;
  }
  for (const auto& param : url->params()) {
    builder.route().params.emplace_back(std::string(param.key), std::string(param.value));
  }
  return builder.finish();
}

}  // namespace awa::server
