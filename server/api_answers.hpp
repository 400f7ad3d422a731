// The answers the API gives besides its endpoints' own: statuses of domain failures, the error
// envelope for refusals, and a body rendered as JSON or XML.
#pragma once

#include <boost/json/value.hpp>

#include <chrono>
#include <string>
#include <string_view>

#include "domain/errc.hpp"
#include "server/body_format.hpp"
#include "server/http_message.hpp"

namespace awa::server {

unsigned status_of(domain::errc kind);
// An answer whose body is written already, in `format` (503s say when to retry).
HttpResponse rendered(unsigned status, std::string body, BodyFormat format);
HttpResponse render(unsigned status, const boost::json::value& message, BodyFormat format);
HttpResponse unauthorized(BodyFormat format);
// Password hashes waiting are as many as the server takes.
HttpResponse busy(BodyFormat format);
// Sign-ins limited (LoginLimiter): how long to wait, in whole seconds, at least one.
HttpResponse too_many_sign_ins(std::chrono::steady_clock::duration wait, BodyFormat format);
// This server's own endpoints (stats, check, snapshots) are for admins.
HttpResponse admin_only(BodyFormat format);
HttpResponse not_found_path(BodyFormat format);
HttpResponse method_not_allowed(std::string_view allow, BodyFormat format);
HttpResponse failure_response(const domain::Failure& failure, BodyFormat format);

}  // namespace awa::server
