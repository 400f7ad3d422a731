// The offer lifecycle on the real binary: accept, reject, a 1-second countdown that switches the
// agent's presence, and an offer whose countdown runs out while the server is stopped.
// These watch wall-clock behaviour, so they wait on the server's real timers (bounded).
#include <boost/test/unit_test.hpp>

#include <thread>

#include "tests/e2e/e2e_fixture.hpp"

using namespace awa::testing;
using namespace std::chrono_literals;

namespace {

const std::string kAway = "41f9b8dfb31313005baa6e5f26a8dcac";

std::string offer(HttpClient& client, const std::string& assignment_extra) {
  const auto reply =
      client.post(kOfferPath,
                  R"({"queue_id": ")" + kQueue + R"(", "assignment": {"agent_sys_id": ")" + kAgent +
                      R"(")" + assignment_extra + "}}",
                  integration());
  BOOST_REQUIRE_MESSAGE(reply.status == 200u, reply.body);
  return std::string(json_of(reply).at("result").at("work_item").at("sys_id").as_string());
}

boost::json::value work_item(HttpClient& client, const std::string& id) {
  const auto reply = client.get("/api/now/table/awa_work_item/" + id, admin());
  BOOST_REQUIRE(reply.status == 200u);
  return json_of(reply).at("result");
}

// Polls the work item until it leaves pending_accept; the time that took.
std::chrono::milliseconds wait_until_not_pending(HttpClient& client, const std::string& id,
                                                 std::chrono::steady_clock::time_point since) {
  const auto give_up = since + 10s;
  while (std::chrono::steady_clock::now() < give_up) {
    if (work_item(client, id).at("state").as_string() != "pending_accept") {
      return std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::steady_clock::now() - since);
    }
    std::this_thread::sleep_for(10ms);  // a poll interval, not a wait for the deadline
  }
  BOOST_FAIL("the offer never left pending_accept");
  return {};
}

std::string presence_name(HttpClient& client) {
  const auto reply = client.get("/api/now/awa/agents/" + kAgent, integration());
  return std::string(json_of(reply).at("result").at("presence").at("name").as_string());
}

}  // namespace

BOOST_AUTO_TEST_SUITE(lifecycle_e2e)

BOOST_AUTO_TEST_CASE(the_agent_accepts_with_its_own_credentials) {
  DemoServer demo;
  auto client = demo.client();
  const std::string id = offer(client, R"(, "timeout": 30)");
  const auto reply =
      client.post("/api/now/awa/inbox/actions/accept",
                  R"({"agent_id": ")" + kAgent + R"(", "work_item_id": ")" + id + R"("})",
                  basic_auth("alice.agent", "demo"));
  BOOST_TEST(reply.status == 200u);
  BOOST_TEST(json_of(reply).at("result").at("documentSysId").as_string() == kInteraction);
  BOOST_TEST(work_item(client, id).at("state").as_string() == "accepted");
}

BOOST_AUTO_TEST_CASE(a_rejected_offer_goes_back_to_the_queue) {
  DemoServer demo;
  auto client = demo.client();
  const std::string id = offer(client, R"(, "timeout": 30)");
  const auto reply =
      client.post("/api/now/awa/inbox/actions/reject",
                  R"({"agent_id": ")" + kAgent + R"(", "work_item_id": ")" + id +
                      R"(", "reject_reason_id": "b2f8942787851210be070d48dabb35fd"})",
                  integration());
  BOOST_TEST(reply.status == 200u);
  const auto item = work_item(client, id);
  BOOST_TEST(item.at("state").as_string() == "queued");
  BOOST_TEST(item.at("assigned_to").as_string() == "");
  BOOST_TEST(item.at("rejected").as_string() == "true");
}

BOOST_AUTO_TEST_CASE(a_one_second_countdown_expires_and_switches_presence) {
  DemoServer demo;
  auto client = demo.client();
  const auto sent = std::chrono::steady_clock::now();
  const std::string id =
      offer(client, R"(, "timeout": 1, "after_timeout_presence": ")" + kAway + "\"");
  const auto took = wait_until_not_pending(client, id, sent);
  BOOST_TEST(took.count() >= 1000);  // never early
  BOOST_TEST(took.count() < 3000);
  const auto item = work_item(client, id);
  BOOST_TEST(item.at("state").as_string() == "queued");
  BOOST_TEST(item.at("timed_out").as_string() == "true");
  BOOST_TEST(item.at("assigned_to").as_string() == "");
  BOOST_TEST(presence_name(client) == "Away");
}

BOOST_AUTO_TEST_CASE(an_offer_that_runs_out_while_the_server_is_stopped_expires_on_start) {
  DemoServer demo;
  std::string id;
  const auto deadline = std::chrono::system_clock::now() + 1s;
  {
    auto client = demo.client();
    id = offer(client, R"(, "timeout": 1, "after_timeout_presence": ")" + kAway + "\"");
  }
  BOOST_TEST(demo.server->terminate() == 0);
  // The point of the test is wall-clock time passing while nothing runs.
  std::this_thread::sleep_until(deadline + 100ms);
  demo.restart();
  BOOST_TEST(demo.server->log().find("1 offers counting down") != std::string::npos);
  auto client = demo.client();
  wait_until_not_pending(client, id, std::chrono::steady_clock::now());
  BOOST_TEST(work_item(client, id).at("timed_out").as_string() == "true");
  BOOST_TEST(presence_name(client) == "Away");
}

BOOST_AUTO_TEST_SUITE_END()
