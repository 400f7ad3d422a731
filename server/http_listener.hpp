// The listening socket, bound before anything else starts (a start that fails on its address
// has touched no data), then handed to the HttpServer that accepts on it.
#pragma once

#include <cstdint>
#include <string>

namespace awa::server {

class Listener {
public:
  // Binds and listens on `address` (IPv4 or IPv6) and `port` (0: any free one); throws
  // std::runtime_error saying why it cannot.
  Listener(const std::string& address, std::uint16_t port);
  ~Listener();
  Listener(Listener&& other) noexcept;
  Listener& operator=(Listener&&) = delete;
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  std::uint16_t port() const { return port_; }
  bool ipv6() const { return ipv6_; }
  // Gives the descriptor away (to the acceptor).
  int release();

private:
  int fd_ = -1;
  std::uint16_t port_ = 0;
  bool ipv6_ = false;
};

}  // namespace awa::server
