// The real binary over HTTP on loopback: the vendor's example, keep-alive, start-up options.
#include <boost/test/unit_test.hpp>

#include "tests/e2e/e2e_fixture.hpp"

using namespace awa::testing;

BOOST_AUTO_TEST_SUITE(offer_e2e)

BOOST_AUTO_TEST_CASE(the_vendors_curl_example_answers_as_documented) {
  DemoServer demo;
  auto client = demo.client();
  const auto reply = client.request("POST", kOfferPath, vendor_example_body(),
                                    {{"Authorization", integration()},
                                     {"Accept", "application/json"},
                                     {"Content-Type", "application/json"}});
  BOOST_TEST(reply.status == 200u);
  BOOST_TEST(reply.headers.at("content-type") == "application/json");
  const auto result = json_of(reply).at("result");
  const auto& item = result.at("work_item");
  BOOST_TEST(item.at("display_name").as_string() == "Interaction: IMS0000221");
  BOOST_TEST(item.at("document_id").as_string() == kInteraction);
  BOOST_TEST(item.at("document_table").as_string() == "interaction");
  BOOST_TEST(item.at("queue").as_string() == kQueue);
  BOOST_TEST(result.at("success").as_bool());
  BOOST_TEST(result.at("message").as_string() == "Manual assignment successfully requested.");
  BOOST_TEST(result.as_object().size() == 3u);
  BOOST_TEST(item.as_object().size() == 5u);

  // "You can verify the result in the Assigned to field of the Work Item record."
  const std::string sys_id(item.at("sys_id").as_string());
  const auto record = client.get("/api/now/table/awa_work_item/" + sys_id, admin());
  BOOST_TEST(record.status == 200u);
  BOOST_TEST(json_of(record).at("result").at("assigned_to").as_string() == kAgent);
  BOOST_TEST(json_of(record).at("result").at("state").as_string() == "pending_accept");
}

BOOST_AUTO_TEST_CASE(one_connection_serves_many_requests) {
  DemoServer demo;
  auto client = demo.client();
  for (int i = 0; i < 50; ++i) {
    const auto reply = client.get("/api/now/table/awa_presence_state", admin());
    BOOST_REQUIRE(reply.status == 200u);
    BOOST_TEST(json_of(reply).at("result").as_array().size() == 3u);
  }
}

BOOST_AUTO_TEST_CASE(errors_over_http) {
  DemoServer demo;
  auto client = demo.client();
  auto reply = client.get("/api/now/table/sys_user", "");
  BOOST_TEST(reply.status == 401u);
  BOOST_TEST(reply.headers.at("www-authenticate") == R"(Basic realm="awa-server")");
  reply = client.get("/nothing/here", admin());
  BOOST_TEST(reply.status == 404u);
  reply = client.request("GET", kOfferPath, {}, {{"Authorization", integration()}});
  BOOST_TEST(reply.status == 405u);
  BOOST_TEST(reply.headers.at("allow") == "POST");
  reply = client.request("POST", kOfferPath, "<request/>",
                         {{"Authorization", integration()}, {"Content-Type", "text/plain"}});
  BOOST_TEST(reply.status == 415u);
  reply = client.post(kOfferPath, "{not json", integration());
  BOOST_TEST(reply.status == 400u);
  BOOST_TEST(reply.body ==
             R"({"result":{"success":false,"message":"Request body is not valid JSON"}})");
}

BOOST_AUTO_TEST_CASE(admin_password_from_the_environment) {
  TempDir dir;
  ServerProcess server({"--data-dir", dir.path().string()}, {{"AWA_ADMIN_PASSWORD", "from-env"}});
  HttpClient client(server.port());
  BOOST_TEST(client.get("/api/now/table/sys_user", basic_auth("admin", "from-env")).status == 200u);
  BOOST_TEST(client.get("/api/now/table/sys_user", basic_auth("admin", "admin")).status == 401u);
  BOOST_TEST(server.log().find("from-env") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_generated_admin_password_is_printed_once) {
  TempDir dir;
  std::string password;
  {
    ServerProcess server({"--data-dir", dir.path().string()});
    const std::string log = server.log();
    const std::string marker = "(shown only now): ";
    const auto at = log.find(marker);
    BOOST_REQUIRE(at != std::string::npos);
    password = log.substr(at + marker.size(), 20);
    HttpClient client(server.port());
    BOOST_TEST(client.get("/api/now/table/sys_user", basic_auth("admin", password)).status == 200u);
    BOOST_TEST(server.terminate() == 0);
  }
  ServerProcess again({"--data-dir", dir.path().string()});
  BOOST_TEST(again.log().find("shown only now") == std::string::npos);
  HttpClient client(again.port());
  BOOST_TEST(client.get("/api/now/table/sys_user", basic_auth("admin", password)).status == 200u);
}

BOOST_AUTO_TEST_CASE(help_and_bad_flags) {
  ServerProcess help({"--help"}, {}, false);
  BOOST_TEST(help.wait_exit() == 0);
  BOOST_TEST(help.log().find("--durability") != std::string::npos);
  ServerProcess bad({"--durability", "sometimes"}, {}, false);
  BOOST_TEST(bad.wait_exit() == 2);
  BOOST_TEST(bad.log().find("--durability must be process or power") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
