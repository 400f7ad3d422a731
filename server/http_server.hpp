// The HTTP/1.1 server on Boost.Beast: accepts connections, reads requests with limits and
// deadlines, hands them to the Api and writes the answers. Keep-alive, one request at a time per
// connection (pipelined requests wait in the buffer). The only file that includes Beast.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "server/api.hpp"
#include "server/settings.hpp"

namespace awa::server {

struct HttpLimits {
  std::size_t header_bytes = 8 * 1024;
  std::size_t body_bytes = 1024 * 1024;
  unsigned read_timeout_seconds = 30;
  unsigned idle_timeout_seconds = 60;
  // Beyond it a new connection gets a 503 and is closed (it would otherwise wait unseen).
  unsigned max_connections = 10000;
  // A keep-alive connection is closed after this many requests (its last answer says so).
  unsigned max_requests_per_connection = 10000;
  // Large answers (64 KiB and more) held while their clients read them, in all, at most: beyond,
  // a new one is answered 503 instead.
  std::size_t answer_buffer_bytes = 128u << 20;
};

// Throws std::runtime_error, saying what to do, when the system refuses this build's I/O
// backend (io_uring: kernel.io_uring_disabled, or a container's seccomp profile).
void require_io_backend();
// "io_uring" or "epoll".
const char* io_backend();

// PEM files for HTTPS.
struct TlsFiles {
  std::string certificate_chain;
  std::string private_key;
  std::string private_key_password_file;  // for an encrypted key; empty: none
};

class HttpServer {
public:
  // Binds at once and loads the TLS files (throws when it cannot, before anything else is
  // started: a start that fails here has touched no data); serves `api` from run(), over TLS
  // (1.2 or later) when `tls` is given.
  // `busy_poll`: after work, each I/O thread polls this long before sleeping (0: at once).
  HttpServer(const std::string& address, std::uint16_t port, const HttpLimits& limits,
             unsigned threads, std::chrono::microseconds busy_poll,
             const std::optional<TlsFiles>& tls = std::nullopt);
  ~HttpServer();

  std::uint16_t port() const;
  // Serves until SIGINT/SIGTERM or stop(); then stops accepting, finishes in-flight requests
  // and returns.
  void run(Api& api);
  void stop();

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace awa::server
