// The WebSocket opening handshake (RFC 6455 §4.2.1) as Beast checks and answers it, made from
// what the request parser kept of the request: for the session and the upgrade's fuzz target.
#pragma once

#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>

#include "server/http_message.hpp"

namespace awa::server {

boost::beast::http::request<boost::beast::http::empty_body> websocket_handshake(
    const HttpRequest& request);

}  // namespace awa::server
