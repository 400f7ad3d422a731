// Raw bytes as an HTTP request: Beast's parser with the server's limits, then routing, auth and
// the handlers, on an in-memory instance.
#include <boost/beast/http.hpp>

#include <cstddef>
#include <cstdint>

#include "tests/fuzz/fuzz_world.hpp"

namespace http = boost::beast::http;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  http::request_parser<http::string_body> parser;
  parser.header_limit(8 * 1024);
  parser.body_limit(1024 * 1024);
  parser.eager(true);
  boost::beast::error_code ec;
  parser.put(boost::asio::buffer(data, size), ec);
  if (!ec && !parser.is_done()) parser.put_eof(ec);
  if (ec || !parser.is_done()) return 0;
  auto message = parser.release();
  awa::server::HttpRequest request;
  request.method = std::string(message.method_string());
  request.target = std::string(message.target());
  request.authorization = std::string(message[http::field::authorization]);
  request.content_type = std::string(message[http::field::content_type]);
  request.accept = std::string(message[http::field::accept]);
  request.body = std::move(message.body());
  awa::fuzz::check_answer(awa::fuzz::World::get().handle(std::move(request)));
  return 0;
}
