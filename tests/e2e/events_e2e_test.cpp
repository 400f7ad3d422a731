// The events API on the real binary: CloudEvents in order, a long poll woken by a change,
// parameters checked, an agent's view, numbering across a restart, 410 past retention.
#include <boost/test/unit_test.hpp>

#include <future>
#include <regex>

#include "tests/e2e/e2e_fixture.hpp"

using namespace awa::testing;
namespace bj = boost::json;

namespace {

const std::string kEvents = "/api/now/awa-server/events";
const std::string kAway = "41f9b8dfb31313005baa6e5f26a8dcac";  // the demo's Away presence

struct EventsServer : DemoServer {
  // Stops the server (cleanly) and starts it again on the same data directory.
  void restart(std::vector<std::string> extra) {
    BOOST_REQUIRE(server->terminate() == 0);
    DemoServer::restart(std::move(extra));
  }

  explicit EventsServer(std::vector<std::string> extra = {}) : DemoServer(std::move(extra)) {}

  std::string offer(const std::string& document = kInteraction) {
    HttpClient client = this->client();
    const auto reply = client.post(
        "/api/now/awa/documents/interaction/" + document + "/offer",
        R"({"queue_id": ")" + kQueue + R"(", "assignment": {"agent_sys_id": ")" + kAgent + R"("}})",
        integration());
    BOOST_REQUIRE_MESSAGE(reply.status == 200u, reply.body);
    return std::string(json_of(reply).at("result").at("work_item").at("sys_id").as_string());
  }
  bj::object events(const std::string& query = "", const std::string& auth = integration()) {
    HttpClient client = this->client();
    const auto reply = client.get(kEvents + query, auth);
    BOOST_REQUIRE_MESSAGE(reply.status == 200u, reply.body);
    BOOST_TEST(reply.headers.at("content-type") == "application/json");
    return json_of(reply).as_object();
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(events_e2e)

BOOST_FIXTURE_TEST_CASE(an_offer_and_its_accept_as_cloud_events, EventsServer) {
  const std::string id = offer();
  HttpClient client = this->client();
  BOOST_REQUIRE(client
                    .post("/api/now/awa/inbox/actions/accept",
                          R"({"agent_id": ")" + kAgent + R"(", "work_item_id": ")" + id + R"("})",
                          integration())
                    .status == 200u);
  const auto page = events();
  const auto& result = page.at("result").as_array();
  BOOST_REQUIRE(result.size() == 2u);
  BOOST_TEST(page.at("next").as_int64() == 2);
  const auto& offered = result[0].as_object();
  BOOST_TEST(offered.at("specversion").as_string() == "1.0");
  BOOST_TEST(offered.at("id").as_string() == "1");
  BOOST_TEST(offered.at("source").as_string() == "/awa-server");
  BOOST_TEST(offered.at("type").as_string() == "awa.work_item.offered");
  BOOST_TEST(offered.at("subject").as_string() == id);
  BOOST_TEST(offered.at("datacontenttype").as_string() == "application/json");
  const std::string time(offered.at("time").as_string());
  BOOST_TEST(std::regex_match(time, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")), time);
  BOOST_TEST(offered.at("data").at("sys_id").as_string() == id);
  BOOST_TEST(offered.at("data").at("state").as_string() == "pending_accept");
  BOOST_TEST(!offered.at("data").as_object().contains("previous_state"));  // it was new
  const auto& accepted = result[1].as_object();
  BOOST_TEST(accepted.at("id").as_string() == "2");
  BOOST_TEST(accepted.at("type").as_string() == "awa.work_item.accepted");
  BOOST_TEST(accepted.at("data").at("previous_state").as_string() == "pending_accept");
  // The v1 form of the path, a page after the first, a type filter.
  const auto v1 = client.get("/api/now/v1/awa-server/events?after=1", integration());
  BOOST_TEST(json_of(v1).at("result").as_array().size() == 1u);
  const auto filtered = events("?types=awa.work_item.accepted,awa.agent.presence_changed");
  BOOST_TEST(filtered.at("result").as_array().size() == 1u);
  BOOST_TEST(filtered.at("next").as_int64() == 2);
}

BOOST_FIXTURE_TEST_CASE(a_long_poll_is_answered_by_the_next_event, EventsServer) {
  auto waiting = std::async(std::launch::async, [this] { return events("?after=0&wait=20"); });
  // The poll is in the server's hands once nothing is answered; an offer then wakes it. (Should
  // the offer come first, the poll finds it at once: the same answer.)
  const std::string id = offer();
  BOOST_REQUIRE(waiting.wait_for(std::chrono::seconds(15)) == std::future_status::ready);
  const auto page = waiting.get();
  BOOST_REQUIRE(page.at("result").as_array().size() == 1u);
  BOOST_TEST(page.at("result").as_array()[0].at("subject").as_string() == id);
  // Nothing newer: a short wait ends empty, and says where to read on from.
  const auto empty = events("?after=1&wait=1");
  BOOST_TEST(empty.at("result").as_array().empty());
  BOOST_TEST(empty.at("next").as_int64() == 1);
}

BOOST_FIXTURE_TEST_CASE(parameters_are_checked_by_name, EventsServer) {
  HttpClient client = this->client();
  for (const auto& [query, name] :
       std::vector<std::pair<std::string, std::string>>{{"?after=-1", "after"},
                                                        {"?after=x", "after"},
                                                        {"?limit=0", "limit"},
                                                        {"?limit=10001", "limit"},
                                                        {"?types=awa.work_item.nope", "types"},
                                                        {"?wait=31", "wait"}}) {
    const auto reply = client.get(kEvents + query, integration());
    BOOST_TEST(reply.status == 400u, query);
    BOOST_TEST(json_of(reply).at("error").at("message").as_string() ==
                   "Invalid value for parameter " + name,
               query);
  }
  BOOST_TEST(client.get(kEvents + "?limit=10000&wait=0", integration()).status == 200u);
}

BOOST_FIXTURE_TEST_CASE(an_agent_reads_only_its_own_events, EventsServer) {
  offer();
  HttpClient client = this->client();
  const auto bob_away = client.request(
      "PUT", "/api/now/awa/agents/" + demo::bob, R"({"presence": {"sys_id": ")" + kAway + R"("}})",
      {{"Authorization", integration()}, {"Content-Type", "application/json"}});
  BOOST_REQUIRE_MESSAGE(bob_away.status == 200u, bob_away.body);
  const auto alice = events("", basic_auth("alice.agent", "demo"));
  BOOST_REQUIRE(alice.at("result").as_array().size() == 1u);
  BOOST_TEST(alice.at("result").as_array()[0].at("data").at("assigned_to").as_string() == kAgent);
  const auto bob = events("", basic_auth("bob.agent", "demo"));
  BOOST_REQUIRE(bob.at("result").as_array().size() == 1u);
  BOOST_TEST(bob.at("result").as_array()[0].at("type").as_string() == "awa.agent.presence_changed");
  BOOST_TEST(bob.at("result").as_array()[0].at("subject").as_string() == demo::bob);
  const auto created = client.post(
      "/api/now/table/sys_user",
      R"({"user_name": "outsider", "password": "outsider-pw", "roles": "awa_external_user"})",
      admin());
  BOOST_REQUIRE(created.status == 201u);
  BOOST_TEST(client.get(kEvents, basic_auth("outsider", "outsider-pw")).status == 403u);
}

BOOST_FIXTURE_TEST_CASE(numbers_go_on_after_a_restart_and_retention_answers_410, EventsServer) {
  offer();
  offer(demo::interaction2);
  restart({"--event-retention-count", "1"});  // trimmed at start: only the newest stays
  HttpClient client = this->client();
  const auto gone = client.get(kEvents + "?after=0", integration());
  BOOST_TEST(gone.status == 410u);
  BOOST_TEST(json_of(gone).at("error").at("message").as_string() ==
             "Events after 0 are no longer kept");
  BOOST_TEST(json_of(gone).at("error").at("detail").as_string() == "The oldest event kept is 2");
  BOOST_TEST(events("?after=1").at("result").as_array().size() == 1u);
  offer();  // a re-offer of the first interaction: event 3
  const auto page = events("?after=2");
  BOOST_REQUIRE(!page.at("result").as_array().empty());
  BOOST_TEST(page.at("result").as_array().back().at("id").as_string() ==
             std::to_string(page.at("next").as_int64()));
  BOOST_TEST(page.at("result").as_array().front().at("id").as_string() == "3");
}

BOOST_AUTO_TEST_SUITE_END()
