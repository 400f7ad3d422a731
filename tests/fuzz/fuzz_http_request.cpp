// Raw bytes as an HTTP request: the server's parser (Beast's, reading into the Api's request)
// with the server's limits, then routing, auth and the handlers, on an in-memory instance.
#include <boost/asio/buffer.hpp>

#include <cstddef>
#include <cstdint>

#include "server/request_parser.hpp"
#include "tests/fuzz/fuzz_world.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  awa::server::RequestParser parser;
  parser.header_limit(8 * 1024);
  parser.body_limit(1024 * 1024);
  parser.eager(true);
  boost::beast::error_code ec;
  parser.put(boost::asio::buffer(data, size), ec);
  if (!ec && !parser.is_done()) parser.put_eof(ec);
  if (ec || !parser.is_done()) return 0;
  auto request = parser.release();
  awa::fuzz::check_answer(awa::fuzz::World::get().handle(std::move(request)));
  return 0;
}
