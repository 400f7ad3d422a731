// Transfers and consults over HTTP, in JSON and in XML, and hostile XML against the real binary.
#include <boost/test/unit_test.hpp>

#include <random>

#include "tests/e2e/e2e_fixture.hpp"

using namespace awa::testing;

namespace {

const std::string kBob = "1d584509c323120095ccd02422d3ae5c";
const std::string kCarol = "2d584509c323120095ccd02422d3ae5d";
const std::map<std::string, std::string> kXml = {{"Content-Type", "application/xml"},
                                                 {"Accept", "application/xml"}};

std::map<std::string, std::string> with_auth(std::map<std::string, std::string> headers,
                                             const std::string& auth) {
  headers["Authorization"] = auth;
  return headers;
}

struct TransferServer : DemoServer {
  TransferServer() : client(server->port()) {}

  // Offers the interaction to Alice and accepts it; returns the work item.
  std::string accepted_by_alice() {
    const auto offered = client.post(
        kOfferPath,
        R"({"queue_id": ")" + kQueue + R"(", "assignment": {"agent_sys_id": ")" + kAgent + R"("}})",
        integration());
    BOOST_REQUIRE(offered.status == 200u);
    const std::string id(json_of(offered).at("result").at("work_item").at("sys_id").as_string());
    accept(kAgent, id);
    return id;
  }
  void accept(const std::string& agent, const std::string& id) {
    BOOST_REQUIRE(client
                      .post("/api/now/awa/inbox/actions/accept",
                            R"({"agent_id": ")" + agent + R"(", "work_item_id": ")" + id + R"("})",
                            integration())
                      .status == 200u);
  }
  Reply transfer(const std::string& target_type, const std::string& target,
                 const std::string& type) {
    return client.post(kOfferPath,
                       R"({"transfer": {"source_queue_id": ")" + kQueue + R"(", "target_type": ")" +
                           target_type + R"(", "target_id": ")" + target +
                           R"(", "transfer_type": ")" + type + R"("}})",
                       integration());
  }
  std::string consult_to_bob() {
    const auto reply = transfer("agent", kBob, "consult");
    BOOST_REQUIRE_MESSAGE(reply.status == 200u, reply.body);
    return std::string(json_of(reply).at("result").at("work_item").at("sys_id").as_string());
  }
  Reply end_consult(const std::string& hand_over) {
    return client.request(
        "PUT", "/api/now/awa/consult/end",
        R"({"document_sys_id": ")" + kInteraction + R"(", "hand_over": )" + hand_over + "}",
        {{"Authorization", integration()}, {"Content-Type", "application/json"}});
  }
  std::string field(const std::string& id, const std::string& name) {
    const auto reply = client.get("/api/now/table/awa_work_item/" + id, admin());
    return std::string(json_of(reply).at("result").at(name).as_string());
  }

  HttpClient client;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(transfer_e2e)

