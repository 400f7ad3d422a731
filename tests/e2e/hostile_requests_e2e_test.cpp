// Requests an attacker would send, against the real binary: a body smuggled past a
// Transfer-Encoding Beast does not frame (RFC 9112 6.1: 400 and close), HTTP/1.1 without Host,
// an absolute-form target (taken), and credentials checked before the body is read: `100
// Continue` only for a client whose credentials pass, a 401 without reading the body otherwise.
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/test/unit_test.hpp>
#include <sys/socket.h>
#include <sys/time.h>

#include "tests/e2e/e2e_fixture.hpp"

using namespace awa::testing;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

unsigned status_of(const std::string& response) {
  if (response.rfind("HTTP/1.1 ", 0) != 0 || response.size() < 12) return 0;
  return static_cast<unsigned>(std::stoi(response.substr(9, 3)));
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// A connection that sends and reads in steps (each read bounded by a receive timeout).
class Conversation {
public:
  explicit Conversation(std::uint16_t port) : socket_(io_) {
    socket_.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
    timeval timeout{10, 0};
    ::setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  }
  void send(const std::string& bytes) { net::write(socket_, net::buffer(bytes)); }
  // Reads until `bytes` holds `until` (or the server closes): everything read so far.
  const std::string& read_until(const std::string& until) {
    char chunk[4096];
    while (received_.find(until) == std::string::npos) {
      boost::system::error_code ec;
      const auto n = socket_.read_some(net::buffer(chunk), ec);
      if (ec) {
        closed_ = true;
        break;
      }
      received_.append(chunk, n);
    }
    return received_;
  }
  // Reads until the server closes.
  const std::string& read_to_end() { return read_until(std::string(1, '\0') + "never"); }
  bool closed() const { return closed_; }

private:
  net::io_context io_;
  tcp::socket socket_;
  std::string received_;
  bool closed_ = false;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(hostile_requests_e2e)

BOOST_AUTO_TEST_CASE(a_request_smuggled_in_a_body_never_runs) {
  DemoServer demo;
  const std::string smuggled =
      "GET /api/now/awa-server/stats HTTP/1.1\r\nHost: x\r\nAuthorization: " + admin() + "\r\n\r\n";
  for (const std::string coding : {"identity", "xchunked", "chunked, identity"}) {
    const auto exchange = raw_exchange(
        demo.server->port(),
        "POST /api/now/table/awa_queue HTTP/1.1\r\nHost: x\r\nAuthorization: " + admin() +
            "\r\nContent-Type: application/json\r\nTransfer-Encoding: " + coding +
            "\r\nContent-Length: " + std::to_string(smuggled.size()) + "\r\n\r\n" + smuggled);
    BOOST_TEST(status_of(exchange.received) == 400u, coding << ": " << exchange.received);
    BOOST_TEST(exchange.received.find("Transfer-Encoding") != std::string::npos);
    BOOST_TEST(count(exchange.received, "HTTP/1.1 ") == 1u, exchange.received);
    BOOST_TEST(exchange.received.find("timeouts") == std::string::npos);  // stats never ran
    BOOST_TEST(exchange.closed_by_server);
  }
  const auto old = raw_exchange(
      demo.server->port(), "POST /api/now/table/awa_queue HTTP/1.0\r\nAuthorization: " + admin() +
                               "\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
  BOOST_TEST(status_of(old.received) == 400u, old.received);
  BOOST_TEST(old.closed_by_server);
}

BOOST_AUTO_TEST_CASE(http_1_1_needs_a_host_and_an_absolute_form_target_is_served) {
  DemoServer demo;
  const auto no_host = raw_exchange(
      demo.server->port(),
      "GET /api/now/table/awa_queue HTTP/1.1\r\nAuthorization: " + admin() + "\r\n\r\n");
  BOOST_TEST(status_of(no_host.received) == 400u, no_host.received);
  BOOST_TEST(no_host.received.find("Host") != std::string::npos);
  BOOST_TEST(no_host.closed_by_server);
  const auto absolute = raw_exchange(
      demo.server->port(),
      "GET http://127.0.0.1/api/now/table/awa_queue?sysparm_limit=1 HTTP/1.1\r\nHost: x\r\n"
      "Authorization: " +
          admin() + "\r\nConnection: close\r\n\r\n");
  BOOST_TEST(status_of(absolute.received) == 200u, absolute.received);
}

BOOST_AUTO_TEST_CASE(continue_is_sent_only_once_the_credentials_pass) {
  DemoServer demo;
  const std::string body = R"({"name": "After 100 Continue"})";
  const auto head = [&](const std::string& auth) {
    return "POST /api/now/table/awa_queue HTTP/1.1\r\nHost: x\r\nAuthorization: " + auth +
           "\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: " +
           std::to_string(body.size()) + "\r\n\r\n";
  };
  {
    Conversation good(demo.server->port());
    good.send(head(admin()));
    BOOST_TEST(good.read_until("\r\n\r\n").starts_with("HTTP/1.1 100 Continue\r\n\r\n"));
    good.send(body);
    const auto& all = good.read_until("After 100 Continue");
    BOOST_TEST(status_of(all.substr(all.find("\r\n\r\n") + 4)) == 201u, all);
  }
  {
    // Wrong credentials: the final answer, no 100, without the body ever being sent.
    Conversation bad(demo.server->port());
    bad.send(head(basic_auth("admin", "wrong")));
    const auto& answer = bad.read_to_end();
    BOOST_TEST(status_of(answer) == 401u, answer);
    BOOST_TEST(answer.find("100 Continue") == std::string::npos);
    BOOST_TEST(answer.find("Connection: close") != std::string::npos);
    BOOST_TEST(bad.closed());
  }
}

BOOST_AUTO_TEST_CASE(a_large_body_with_wrong_credentials_is_refused_unread) {
  DemoServer demo;
  Conversation sender(demo.server->port());
  // A header that announces a mebibyte, and no body at all: the 401 comes anyway.
  sender.send("POST /api/now/table/awa_queue HTTP/1.1\r\nHost: x\r\nAuthorization: " +
              basic_auth("nobody", "guess") +
              "\r\nContent-Type: application/json\r\nContent-Length: 1048576\r\n\r\n");
  const auto& answer = sender.read_to_end();
  BOOST_TEST(status_of(answer) == 401u, answer);
  BOOST_TEST(sender.closed());
  // The server goes on.
  BOOST_TEST(demo.client().get("/api/now/table/awa_queue", admin()).status == 200u);
}

BOOST_AUTO_TEST_CASE(control_characters_are_refused_and_echoes_stay_valid) {
  DemoServer demo;
  auto client = demo.client();
  // Never stored, so every XML answer stays well-formed.
  const auto stored =
      client.post("/api/now/table/awa_queue", R"({"name": "Q\u0001\u001b[2J"})", admin());
  BOOST_TEST(stored.status == 400u);
  BOOST_TEST(
      stored.body.find("field name: control characters are not allowed") != std::string::npos,
      stored.body);
  const auto xml = client.request("GET", "/api/now/table/awa_queue", {},
                                  {{"Authorization", admin()}, {"Accept", "application/xml"}});
  BOOST_TEST(xml.status == 200u);
  BOOST_TEST(xml.body.find('\x01') == std::string::npos);
  // An echo of bytes that are not UTF-8 (a table's name here) is escaped: the JSON stays valid.
  const auto echoed = client.get("/api/now/table/a%FF%1Bb", admin());
  BOOST_TEST(echoed.status == 400u);
  boost::system::error_code ec;
  const auto parsed = boost::json::parse(echoed.body, ec);
  BOOST_TEST(!ec, echoed.body);
  BOOST_TEST(echoed.body.find("Invalid table a\\\\xff\\\\x1bb") != std::string::npos, echoed.body);
}

BOOST_AUTO_TEST_SUITE_END()
