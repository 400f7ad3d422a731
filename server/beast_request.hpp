// A request parsed by Beast, as the Api takes it: the fields it reads, the body moved.
// For the HTTP server and the HTTP fuzz target, which both parse with Beast.
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "server/http_message.hpp"

namespace awa::server {

inline HttpRequest to_http_request(
    boost::beast::http::request<boost::beast::http::string_body>&& message) {
  namespace http = boost::beast::http;
  HttpRequest request;
  request.method = std::string(message.method_string());
  request.target = std::string(message.target());
  request.authorization = std::string(message[http::field::authorization]);
  request.content_type = std::string(message[http::field::content_type]);
  request.accept = std::string(message[http::field::accept]);
  request.body = std::move(message.body());
  return request;
}

}  // namespace awa::server
