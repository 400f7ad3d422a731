// The event stream, a WebSocket, on the real binary: a replay then the live tail; a reader that
// drops and resumes with after= misses nothing; a reader that never reads is closed with 4008
// while offers go on; the upgrade's refusals; a stop closes the stream and says where to resume.
#include <boost/test/unit_test.hpp>

#include <future>
#include <set>

#include "tests/e2e/presence_switching_server.hpp"
#include "tests/e2e/websocket_client.hpp"

using namespace awa::testing;
namespace bj = boost::json;

namespace {

const std::string kStream = "/api/now/awa-server/events/stream";

struct StreamServer : PresenceSwitchingServer {
  explicit StreamServer(std::vector<std::string> extra = {})
      : PresenceSwitchingServer(std::move(extra)) {}

  WebSocketClient stream(const std::string& query = "", int receive_buffer = 0,
                         const std::string& auth = integration()) const {
    return {server->port(), kStream + query, auth, receive_buffer};
  }
};

// The event number of a stream's message (its CloudEvents id).
std::uint64_t id_of(const std::string& message) {
  return std::stoull(std::string(bj::parse(message).at("id").as_string()));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(event_stream_e2e)

BOOST_FIXTURE_TEST_CASE(a_replay_then_the_live_tail, StreamServer) {
  switch_presence(3);
  auto reader = stream("?after=1");
  BOOST_REQUIRE(reader.open());
  for (std::uint64_t id : {2U, 3U}) {
    const auto message = reader.read();
    BOOST_REQUIRE(message);
    const auto event = bj::parse(*message);
    BOOST_TEST(event.at("id").as_string() == std::to_string(id));
    BOOST_TEST(event.at("type").as_string() == "awa.agent.presence_changed");
    BOOST_TEST(event.at("subject").as_string() == demo::bob);
  }
  switch_presence(1);  // after the replay: it comes live
  const auto live = reader.read();
  BOOST_REQUIRE(live);
  BOOST_TEST(id_of(*live) == 4u);
  // A type filter: an offer comes through, presence changes do not.
  auto offers = stream("?types=awa.work_item.offered");
  BOOST_REQUIRE(offers.open());
  switch_presence(2);
  HttpClient client = this->client();
  BOOST_REQUIRE(client.post(kOfferPath, vendor_example_body(), integration()).status == 200u);
  const auto offered = offers.read();
  BOOST_REQUIRE(offered);
  BOOST_TEST(bj::parse(*offered).at("type").as_string() == "awa.work_item.offered");
  BOOST_TEST(id_of(*offered) == 7u);
}

BOOST_FIXTURE_TEST_CASE(a_reader_that_resumes_misses_nothing, StreamServer) {
  switch_presence(10);
  std::set<std::uint64_t> seen;
  std::uint64_t last = 0;
  {
    auto reader = stream();
    BOOST_REQUIRE(reader.open());
    for (int i = 0; i < 4; ++i) {
      last = id_of(reader.read().value());
      seen.insert(last);
    }
  }  // dropped mid-stream
  switch_presence(5);
  auto resumed = stream("?after=" + std::to_string(last));
  BOOST_REQUIRE(resumed.open());
  while (seen.size() < 15) {
    const auto id = id_of(resumed.read().value());
    BOOST_TEST(seen.insert(id).second, "event " << id << " came twice");
  }
  BOOST_TEST(*seen.begin() == 1u);
  BOOST_TEST(*seen.rbegin() == 15u);
}

// The reader's socket takes 4 KiB; the server lets 64 KiB wait for it. Offers keep their pace;
// when the reader reads at last it gets what was sent, then 4008 naming the last one.
struct SlowReaderServer : StreamServer {
  SlowReaderServer() : StreamServer({"--event-stream-buffer", "64"}) {}
};

BOOST_FIXTURE_TEST_CASE(a_reader_that_never_reads_is_closed_and_offers_go_on, SlowReaderServer) {
  auto reader = stream("", 4096);
  BOOST_REQUIRE(reader.open());
  // Each event is several hundred bytes: far more than the socket and the buffer take.
  constexpr int kSwitches = 600;
  switch_presence(kSwitches);  // every one answered 200, in turn
  std::uint64_t last = 0;
  while (const auto message = reader.read()) {
    const auto id = id_of(*message);
    BOOST_TEST(id == last + 1);
    last = id;
  }
  BOOST_TEST(reader.close_code() == 4008u);
  BOOST_TEST(reader.close_reason() == "slow consumer; resume after " + std::to_string(last));
  BOOST_TEST(last < static_cast<std::uint64_t>(kSwitches));
  HttpClient client = this->client();
  const auto stats = json_of(client.get("/api/now/awa-server/stats", admin()));
  BOOST_TEST(stats.at("result").at("events").at("streams").at("closed_slow").as_int64() == 1);
  // Resumed from there, the reader gets the rest, every one.
  auto resumed = stream("?after=" + std::to_string(last));
  BOOST_REQUIRE(resumed.open());
  while (last < static_cast<std::uint64_t>(kSwitches)) {
    const auto id = id_of(resumed.read().value());
    BOOST_TEST_REQUIRE(id == last + 1);
    last = id;
  }
}

BOOST_FIXTURE_TEST_CASE(the_upgrade_is_refused_with_the_platform_envelope, StreamServer) {
  HttpClient client = this->client();
  const auto plain = client.get(kStream, integration());
  BOOST_TEST(plain.status == 426u);
  BOOST_TEST(plain.headers.at("upgrade") == "websocket");
  BOOST_TEST(json_of(plain).at("error").at("message").as_string() == "Upgrade Required");

  auto limited = stream("?limit=5");
  BOOST_REQUIRE(!limited.open());
  BOOST_TEST(limited.refusal().status == 400u);
  BOOST_TEST(json_of(limited.refusal()).at("error").at("message").as_string() ==
             "Invalid value for parameter limit");
  auto unknown = stream("?types=awa.nope");
  BOOST_TEST(unknown.refusal().status == 400u);

  auto nobody = stream("", 0, basic_auth("nobody", "wrong"));
  BOOST_TEST(nobody.refusal().status == 401u);
  // A user without an events role.
  BOOST_REQUIRE(client
                    .post("/api/now/table/sys_user",
                          R"({"user_name": "outsider", "password": "outsider-pw",
                              "roles": "awa_external_user"})",
                          admin())
                    .status == 201u);
  auto outsider = stream("", 0, basic_auth("outsider", "outsider-pw"));
  BOOST_TEST(outsider.refusal().status == 403u);
  // An agent reads its own events only.
  auto bob = stream("", 0, basic_auth("bob.agent", "demo"));
  BOOST_REQUIRE(bob.open());
  BOOST_REQUIRE(client.post(kOfferPath, vendor_example_body(), integration()).status ==
                200u);  // alice's
  switch_presence(1);   // bob's
  const auto own = bob.read();
  BOOST_REQUIRE(own);
  BOOST_TEST(bj::parse(*own).at("subject").as_string() == demo::bob);
}

BOOST_FIXTURE_TEST_CASE(a_stop_closes_the_stream_saying_where_to_resume, StreamServer) {
  switch_presence(2);
  auto reader = stream();
  BOOST_REQUIRE(reader.open());
  BOOST_REQUIRE(reader.read());
  BOOST_REQUIRE(reader.read());
  // The reader reads while the server stops, so it answers the close, and the stop goes on.
  auto stopped = std::async(std::launch::async, [this] { return server->terminate(); });
  BOOST_TEST(!reader.read());
  BOOST_TEST(reader.close_code() == 1001u);
  BOOST_TEST(reader.close_reason() == "server stopping; resume after 2");
  BOOST_TEST(stopped.get() == 0);
}

BOOST_AUTO_TEST_SUITE_END()
