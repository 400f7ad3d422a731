#include "tests/e2e/websocket_client.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <sys/socket.h>

namespace awa::testing {
namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;

struct WebSocketClient::Connection {
  net::io_context io;
  websocket::stream<tcp::socket> ws{io};
  beast::flat_buffer buffer;
};

WebSocketClient::WebSocketClient(std::uint16_t port, const std::string& target,
                                 const std::string& auth, int receive_buffer)
    : connection_(std::make_unique<Connection>()) {
  auto& socket = connection_->ws.next_layer();
  socket.open(tcp::v4());
  if (receive_buffer > 0) {
    ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVBUF, &receive_buffer,
                 sizeof receive_buffer);
  }
  timeval tv{30, 0};
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  socket.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  connection_->ws.set_option(websocket::stream_base::decorator(
      [auth](websocket::request_type& request) { request.set(http::field::authorization, auth); }));
  connection_->ws.read_message_max(std::size_t{16} << 20);
  websocket::response_type response;
  beast::error_code ec;
  connection_->ws.handshake(response, "127.0.0.1", target, ec);
  open_ = !ec;
  if (!open_) {
    refusal_.status = response.result_int();
    refusal_.body = response.body();
    for (const auto& field : response) {
      std::string name(field.name_string());
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      refusal_.headers[name] = std::string(field.value());
    }
  }
}

WebSocketClient::~WebSocketClient() = default;

std::optional<std::string> WebSocketClient::read() {
  if (!open_) return std::nullopt;
  beast::error_code ec;
  connection_->buffer.clear();
  connection_->ws.read(connection_->buffer, ec);
  if (ec) {
    open_ = false;
    close_code_ = connection_->ws.reason().code;
    close_reason_ = std::string(connection_->ws.reason().reason.c_str());
    return std::nullopt;
  }
  return beast::buffers_to_string(connection_->buffer.data());
}

}  // namespace awa::testing
