#include "server/api_answers.hpp"

#include <algorithm>

#include "server/api.hpp"

namespace awa::server {

using domain::errc;
namespace bj = boost::json;

unsigned status_of(errc kind) {
  switch (kind) {
    case errc::bad_request:
      return 400;
    case errc::forbidden:
      return 403;
    case errc::not_found:
      return 404;
    case errc::method_not_allowed:
      return 405;
    case errc::conflict:
      return 409;
    case errc::storage_failure:
      return 503;
    case errc::gone:
      return 410;
  }
  return 500;
}

namespace {

// Seconds a client should wait before retrying while the data directory fails (the writer
// retries the disk every second).
constexpr std::string_view kRetryAfterSeconds = "1";

}  // namespace

HttpResponse rendered(unsigned status, std::string body, BodyFormat format) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  r.content_type = std::string(media_type(format));
  if (status == 503) r.headers.emplace_back("Retry-After", std::string(kRetryAfterSeconds));
  return r;
}

HttpResponse render(unsigned status, const bj::value& message, BodyFormat format) {
  return rendered(status, render_body(message, format), format);
}

HttpResponse unauthorized(BodyFormat format) {
  HttpResponse r = Api::error_response(401, "User Not Authenticated",
                                       "Required to provide Auth information", format);
  r.headers.emplace_back("WWW-Authenticate", "Basic realm=\"awa-server\"");
  return r;
}

HttpResponse busy(BodyFormat format) {
  return Api::error_response(503, "Service Unavailable",
                             "Too many sign-ins and password changes in progress; try again later",
                             format);
}

HttpResponse too_many_sign_ins(std::chrono::steady_clock::duration wait, BodyFormat format) {
  const auto seconds =
      std::max<long long>(1, std::chrono::ceil<std::chrono::seconds>(wait).count());
  HttpResponse r = Api::error_response(
      429, "Too Many Requests",
      "Too many failed sign-ins from this address or for this user; try again in " +
          std::to_string(seconds) + " s",
      format);
  r.headers.emplace_back("Retry-After", std::to_string(seconds));
  return r;
}

HttpResponse admin_only(BodyFormat format) {
  return Api::error_response(403, "User Not Authorized", "Requires the admin role", format);
}

HttpResponse not_found_path(BodyFormat format) {
  return Api::error_response(404, "Requested URI does not represent any resource", {}, format);
}

HttpResponse method_not_allowed(std::string_view allow, BodyFormat format) {
  HttpResponse r = Api::error_response(405, "Method not Supported",
                                       "Allowed methods: " + std::string(allow), format);
  r.headers.emplace_back("Allow", std::string(allow));
  return r;
}

HttpResponse failure_response(const domain::Failure& failure, BodyFormat format) {
  HttpResponse r = Api::error_response(
      status_of(failure.kind), failure.message,
      failure.detail ? std::optional<std::string_view>(*failure.detail) : std::nullopt, format);
  if (failure.kind == errc::method_not_allowed) r.headers.emplace_back("Allow", "GET");
  return r;
}

}  // namespace awa::server
