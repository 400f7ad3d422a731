#include "bench/table_pager.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

#include <chrono>

namespace awa::bench {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

PagerResult page_through(const PagerOptions& options, const std::atomic<bool>& running) {
  PagerResult result;
  try {
    net::io_context io;
    tcp::resolver resolver(io);
    const auto endpoints = resolver.resolve(options.host, options.port);
    tcp::socket socket(io);
    net::connect(socket, endpoints);
    beast::flat_buffer buffer;
    std::uint64_t offset = 0;
    while (running.load(std::memory_order_relaxed)) {
      const std::string target =
          "/api/now/table/" + options.table +
          "?sysparm_fields=sys_id&sysparm_limit=" + std::to_string(options.page) +
          "&sysparm_offset=" + std::to_string(offset);
      http::request<http::empty_body> request(http::verb::get, target, 11);
      request.set(http::field::host, "bench");
      request.set(http::field::authorization, options.authorization);
      const auto sent = std::chrono::steady_clock::now();
      http::write(socket, request);
      http::response<http::string_body> response;
      http::read(socket, buffer, response);
      result.latency.record(
          static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                         std::chrono::steady_clock::now() - sent)
                                         .count()));
      if (response.result_int() != 200) {
        result.error = "a page answered " + std::to_string(response.result_int());
        break;
      }
      const auto records = boost::json::parse(response.body()).at("result").as_array().size();
      ++result.pages;
      result.records += records;
      offset += records;
      if (records < options.page) {
        ++result.passes;
        offset = 0;
      }
      if (!response.keep_alive()) {  // the server's request cap per connection: a new one
        socket = tcp::socket(io);
        buffer.clear();
        net::connect(socket, endpoints);
      }
    }
  } catch (const std::exception& e) {
    result.error = e.what();
  }
  return result;
}

}  // namespace awa::bench
