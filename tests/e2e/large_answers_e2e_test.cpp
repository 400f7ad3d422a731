// Large answers against the real binary: sysparm_limit at most 10,000, an answer over
// --max-answer-mib refused with 400 (never built whole), and the bytes of large answers held for
// clients that read slowly counted against --answer-buffer-mib (503 beyond, room again once
// they read).
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

constexpr int kRecords = 2500;  // 4,000 characters each: a list of them is some 10 MB
const std::string kList = "/api/now/table/interaction?sysparm_limit=" + std::to_string(kRecords);

void create_records(HttpClient& client) {
  const std::string description(4000, 'd');
  for (int i = 0; i < kRecords; ++i) {
    const auto reply = client.post("/api/now/table/interaction",
                                   R"({"number": "L)" + std::to_string(i) +
                                       R"(", "short_description": ")" + description + R"("})",
                                   admin());
    BOOST_REQUIRE(reply.status == 201u);
  }
}

// A client that asks for the list and reads nothing until told: its receive buffer is small,
// so most of the answer stays with the server.
class SlowReader {
public:
  explicit SlowReader(std::uint16_t port) : socket_(io_) {
    socket_.open(tcp::v4());
    const int small = 4096;
    ::setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    timeval timeout{30, 0};
    ::setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    socket_.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
    net::write(socket_, net::buffer("GET " + kList + " HTTP/1.1\r\nHost: x\r\nAuthorization: " +
                                    admin() + "\r\nConnection: close\r\n\r\n"));
  }
  // Reads the first bytes of the answer, once it is being written: its status line.
  std::string status_line() {
    char chunk[64];
    boost::system::error_code ec;
    const auto n = socket_.read_some(net::buffer(chunk), ec);
    read_ += n;
    return std::string(chunk, n).substr(0, 12);
  }
  // Reads the rest of the answer; the size of all of it.
  std::size_t read_all() {
    std::size_t total = read_;
    char chunk[65536];
    boost::system::error_code ec;
    while (!ec) total += socket_.read_some(net::buffer(chunk), ec);
    return total;
  }

private:
  net::io_context io_;
  tcp::socket socket_;
  std::size_t read_ = 0;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(large_answers_e2e)

BOOST_AUTO_TEST_CASE(answers_are_bounded_in_size_and_in_what_slow_readers_hold) {
  DemoServer demo({"--answer-buffer-mib", "16"});
  {
    auto client = demo.client();
    create_records(client);
    const auto too_many = client.get("/api/now/table/interaction?sysparm_limit=10001", admin());
    BOOST_TEST(too_many.status == 400u);
    BOOST_TEST(too_many.body.find("sysparm_limit") != std::string::npos, too_many.body);
    const auto whole = client.get(kList, admin());
    BOOST_REQUIRE(whole.status == 200u);
    BOOST_TEST(whole.body.size() > 10'000'000u);
    // Answered on the same connection only once that answer's write has ended (and its bytes
    // no longer count).
    BOOST_REQUIRE(client.get("/api/now/table/awa_queue", admin()).status == 200u);
  }
  // One slow reader holds some 10 MB (its answer is being written); a second such answer would
  // pass 16 MiB: 503.
  SlowReader slow(demo.server->port());
  BOOST_REQUIRE(slow.status_line() == "HTTP/1.1 200");
  auto client = demo.client();
  const auto refused = client.get(kList, admin());
  BOOST_TEST(refused.status == 503u);
  BOOST_TEST(refused.headers.at("retry-after") == "1");
  BOOST_TEST(refused.body.find("read them") != std::string::npos, refused.body);
  // Small answers are not held back.
  BOOST_TEST(client.get("/api/now/table/awa_queue", admin()).status == 200u);
  // Once the slow one has read, there is room again.
  BOOST_TEST(slow.read_all() > 10'000'000u);
  BOOST_TEST(client.get(kList, admin()).status == 200u);

  // An answer over --max-answer-mib: refused, naming what to ask for instead.
  BOOST_TEST(demo.server->terminate() == 0);
  demo.restart({"--max-answer-mib", "1"});
  auto limited = demo.client();
  const auto over = limited.get(kList, admin());
  BOOST_TEST(over.status == 400u);
  BOOST_TEST(over.body.find("--max-answer-mib") != std::string::npos, over.body);
  BOOST_TEST(limited.get("/api/now/table/interaction?sysparm_limit=100", admin()).status == 200u);
}

BOOST_AUTO_TEST_SUITE_END()
