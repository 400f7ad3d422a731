// The HTTP/1.1 server on Boost.Beast: accepts connections, hands them to the I/O threads
// (http_worker) in turn, and stops on SIGINT/SIGTERM. What each connection does is
// http_session's; what a request means is the RequestHandler's.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "server/http_limits.hpp"
#include "server/http_listener.hpp"
#include "server/http_tls.hpp"
#include "server/http_worker.hpp"
#include "server/request_handler.hpp"

namespace awa::server {

class HttpServer {
public:
  // Serves `handler` on `listener` from run(), over TLS when `tls` is given (configure_tls).
  // `busy_poll`: after work, each I/O thread polls this long before sleeping (0: at once).
  HttpServer(RequestHandler& handler, Listener listener, const HttpLimits& limits, unsigned threads,
             std::chrono::microseconds busy_poll,
             std::optional<boost::asio::ssl::context> tls = std::nullopt);
  ~HttpServer();

  std::uint16_t port() const;
  // Serves until SIGINT/SIGTERM or stop(); then stops accepting, finishes in-flight requests
  // and returns.
  void run();
  void stop();

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace awa::server
