#include "server/websocket_handshake.hpp"

namespace awa::server {
namespace http = boost::beast::http;

http::request<http::empty_body> websocket_handshake(const HttpRequest& request) {
  http::request<http::empty_body> handshake{http::verb::get, request.target, 11};
  handshake.set(http::field::host, "awa-server");  // the parser has checked it already
  handshake.set(http::field::connection, "Upgrade");
  handshake.set(http::field::upgrade, "websocket");
  handshake.set(http::field::sec_websocket_key, request.websocket_key);
  handshake.set(http::field::sec_websocket_version, request.websocket_version);
  return handshake;
}

}  // namespace awa::server
