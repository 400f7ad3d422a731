// Bad and hostile HTTP against the real binary: limits answered with the documented status,
// slow clients cut off by the read deadlines.
#include <boost/test/unit_test.hpp>

#include "tests/e2e/e2e_fixture.hpp"

using namespace awa::testing;

namespace {

unsigned status_of(const std::string& response) {
  if (response.rfind("HTTP/1.1 ", 0) != 0 || response.size() < 12) return 0;
  return static_cast<unsigned>(std::stoi(response.substr(9, 3)));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(http_limits_e2e)

BOOST_AUTO_TEST_CASE(a_body_over_one_mebibyte_is_413) {
  DemoServer demo;
  const std::string body(1024 * 1024 + 1, 'x');
  const auto exchange = raw_exchange(demo.server->port(),
                                     "POST " + kOfferPath +
                                         " HTTP/1.1\r\nHost: x\r\nAuthorization: " + integration() +
                                         "\r\nContent-Type: application/json\r\n"
                                         "Content-Length: " +
                                         std::to_string(body.size()) + "\r\n\r\n" + body);
  BOOST_TEST(status_of(exchange.received) == 413u);
  BOOST_TEST(exchange.closed_by_server);
  // A body of exactly 1 MiB is read (and refused as JSON, not as too large).
  auto client = demo.client();
  const auto reply = client.post(kOfferPath, std::string(1024 * 1024, ' '), integration());
  BOOST_TEST(reply.status == 400u);
}

BOOST_AUTO_TEST_CASE(headers_over_eight_kibibytes_are_431) {
  DemoServer demo;
  const auto exchange = raw_exchange(demo.server->port(),
                                     "GET /api/now/table/sys_user HTTP/1.1\r\nHost: x\r\nX-Big: " +
                                         std::string(9000, 'a') + "\r\n\r\n");
  BOOST_TEST(status_of(exchange.received) == 431u);
  BOOST_TEST(exchange.closed_by_server);
}

BOOST_AUTO_TEST_CASE(malformed_requests_are_400) {
  DemoServer demo;
  for (const std::string bad : {"NOT A REQUEST\r\n\r\n", "GET / HTTP/9.9\r\n\r\n",
                                "POST / HTTP/1.1\r\nContent-Length: abc\r\n\r\n"}) {
    const auto exchange = raw_exchange(demo.server->port(), bad);
    BOOST_TEST(status_of(exchange.received) == 400u, bad);
    BOOST_TEST(exchange.closed_by_server);
  }
  // The server still answers.
  BOOST_TEST(demo.client().get("/api/now/table/awa_queue", admin()).status == 200u);
}

BOOST_AUTO_TEST_CASE(a_slow_client_is_cut_off_at_the_read_deadline) {
  DemoServer demo({"--read-timeout", "1", "--idle-timeout", "1"});
  // Half a request, then silence: the server must close within its read deadline.
  const auto slow = raw_exchange(demo.server->port(), "GET /api/now/table/sys_user HTTP/1.1\r\nHo");
  BOOST_TEST(slow.closed_by_server);
  BOOST_TEST(slow.received.empty());
  BOOST_TEST(slow.elapsed.count() < 5000);
  // A connection that sends nothing at all is closed too.
  const auto idle = raw_exchange(demo.server->port(), "");
  BOOST_TEST(idle.closed_by_server);
  BOOST_TEST(idle.elapsed.count() < 5000);
}

BOOST_AUTO_TEST_CASE(connection_close_is_honoured) {
  DemoServer demo;
  const auto exchange =
      raw_exchange(demo.server->port(),
                   "GET /api/now/table/awa_queue HTTP/1.1\r\nHost: x\r\nAuthorization: " + admin() +
                       "\r\nConnection: close\r\n\r\n");
  BOOST_TEST(status_of(exchange.received) == 200u);
  BOOST_TEST(exchange.closed_by_server);
}

// HEAD answers as GET would, without the body (RFC 9110, 9.3.2): on a kept connection the next
// answer starts right after the head, and the head still tells the body's length.
BOOST_AUTO_TEST_CASE(head_answers_with_the_head_only) {
  DemoServer demo;
  const auto exchange =
      raw_exchange(demo.server->port(),
                   "HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n"
                   "Connection: close\r\n\r\n");
  const auto end_of_head = exchange.received.find("\r\n\r\n");
  BOOST_REQUIRE(end_of_head != std::string::npos);
  const std::string head = exchange.received.substr(0, end_of_head + 4);
  const std::string rest = exchange.received.substr(end_of_head + 4);
  BOOST_TEST(status_of(head) == 200u);
  BOOST_TEST(rest.starts_with("HTTP/1.1 200 OK\r\n"));
  const auto body = rest.substr(rest.find("\r\n\r\n") + 4);
  BOOST_TEST(!body.empty());
  BOOST_TEST(head.find("\r\nContent-Length: " + std::to_string(body.size()) + "\r\n") !=
             std::string::npos);
  BOOST_TEST(exchange.closed_by_server);
}

BOOST_AUTO_TEST_CASE(connections_beyond_the_cap_get_503_and_are_closed) {
  DemoServer demo({"--max-connections", "3"});
  std::vector<HttpClient> held;
  for (int i = 0; i < 3; ++i) {
    held.push_back(demo.client());
    BOOST_REQUIRE(held.back().get("/healthz", "").status == 200u);  // accepted and counted
  }
  const auto refused =
      raw_exchange(demo.server->port(), "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  BOOST_TEST(status_of(refused.received) == 503u);
  BOOST_TEST(refused.received.find("Retry-After: 1") != std::string::npos);
  BOOST_TEST(refused.received.find("Too many connections") != std::string::npos);
  BOOST_TEST(refused.closed_by_server);
  // The held ones still work; once one goes, a new connection is taken again (the server
  // notices the close asynchronously: a bounded number of attempts).
  BOOST_TEST(held[0].get("/healthz", "").status == 200u);
  held.pop_back();
  unsigned status = 0;
  for (int attempt = 0; attempt < 200 && status != 200u; ++attempt) {
    status = status_of(raw_exchange(demo.server->port(),
                                    "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                           .received);
  }
  BOOST_TEST(status == 200u);
}

BOOST_AUTO_TEST_CASE(pipelined_requests_are_answered_in_order_one_at_a_time) {
  DemoServer demo;
  std::string pipeline;
  for (int i = 0; i < 50; ++i) {
    pipeline += "GET /api/now/table/awa_queue/" +
                std::string(i % 2 ? kQueue : "0123456789abcdef0123456789abcdef") +
                " HTTP/1.1\r\nHost: x\r\nAuthorization: " + admin() + "\r\n" +
                (i == 49 ? "Connection: close\r\n" : "") + "\r\n";
  }
  const auto exchange = raw_exchange(demo.server->port(), pipeline);
  BOOST_TEST(exchange.closed_by_server);
  std::vector<unsigned> statuses;
  for (std::size_t at = exchange.received.find("HTTP/1.1 "); at != std::string::npos;
       at = exchange.received.find("HTTP/1.1 ", at + 1)) {
    statuses.push_back(status_of(exchange.received.substr(at, 12)));
  }
  BOOST_REQUIRE(statuses.size() == 50u);
  for (std::size_t i = 0; i < statuses.size(); ++i) {
    BOOST_TEST(statuses[i] == (i % 2 ? 200u : 404u), "answer " << i);
  }
}

BOOST_AUTO_TEST_CASE(a_keep_alive_connection_is_closed_after_its_request_cap) {
  DemoServer demo({"--max-requests-per-connection", "3"});
  std::string four;
  for (int i = 0; i < 4; ++i) four += "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
  const auto exchange = raw_exchange(demo.server->port(), four);
  std::size_t answers = 0;
  for (std::size_t at = exchange.received.find("HTTP/1.1 200"); at != std::string::npos;
       at = exchange.received.find("HTTP/1.1 200", at + 1)) {
    ++answers;
  }
  BOOST_TEST(answers == 3u);
  BOOST_TEST(exchange.received.find("Connection: close") != std::string::npos);
  BOOST_TEST(exchange.closed_by_server);
}

BOOST_AUTO_TEST_CASE(chunk_extensions_and_chunked_bodies_are_bounded) {
  DemoServer demo;
  const std::string head =
      "POST " + kOfferPath + " HTTP/1.1\r\nHost: x\r\nAuthorization: " + integration() +
      "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
  // A chunk header with 100 KB of extensions.
  const auto extended = raw_exchange(
      demo.server->port(), head + "2;" + std::string(100000, 'e') + "\r\n{}\r\n0\r\n\r\n");
  BOOST_TEST(status_of(extended.received) == 400u);
  BOOST_TEST(extended.closed_by_server);
  // Chunks adding up to more than 1 MiB.
  std::string chunks;
  for (int i = 0; i < 17; ++i) chunks += "10000\r\n" + std::string(0x10000, ' ') + "\r\n";
  const auto big = raw_exchange(demo.server->port(), head + chunks + "0\r\n\r\n");
  BOOST_TEST(status_of(big.received) == 413u);
  BOOST_TEST(demo.client().get("/healthz", "").status == 200u);
}

BOOST_AUTO_TEST_CASE(json_nesting_and_long_strings_are_refused_naming_the_field) {
  DemoServer demo;
  auto client = demo.client();
  std::string deep = R"({"queue_id": )";
  for (int i = 0; i < 100; ++i) deep += "[";
  for (int i = 0; i < 100; ++i) deep += "]";
  deep += "}";
  const auto nested = client.post(kOfferPath, deep, integration());
  BOOST_TEST(nested.status == 400u);
  const auto long_value = client.post("/api/now/table/awa_queue",
                                      R"({"name": ")" + std::string(70000, 'n') + R"("})", admin());
  BOOST_TEST(long_value.status == 400u);
  BOOST_TEST(long_value.body.find("Value of field name is longer than 65536 characters") !=
             std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
