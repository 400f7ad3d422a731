// Acknowledged writes survive a clean stop, a kill -9, under both durability modes.
#include <boost/test/unit_test.hpp>

#include "tests/e2e/e2e_fixture.hpp"

using namespace awa::testing;

namespace {

// Makes acknowledged changes of every kind; returns the work item's sys_id.
std::string write_some(HttpClient& client) {
  BOOST_REQUIRE(client
                    .post("/api/now/table/awa_queue",
                          R"({"sys_id": "abcdefabcdefabcdefabcdefabcdef01", "name": "Kept"})",
                          admin())
                    .status == 201u);
  BOOST_REQUIRE(client
                    .request("PUT", "/api/now/awa/agents/1d584509c323120095ccd02422d3ae5c",
                             R"({"presence": {"sys_id": "41f9b8dfb31313005baa6e5f26a8dcac"}})",
                             {{"Authorization", integration()}})
                    .status == 200u);
  const auto offered = client.post(kOfferPath, vendor_example_body(), integration());
  BOOST_REQUIRE(offered.status == 200u);
  return std::string(json_of(offered).at("result").at("work_item").at("sys_id").as_string());
}

void expect_kept(HttpClient& client, const std::string& work_item) {
  const auto queue =
      client.get("/api/now/table/awa_queue/abcdefabcdefabcdefabcdefabcdef01", admin());
  BOOST_TEST(queue.status == 200u);
  const auto agent =
      client.get("/api/now/awa/agents/1d584509c323120095ccd02422d3ae5c", integration());
  BOOST_TEST(json_of(agent).at("result").at("presence").at("name").as_string() == "Away");
  const auto item = client.get("/api/now/table/awa_work_item/" + work_item, admin());
  BOOST_REQUIRE(item.status == 200u);
  BOOST_TEST(json_of(item).at("result").at("assigned_to").as_string() == kAgent);
  // The same document now has its work item: a second offer to someone else conflicts.
  auto body = vendor_example_body();
  body.replace(body.find(kAgent), kAgent.size(), "1d584509c323120095ccd02422d3ae5c");
  const auto conflict = client.post(kOfferPath, body, integration());
  BOOST_TEST(conflict.status == 409u);
}

// Writes, stops the server with SIGTERM, restarts it and finds every write.
void expect_a_clean_stop_keeps_everything(DemoServer& demo) {
  std::string item;
  {
    auto client = demo.client();
    item = write_some(client);
  }
  BOOST_TEST(demo.server->terminate() == 0);
  BOOST_TEST(demo.server->log().find("closed cleanly") != std::string::npos);
  demo.restart();
  auto client = demo.client();
  expect_kept(client, item);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(restart_e2e)

BOOST_AUTO_TEST_CASE(a_clean_stop_keeps_everything) {
  DemoServer demo;
  expect_a_clean_stop_keeps_everything(demo);
}

// The polling loop serves, stops on SIGTERM like the sleeping one, and keeps what it answered.
BOOST_AUTO_TEST_CASE(a_busy_polling_server_serves_and_stops_cleanly) {
  DemoServer demo({"--busy-poll-us", "200"});
  expect_a_clean_stop_keeps_everything(demo);
}

BOOST_AUTO_TEST_CASE(kill_9_keeps_every_acknowledged_write) {
  DemoServer demo;
  std::string item;
  {
    auto client = demo.client();
    item = write_some(client);
  }
  demo.server->kill();
  demo.restart();
  auto client = demo.client();
  expect_kept(client, item);
}

BOOST_AUTO_TEST_CASE(kill_9_under_power_durability) {
  DemoServer demo({"--durability", "power"});
  std::string item;
  {
    auto client = demo.client();
    item = write_some(client);
  }
  demo.server->kill();
  demo.restart({"--durability", "power"});
  BOOST_TEST(demo.server->log().find("durability power") != std::string::npos);
  auto client = demo.client();
  expect_kept(client, item);
}

BOOST_AUTO_TEST_CASE(demo_on_an_existing_directory_loads_nothing_new) {
  DemoServer demo;
  {
    auto client = demo.client();
    BOOST_REQUIRE(client
                      .request("DELETE", "/api/now/table/interaction/" + kInteraction, {},
                               {{"Authorization", admin()}})
                      .status == 204u);
  }
  BOOST_TEST(demo.server->terminate() == 0);
  demo.restart({"--demo"});
  BOOST_TEST(demo.server->log().find("demo data not loaded") != std::string::npos);
  auto client = demo.client();
  BOOST_TEST(client.get("/api/now/table/interaction/" + kInteraction, admin()).status == 404u);
}

BOOST_AUTO_TEST_SUITE_END()
