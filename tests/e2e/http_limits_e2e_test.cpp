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

BOOST_AUTO_TEST_SUITE_END()