BOOST_FIXTURE_TEST_CASE(a_blind_transfer_in_json, TransferServer) {
  const std::string first = accepted_by_alice();
  const auto refused = transfer("agent", kCarol, "blind");
  BOOST_TEST(refused.status == 409u);
  BOOST_TEST(
      refused.body ==
      R"({"result":{"success":false,"message":"Transfer failed - couldn't blind transfer to agent"}})");
  const auto moved = transfer("agent", kBob, "blind");
  BOOST_TEST(moved.status == 200u);
  BOOST_TEST(json_of(moved).at("result").at("message").as_string() ==
             "Transfer successfully requested.");
  const std::string to(json_of(moved).at("result").at("work_item").at("sys_id").as_string());
  BOOST_TEST(field(to, "assigned_to") == kBob);
  BOOST_TEST(field(to, "previous_work_item") == first);
  BOOST_TEST(field(first, "active") == "false");
}

BOOST_FIXTURE_TEST_CASE(a_transfer_to_a_queue_in_xml, TransferServer) {
  accepted_by_alice();
  const auto reply = client.request(
      "POST", kOfferPath,
      "<request><transfer><source_queue_id>" + kQueue +
          "</source_queue_id><target_type>queue</target_type><target_id>ccaas-billing</target_id>"
          "<transfer_type>blind</transfer_type></transfer></request>",
      with_auth(kXml, integration()));
  BOOST_TEST(reply.status == 200u);
  BOOST_TEST(reply.headers.at("content-type") == "application/xml");
  BOOST_TEST(reply.body.find("<message>Transfer successfully requested.</message>") !=
             std::string::npos);
  BOOST_TEST(reply.body.find("<queue>ccaas-billing</queue>") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(a_consult_ended_each_of_the_three_ways, TransferServer) {
  const std::string first = accepted_by_alice();

  // Before Bob accepted: cancelled.
  std::string consult = consult_to_bob();
  auto ended = end_consult("true");
  BOOST_TEST(ended.status == 200u);
  BOOST_TEST(ended.body == R"({"result":{"message":"Consult is successfully ended."}})");
  BOOST_TEST(field(consult, "consult_state") == "cancelled");

  // Accepted, no hand-over: ended; Alice keeps the document.
  consult = consult_to_bob();
  accept(kBob, consult);
  ended = end_consult("false");
  BOOST_TEST(ended.status == 200u);
  BOOST_TEST(field(consult, "consult_state") == "ended");
  BOOST_TEST(field(first, "active") == "true");

  // Accepted, hand-over, in XML: transferred; Bob keeps the document.
  consult = consult_to_bob();
  accept(kBob, consult);
  ended = client.request("PUT", "/api/now/v1/awa/consult/end",
                         "<request><document_sys_id>" + kInteraction +
                             "</document_sys_id><hand_over>true</hand_over></request>",
                         with_auth(kXml, integration()));
  BOOST_TEST(ended.status == 200u);
  BOOST_TEST(ended.body ==
             R"(<?xml version="1.0" encoding="UTF-8"?><response><result>)"
             R"(<message>Consult is successfully ended.</message></result></response>)");
  BOOST_TEST(field(consult, "consult_state") == "transferred");
  BOOST_TEST(field(consult, "active") == "true");
  BOOST_TEST(field(first, "active") == "false");

  // Nothing left to end.
  ended = end_consult("true");
  BOOST_TEST(ended.status == 404u);
  BOOST_TEST(json_of(ended).at("error").at("message").as_string() ==
             "Cannot find the work item for document ID: " + kInteraction);
}

BOOST_FIXTURE_TEST_CASE(hostile_xml_is_a_400_and_the_server_keeps_answering, TransferServer) {
  std::string deep = "<request>";
  for (int i = 0; i < 20000; ++i) deep += "<a>";
  for (int i = 0; i < 20000; ++i) deep += "</a>";
  deep += "</request>";
  const std::string laughs =
      R"(<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">)"
      R"(<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">)"
      R"(<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>)"
      R"(<request><queue_id>&lol3;</queue_id></request>)";
  const std::string huge =
      "<request><queue_id>" + std::string(1000 * 1000, 'q') + "</queue_id></request>";
  std::vector<std::string> bodies = {deep,        laughs, huge,
                                     "<request>", "<<<<", "<request><a></b></request>"};
  std::mt19937 random(3);
  for (int i = 0; i < 200; ++i) {
    std::string garbage = "<request>";
    for (int j = 0; j < 40; ++j) garbage += "<>/&;![]\"x"[random() % 10];
    bodies.push_back(garbage);
  }
  for (const auto& body : bodies) {
    const auto reply = client.request("POST", kOfferPath, body, with_auth(kXml, integration()));
    BOOST_REQUIRE_MESSAGE(reply.status == 400u, body.substr(0, 60));
  }
  BOOST_TEST(client.get("/api/now/table/awa_queue", admin()).status == 200u);
  BOOST_TEST(HttpClient(server->port()).get("/api/now/table/awa_queue", admin()).status == 200u);
}

BOOST_AUTO_TEST_SUITE_END()
