// Raw bytes as an HTTP request: Beast's parser with the server's limits, then routing, auth and
// the handlers, on an in-memory instance.
#include <boost/beast/http.hpp>

#include <cstddef>
#include <cstdint>

#include "server/beast_request.hpp"
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
  auto request = awa::server::to_http_request(parser.release());
  awa::fuzz::check_answer(awa::fuzz::World::get().handle(std::move(request)));
  return 0;
}
