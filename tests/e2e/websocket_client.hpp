// A WebSocket client for end-to-end tests (the event stream): the upgrade, or the answer that
// refused it; then text messages read one at a time, and the close the server sent. Every
// socket has a receive timeout, so no test hangs.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "tests/e2e/http_client.hpp"

namespace awa::testing {

class WebSocketClient {
public:
  // Asks `target` for a WebSocket with `auth`. `receive_buffer`: the socket's receive buffer in
  // bytes (0: the system's), set before it connects, so that a test can make a reader the server
  // cannot write much ahead to.
  WebSocketClient(std::uint16_t port, const std::string& target, const std::string& auth,
                  int receive_buffer = 0);
  ~WebSocketClient();

  // The upgrade took (101); otherwise refusal() is the server's answer.
  bool open() const { return open_; }
  const Reply& refusal() const { return refusal_; }

  // The next text message; empty once the server closed the stream (see close_code()) or the
  // connection ended.
  std::optional<std::string> read();
  std::uint16_t close_code() const { return close_code_; }
  const std::string& close_reason() const { return close_reason_; }

private:
  struct Connection;
  std::unique_ptr<Connection> connection_;
  bool open_ = false;
  Reply refusal_;
  std::uint16_t close_code_ = 0;
  std::string close_reason_;
};

}  // namespace awa::testing
