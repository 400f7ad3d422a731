// What the HTTP layer allows a client: sizes, times and counts.
#pragma once

#include <cstddef>

namespace awa::server {

struct HttpLimits {
  std::size_t header_bytes = std::size_t{8} * 1024;   // beyond: 431
  std::size_t body_bytes = std::size_t{1024} * 1024;  // beyond: 413
  unsigned read_timeout_seconds = 30;
  unsigned idle_timeout_seconds = 60;
  // Beyond it a new connection gets a 503 and is closed (it would otherwise wait unseen).
  unsigned max_connections = 10000;
  // A keep-alive connection is closed after this many requests (its last answer says so).
  unsigned max_requests_per_connection = 10000;
  // Large answers (64 KiB and more) held while their clients read them, in all, at most: beyond,
  // a new one is answered 503 instead.
  std::size_t answer_buffer_bytes = 128u << 20;
  // A WebSocket reader that lets more than this wait, once caught up, is closed (4008).
  std::size_t stream_buffer_bytes = 4u << 20;
  // A WebSocket silent this long is pinged; silent as long again, it is closed.
  unsigned stream_ping_seconds = 30;
};

}  // namespace awa::server
