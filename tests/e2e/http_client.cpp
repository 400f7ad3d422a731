#include "tests/e2e/http_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <sys/socket.h>

#include "tests/support/basic_header.hpp"

namespace awa::testing {
namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

namespace {

void set_timeouts(tcp::socket& socket, std::chrono::seconds timeout) {
  timeval tv{static_cast<time_t>(timeout.count()), 0};
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

}  // namespace

std::string basic_auth(const std::string& user, const std::string& password) {
  return basic_header(user + ":" + password);
}

struct HttpClient::Connection {
  net::io_context io;
  tcp::socket socket{io};
  beast::flat_buffer buffer;
};

HttpClient::HttpClient(std::uint16_t port) : connection_(std::make_unique<Connection>()) {
  connection_->socket.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  set_timeouts(connection_->socket, std::chrono::seconds(30));
}

HttpClient::~HttpClient() = default;
HttpClient::HttpClient(HttpClient&&) noexcept = default;
HttpClient& HttpClient::operator=(HttpClient&&) noexcept = default;

Reply HttpClient::request(const std::string& method, const std::string& target,
                          const std::string& body,
                          const std::map<std::string, std::string>& headers) {
  http::request<http::string_body> req(http::string_to_verb(method), target, 11);
  req.set(http::field::host, "127.0.0.1");
  for (const auto& [k, v] : headers) req.set(k, v);
  req.body() = body;
  req.prepare_payload();
  http::write(connection_->socket, req);
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  http::read(connection_->socket, connection_->buffer, parser);
  auto res = parser.release();
  Reply reply{res.result_int(), res.body(), {}};
  for (const auto& field : res) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    reply.headers[name] = std::string(field.value());
  }
  return reply;
}

RawExchange raw_exchange(std::uint16_t port, const std::string& bytes,
                         std::chrono::seconds timeout) {
  net::io_context io;
  tcp::socket socket(io);
  socket.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  set_timeouts(socket, timeout);
  const auto start = std::chrono::steady_clock::now();
  RawExchange result;
  boost::system::error_code ec;
  net::write(socket, net::buffer(bytes), ec);
  char chunk[4096];
  for (;;) {
    const auto n = socket.read_some(net::buffer(chunk), ec);
    if (ec) {
      result.closed_by_server = ec == net::error::eof || ec == net::error::connection_reset;
      break;
    }
    result.received.append(chunk, n);
  }
  result.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - start);
  return result;
}

}  // namespace awa::testing
