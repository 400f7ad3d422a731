// A small HTTP/1.1 client for end-to-end tests: keep-alive requests, and raw bytes for the
// tests of malformed and slow requests. Every socket has a receive timeout, so no test hangs.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

namespace awa::testing {

struct Reply {
  unsigned status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // names in lower case
};

std::string basic_auth(const std::string& user, const std::string& password);

class HttpClient {
public:
  explicit HttpClient(std::uint16_t port);
  ~HttpClient();
  HttpClient(HttpClient&&) noexcept;
  HttpClient& operator=(HttpClient&&) noexcept;

  Reply request(const std::string& method, const std::string& target, const std::string& body = {},
                const std::map<std::string, std::string>& headers = {});
  Reply get(const std::string& target, const std::string& auth) {
    return request("GET", target, {}, {{"Authorization", auth}});
  }
  Reply post(const std::string& target, const std::string& body, const std::string& auth) {
    return request("POST", target, body,
                   {{"Authorization", auth}, {"Content-Type", "application/json"}});
  }

private:
  struct Connection;
  std::unique_ptr<Connection> connection_;
};

// Sends `bytes` on a new connection and reads until the server closes it (or `timeout`).
// Returns what the server sent and whether it closed the connection.
struct RawExchange {
  std::string received;
  bool closed_by_server = false;
  std::chrono::milliseconds elapsed{};
};
RawExchange raw_exchange(std::uint16_t port, const std::string& bytes,
                         std::chrono::seconds timeout = std::chrono::seconds(10));

}  // namespace awa::testing
