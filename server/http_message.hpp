// An HTTP request and response as the API sees them: plain data, no Beast.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "server/message_stream.hpp"

namespace awa::server {

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // origin form: path and query
  std::string authorization;
  std::string content_type;
  std::string accept;
  std::string body;
  // It asks to become a WebSocket (Connection: upgrade, Upgrade: websocket); the handshake's
  // key and version, which the HTTP layer checks if the handler takes the upgrade.
  bool websocket = false;
  std::string websocket_key;
  std::string websocket_version;
};

struct HttpResponse {
  unsigned status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  // Set: the WebSocket handshake is taken (the request asked for one) and the connection then
  // carries this stream; `status` and the rest are not sent.
  std::shared_ptr<MessageStream> stream;
};

}  // namespace awa::server
