// A connection once its request became a WebSocket (the event stream): the handshake's answer,
// then the stream's messages written in order as the reader takes them; pings when it is
// quiet, a close for a reader that lets too much wait (4008, telling where to resume), and
// 1001 when the server stops.
#pragma once

#include <boost/beast/ssl/ssl_stream.hpp>

#include <memory>

#include "server/http_limits.hpp"
#include "server/http_message.hpp"
#include "server/http_session.hpp"
#include "server/http_worker.hpp"
#include "server/message_stream.hpp"

namespace awa::server {

// WebSocket close codes this server sends beyond RFC 6455's.
inline constexpr std::uint16_t kCloseSlowConsumer = 4008;

// Takes over `stream` (its HTTP request read, and nothing pending on it) on the worker's
// thread: answers `handshake` (the request's WebSocket fields, which are checked here) and
// carries `messages`.
void start_websocket(Socket&& stream, const HttpRequest& handshake, Worker& worker,
                     const HttpLimits& limits, SessionRegistry& registry,
                     std::shared_ptr<MessageStream> messages);
void start_websocket(boost::beast::ssl_stream<Socket>&& stream, const HttpRequest& handshake,
                     Worker& worker, const HttpLimits& limits, SessionRegistry& registry,
                     std::shared_ptr<MessageStream> messages);

}  // namespace awa::server
