// Raw bytes as a WebSocket upgrade request: the server's parser, then the Api (the stream's
// route, its parameters and access), and when it takes the upgrade, Beast's check and answer of
// the handshake the session makes from the request, on an in-memory stream; a taken stream is
// asked for its first messages.
#include <boost/asio/buffer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/beast/_experimental/test/stream.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <cstddef>
#include <cstdint>

#include "server/request_parser.hpp"
#include "server/websocket_handshake.hpp"
#include "tests/fuzz/fuzz_world.hpp"

namespace beast = boost::beast;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  awa::server::RequestParser parser;
  parser.header_limit(8 * 1024);
  parser.body_limit(1024 * 1024);
  parser.eager(true);
  beast::error_code ec;
  parser.put(boost::asio::buffer(data, size), ec);
  if (!ec && !parser.is_done()) parser.put_eof(ec);
  if (ec || !parser.is_done()) return 0;
  auto request = parser.release();
  const bool asked = request.websocket;
  const auto handshake = awa::server::websocket_handshake(request);
  auto answer = awa::fuzz::World::get().handle(std::move(request));
  awa::fuzz::check_answer(answer);
  if (!answer.stream) return 0;
  if (!asked) std::abort();  // the Api takes only an upgrade that was asked for

  boost::asio::io_context io;
  beast::websocket::stream<beast::test::stream> ws(io);
  ws.accept(handshake, ec);  // a bad key or version: Beast answers 400 or 426
  if (!ec) {
    // Delivered at once when the instance has events; else it waits for the next one.
    answer.stream->next(64 * 1024, [&](const awa::server::StreamBatch& batch) {
      for (const auto& message : batch.messages) {
        if (message.text.empty() || message.position <= answer.stream->start()) std::abort();
      }
    });
  }
  answer.stream->ended(false);
  return 0;
}
