// The REST API through the Api class (no sockets): statuses, envelopes, routing of both URL
// forms, negotiation, and answers that wait for durability.
#include "server/api.hpp"

#include <sodium.h>

#include "domain/presence_states.hpp"
#include "domain/time_format.hpp"
#include "tests/server/api_fixture.hpp"

using namespace awa;
using namespace awa::server;
using namespace awa::testing;

BOOST_FIXTURE_TEST_SUITE(api, ApiFixture)

BOOST_AUTO_TEST_CASE(every_endpoint_needs_credentials) {
  for (const auto& [method, target] :
       std::vector<std::pair<std::string, std::string>>{{"POST", offer_path()},
                                                        {"GET", "/api/now/table/sys_user"},
                                                        {"GET", "/api/now/awa/agents/" + kAlice},
                                                        {"GET", "/no/such/path"}}) {
    for (const std::string& auth :
         {std::string{}, basic("admin:wrong"), basic("ghost:admin-pw"), std::string("Bearer x")}) {
      const auto r = call(method, target, "{}", auth);
      BOOST_TEST(r.status == 401u);
      BOOST_TEST(
          r.body ==
          R"({"error":{"message":"User Not Authenticated","detail":"Required to provide Auth information"},"status":"failure"})");
      BOOST_TEST(header(r, "WWW-Authenticate") == R"(Basic realm="awa-server")");
    }
  }
}

BOOST_AUTO_TEST_CASE(offer_work_answers_as_the_vendor_shows) {
  const auto r = as_integration("POST", offer_path(), offer_body());
  BOOST_TEST(r.status == 200u);
  const auto result = parse(r).at("result");
  BOOST_TEST(result.at("success").as_bool());
  BOOST_TEST(result.at("message").as_string() == "Manual assignment successfully requested.");
  BOOST_TEST(result.at("work_item").at("display_name").as_string() == "Interaction: IMS0000221");
  BOOST_TEST(result.at("work_item").at("queue").as_string() == kQueue);
  BOOST_TEST(result.at("work_item").at("sys_id").as_string().size() == 32u);
}

BOOST_AUTO_TEST_CASE(server_stats_are_for_admins) {
  BOOST_TEST(as_integration("POST", offer_path(), offer_body()).status == 200u);
  const auto refused = as_integration("GET", "/api/now/awa-server/stats");
  BOOST_TEST(refused.status == 403u);
  BOOST_TEST(parse(refused).at("error").at("message").as_string() == "User Not Authorized");
  const auto r = call("GET", "/api/now/awa-server/stats");
  BOOST_TEST(r.status == 200u);
  const auto result = parse(r).at("result");
  BOOST_TEST(result.at("timeouts").at("pending").as_int64() == 1);
  BOOST_TEST(result.at("timeouts").at("fired").as_int64() == 0);
  BOOST_TEST(result.at("records").as_int64() > 0);
  BOOST_TEST(result.at("commits").at("change_sets").as_int64() >= 1);
  BOOST_TEST(call("POST", "/api/now/awa-server/stats").status == 405u);

  BOOST_TEST(as_integration("GET", "/api/now/awa-server/check").status == 403u);
  const auto check = call("GET", "/api/now/awa-server/check");
  BOOST_TEST(check.status == 200u);
  BOOST_TEST(check.body == R"({"result":{"violations":[]}})");
}

BOOST_AUTO_TEST_CASE(offer_work_refusals_use_the_result_envelope_and_status) {
  struct Case {
    std::string auth, path, body;
    unsigned status;
    std::string message;
  };
  const std::string doc = "/api/now/awa/documents/interaction/";
  const std::vector<Case> cases = {
      {basic("alice.agent:demo"), offer_path(), offer_body(), 403,
       "Caller " + kAlice + " does not have the awa_manager or awa_integration_user role"},
      {basic("integration:demo"), doc + "0123456789abcdef0123456789abcdef/offer", offer_body(), 404,
       "Document interaction:0123456789abcdef0123456789abcdef not found"},
      {basic("integration:demo"), offer_path(), offer_body("3d584509c323120095ccd02422d3ae5e"), 409,
       "The user does not have the 'awa_external_user' role"},
      {basic("integration:demo"), offer_path(), R"({"queue_id": "x"})", 400,
       "Missing required field: assignment"},
      {basic("integration:demo"), offer_path(), R"({"queue_id": )", 400,
       "Request body is not valid JSON"},
      {basic("integration:demo"), offer_path(), R"({"queue_id": [1]})", 400,
       "Invalid value for field queue_id"},
      {basic("integration:demo"), offer_path(),
       R"({"queue_id": "q", "transfer": {"target_type": "agent"}})", 400,
       "Missing required field: transfer.source_queue_id"},
  };
  for (const auto& c : cases) {
    const auto r = call("POST", c.path, c.body, c.auth);
    BOOST_TEST(r.status == c.status, c.message);
    BOOST_TEST(r.body == R"({"result":{"success":false,"message":")" + c.message + R"("}})");
  }
  BOOST_TEST(log.size() == instance.record_count());  // nothing half-written
}

BOOST_AUTO_TEST_CASE(both_url_forms_and_known_versions) {
  BOOST_TEST(as_integration("POST", offer_path("v1/"), offer_body()).status == 200u);
  BOOST_TEST(as_integration("POST", offer_path("v2/"), offer_body()).status == 200u);  // re-offer
  const auto unknown = as_integration("POST", offer_path("v9/"), offer_body());
  BOOST_TEST(unknown.status == 400u);
  BOOST_TEST(parse(unknown).at("error").at("message").as_string() == "Invalid API version v9");
  BOOST_TEST(call("GET", "/api/now/v1/table/awa_queue").status == 200u);
  BOOST_TEST(call("GET", "/api/now/v2/awa/agents/" + kAlice).status == 200u);
}

BOOST_AUTO_TEST_CASE(unknown_paths_and_methods) {
  for (const std::string path : {"/", "/api/now", "/api/now/awa", "/api/now/table",
                                 "/api/now/awa/documents/interaction/x/offers",
                                 "/api/now/table/a/b/c", "/api/later/table/sys_user"}) {
    const auto r = call("GET", path);
    BOOST_TEST(r.status == 404u, path);
    BOOST_TEST(parse(r).at("error").at("message").as_string() ==
               "Requested URI does not represent any resource");
  }
  const auto r = call("GET", offer_path());
  BOOST_TEST(r.status == 405u);
  BOOST_TEST(header(r, "Allow") == "POST");
  // Every known path answers another method with 405 and the methods it takes, in both forms.
  const std::vector<std::tuple<std::string, std::string, std::string>> cases = {
      {"DELETE", "/api/now/table/sys_user", "GET, POST"},
      {"POST", "/api/now/v1/table/sys_user/" + kAlice, "GET, PUT, PATCH, DELETE"},
      {"POST", "/api/now/awa/agents/" + kAlice, "GET, PUT"},
      {"DELETE", "/api/now/v2/awa/agents/" + kAlice + "/capacities", "GET"},
      {"GET", "/api/now/awa/inbox/actions/accept", "POST"},
      {"POST", "/api/now/awa/inbox/actions/reject_reasons/x", "GET"},
      {"GET", "/api/now/awa/consult/end", "PUT"},
      {"PUT", "/api/now/awa/workitems/x/assignments", "POST"},
      {"DELETE", "/api/now/awa-server/check", "GET"},
  };
  for (const auto& [method, path, allow] : cases) {
    const auto refused = call(method, path, "{}");
    BOOST_TEST(refused.status == 405u, method << " " << path);
    BOOST_TEST(header(refused, "Allow") == allow, method << " " << path);
    BOOST_TEST(parse(refused).at("error").at("detail").as_string() == "Allowed methods: " + allow);
  }
}

BOOST_AUTO_TEST_CASE(content_negotiation) {
  BOOST_TEST(call("POST", offer_path(), offer_body(), basic("integration:demo"),
                  "application/json; charset=utf-8", "application/json")
                 .status == 200u);
  BOOST_TEST(call("GET", "/api/now/table/awa_queue", {}, basic("admin:admin-pw"), {},
                  "text/html, */*;q=0.8")
                 .status == 200u);
  const auto html =
      call("GET", "/api/now/table/awa_queue", {}, basic("admin:admin-pw"), {}, "text/html");
  BOOST_TEST(html.status == 406u);
  const auto text_body =
      call("POST", offer_path(), "queue_id=x", basic("integration:demo"), "text/plain");
  BOOST_TEST(text_body.status == 415u);
  BOOST_TEST(call("PATCH", "/api/now/table/awa_queue/" + kQueue, "name=x", basic("admin:admin-pw"),
                  "application/x-www-form-urlencoded")
                 .status == 415u);
}

BOOST_AUTO_TEST_CASE(xml_in_and_out_on_every_kind_of_answer) {
  const std::string xml = "application/xml";
  auto r = call("POST", offer_path(),
                "<request><queue_id>" + kQueue + "</queue_id><assignment><agent_sys_id>" + kAlice +
                    "</agent_sys_id><timeout>30</timeout></assignment></request>",
                basic("integration:demo"), xml, xml);
  BOOST_TEST(r.status == 200u);
  BOOST_TEST(r.content_type == "application/xml");
  BOOST_TEST(
      r.body.rfind(R"(<?xml version="1.0" encoding="UTF-8"?><response><result><message>)"
                   R"(Manual assignment successfully requested.</message><success>true</success>)",
                   0) == 0u);
  r = call("POST", offer_path(), "<request><queue_id>", basic("integration:demo"), xml, xml);
  BOOST_TEST(r.status == 400u);
  BOOST_TEST(
      r.body ==
      R"(<?xml version="1.0" encoding="UTF-8"?><response><result><message>)"
      R"(Request body is not valid XML</message><success>false</success></result></response>)");
  r = call("GET", "/api/now/table/incident", {}, basic("admin:admin-pw"), {}, xml);
  BOOST_TEST(r.status == 400u);
  BOOST_TEST(
      r.body ==
      R"(<?xml version="1.0" encoding="UTF-8"?><response><error><detail></detail>)"
      R"(<message>Invalid table incident</message></error><status>failure</status></response>)");
  r = call("GET", "/api/now/table/sys_user", {}, "", {}, xml);
  BOOST_TEST(r.status == 401u);
  BOOST_TEST(r.content_type == "application/xml");
  r = call("POST", "/api/now/table/awa_queue",
           "<request><name>XML queue</name><active>false</active></request>",
           basic("admin:admin-pw"), xml, "application/json");
  BOOST_TEST(r.status == 201u);
  BOOST_TEST(parse(r).at("result").at("active").as_string() == "false");
  r = call("GET", "/api/now/table/awa_presence_state?sysparm_fields=name", {},
           basic("admin:admin-pw"), {}, xml);
  BOOST_TEST(r.body == R"(<?xml version="1.0" encoding="UTF-8"?><response><result>)"
                       R"(<entry><name>Available</name></entry><entry><name>Away</name></entry>)"
                       R"(<entry><name>Offline</name></entry></result></response>)");
}

BOOST_AUTO_TEST_CASE(table_api_round_trip) {
  auto created = call("POST", "/api/now/table/awa_queue",
                      R"({"name": "Sales", "external_id": "sales", "active": "yes"})");
  BOOST_TEST(created.status == 201u);
  const std::string id(parse(created).at("result").at("sys_id").as_string());
  BOOST_TEST(parse(created).at("result").at("active").as_string() == "true");

  auto listed = call("GET",
                     "/api/now/table/awa_queue?sysparm_query=external_id%3Dsales"
                     "&sysparm_fields=sys_id,name");
  BOOST_TEST(listed.status == 200u);
  BOOST_TEST(listed.body == R"({"result":[{"sys_id":")" + id + R"(","name":"Sales"}]})");

  BOOST_TEST(call("PATCH", "/api/now/table/awa_queue/" + id, R"({"name": "Sales EU"})").status ==
             200u);
  BOOST_TEST(call("PUT", "/api/now/table/awa_queue/" + id, R"({"active": false})").status == 200u);
  auto got = call("GET", "/api/now/table/awa_queue/" + id);
  BOOST_TEST(parse(got).at("result").at("name").as_string() == "Sales EU");
  BOOST_TEST(parse(got).at("result").at("active").as_string() == "false");

  auto deleted = call("DELETE", "/api/now/table/awa_queue/" + id);
  BOOST_TEST(deleted.status == 204u);
  BOOST_TEST(deleted.body.empty());
  auto gone = call("GET", "/api/now/table/awa_queue/" + id);
  BOOST_TEST(gone.status == 404u);
  BOOST_TEST(gone.body ==
             R"({"error":{"message":"No Record found","detail":null},"status":"failure"})");
}

BOOST_AUTO_TEST_CASE(table_api_refusals) {
  BOOST_TEST(call("GET", "/api/now/table/incident").status == 400u);
  BOOST_TEST(parse(call("GET", "/api/now/table/incident")).at("error").at("message").as_string() ==
             "Invalid table incident");
  BOOST_TEST(as_integration("POST", "/api/now/table/awa_queue", "{}").status == 403u);
  BOOST_TEST(call("GET", "/api/now/table/sys_user", {}, basic("alice.agent:demo")).status == 403u);
  const auto read_only = call("POST", "/api/now/table/awa_work_item", "{}");
  BOOST_TEST(read_only.status == 405u);
  BOOST_TEST(header(read_only, "Allow") == "GET");
  BOOST_TEST(call("POST", "/api/now/table/awa_queue", R"({"name": {"x": 1}})").status == 400u);
  BOOST_TEST(call("POST", "/api/now/table/awa_queue", "not json").status == 400u);
  BOOST_TEST(call("GET", "/api/now/table/sys_user?sysparm_limit=ten").status == 400u);
}

BOOST_AUTO_TEST_CASE(passwords_never_leave_the_server) {
  const auto created =
      call("POST", "/api/now/table/sys_user",
           R"({"user_name": "grace", "password": "Secr3t!", "roles": "awa_manager"})");
  BOOST_TEST(created.status == 201u);
  for (const auto& r : {created, call("GET", "/api/now/table/sys_user"),
                        call("GET", "/api/now/table/sys_user?sysparm_fields=password,user_name")}) {
    BOOST_TEST(r.body.find("Secr3t") == std::string::npos);
    BOOST_TEST(r.body.find("argon2") == std::string::npos);
    BOOST_TEST(r.body.find("password") == std::string::npos);
  }
  // The new user can sign in with it.
  BOOST_TEST(call("GET", "/api/now/table/awa_queue", {}, basic("grace:Secr3t!")).status == 200u);
}

BOOST_AUTO_TEST_CASE(agent_presence_over_http) {
  const std::string path = "/api/now/awa/agents/" + kAlice;
  auto r = as_integration(
      "PUT", path,
      R"({"presence": {"sys_id": ")" + std::string(domain::presence_states::away) + R"("}})");
  BOOST_TEST(r.status == 200u);
  BOOST_TEST(parse(r).at("result").at("presence").at("name").as_string() == "Away");
  BOOST_TEST(!parse(r).at("result").at("presence").at("available").as_bool());
  r = as_integration("GET", path);
  BOOST_TEST(parse(r).at("result").at("presence").at("sys_id").as_string() ==
             domain::presence_states::away);
  // Away agents get no offers.
  BOOST_TEST(as_integration("POST", offer_path(), offer_body()).status == 409u);

  r = as_integration("GET", "/api/now/awa/agents/0123456789abcdef0123456789abcdef");
  BOOST_TEST(r.status == 404u);
  BOOST_TEST(parse(r).at("error").at("message").as_string() == "Record Not Found");
  BOOST_TEST(call("GET", path, {}, basic("manager:demo")).status == 403u);
  BOOST_TEST(as_integration("PUT", path, R"({"presence": {}})").status == 400u);
}

BOOST_AUTO_TEST_CASE(a_change_that_cannot_be_saved_is_a_503_and_is_not_kept) {
  const auto healthy = call("GET", "/healthz", {}, "");  // no credentials needed
  BOOST_TEST(healthy.status == 200u);
  BOOST_TEST(healthy.body == R"({"status":"ok"})");

  log.fail_writes = true;
  const auto r = as_integration("POST", offer_path(), offer_body());
  BOOST_TEST(r.status == 503u);
  BOOST_TEST(header(r, "Retry-After") == "1");
  BOOST_TEST(parse(r).at("result").at("success").as_bool() == false);
  const auto created = call("POST", "/api/now/table/awa_queue", R"({"name": "Lost"})");
  BOOST_TEST(created.status == 503u);
  BOOST_TEST(header(created, "Retry-After") == "1");
  BOOST_TEST(parse(created).at("error").at("message").as_string() == "Service Unavailable");
  // Reads are still served, and the health check says why writes are not.
  BOOST_TEST(call("GET", "/api/now/table/awa_queue").status == 200u);
  const auto sick = call("GET", "/healthz", {}, "");
  BOOST_TEST(sick.status == 503u);
  BOOST_TEST(header(sick, "Retry-After") == "1");
  BOOST_TEST(parse(sick).at("status").as_string() == "unavailable");
  BOOST_TEST(std::string(parse(sick).at("reason").as_string()).find("No space left on device") !=
             std::string::npos);
  BOOST_TEST(call("POST", "/healthz", {}, "").status == 405u);

  log.fail_writes = false;
  BOOST_TEST(call("POST", "/api/now/table/awa_queue", R"({"name": "Kept"})").status == 201u);
  BOOST_TEST(call("GET", "/healthz", {}, "").status == 200u);
  const auto items = call("GET", "/api/now/table/awa_work_item");
  BOOST_TEST(items.body == R"({"result":[]})");
  const auto queues = call("GET", "/api/now/table/awa_queue?sysparm_query=name%3DLost");
  BOOST_TEST(call("GET", "/api/now/table/awa_queue?sysparm_query=name%3DKept").body.size() > 20u);
  BOOST_TEST(queues.body == R"({"result":[]})");
}

BOOST_AUTO_TEST_CASE(inbox_actions_over_http) {
  const auto offered = as_integration("POST", offer_path(), offer_body());
  const std::string item(parse(offered).at("result").at("work_item").at("sys_id").as_string());
  const std::string accept_body =
      R"({"agent_id": ")" + kAlice + R"(", "work_item_id": ")" + item + R"("})";

  auto r = call("POST", "/api/now/awa/inbox/actions/accept", R"({"work_item_id": "x"})",
                basic("integration:demo"));
  BOOST_TEST(r.status == 400u);
  BOOST_TEST(
      r.body ==
      R"({"error":{"message":"Bad Request","detail":"Missing agent ID"},"status":"failure"})");
  r = call("POST", "/api/now/awa/inbox/actions/accept", accept_body, basic("bob.agent:demo"));
  BOOST_TEST(r.status == 403u);
  r = call("POST", "/api/now/awa/inbox/actions/accept", accept_body, basic("alice.agent:demo"));
  BOOST_TEST(r.status == 200u);
  BOOST_TEST(r.body == R"({"result":{"documentSysId":")" + kInteraction +
                           R"(","documentTable":"interaction"}})");
  r = call("POST", "/api/now/v1/awa/inbox/actions/reject",
           R"({"agent_id": ")" + kAlice + R"(", "work_item_id": ")" + item +
               R"(", "reject_reason_id": "b2f8942787851210be070d48dabb35fd"})",
           basic("integration:demo"));
  BOOST_TEST(r.status == 400u);
  BOOST_TEST(parse(r).at("error").at("detail").as_string() ==
             "Work item is not in pending accept state");
  BOOST_TEST(call("GET", "/api/now/awa/inbox/actions/accept").status == 405u);

  r = call("GET", "/api/now/awa/inbox/actions/reject_reasons/27f675e3739713004a905ee515f6a7c3", {},
           basic("alice.agent:demo"));
  BOOST_TEST(r.status == 200u);
  BOOST_TEST(
      r.body ==
      R"({"result":[{"order":"100","value":"busy","display_value":"Busy with another customer","sys_id":"b2f8942787851210be070d48dabb35fd"},)"
      R"({"order":"200","value":"skill","display_value":"Not my area of expertise","sys_id":"c2f8942787851210be070d48dabb35fe"}]})");
}

BOOST_AUTO_TEST_CASE(agent_states_capacities_and_manual_assignment_over_http) {
  auto r = as_integration("GET", "/api/now/awa/agents/" + kAlice + "/presence_states");
  BOOST_TEST(r.status == 200u);
  BOOST_TEST(parse(r).at("result").as_array().size() == 3u);
  BOOST_TEST(parse(r).at("result").at(0).at("name").as_string() == "Available");
  BOOST_TEST(parse(r).at("result").at(1).at("order").as_int64() == 1000);

  const auto offered = as_integration("POST", offer_path(), offer_body());
  const std::string item(parse(offered).at("result").at("work_item").at("sys_id").as_string());
  r = as_integration("GET", "/api/now/v2/awa/agents/" + kAlice + "/capacities");
  BOOST_TEST(r.status == 200u);
  BOOST_TEST(parse(r).at("result").at("universal_workload").as_int64() == 1);
  BOOST_TEST(parse(r).at("result").at("universal_capacity").as_int64() == 10);

  // Manual assignment needs an unassigned item: reject first, then assign to Bob.
  BOOST_TEST(as_integration("POST", "/api/now/awa/inbox/actions/reject",
                            R"({"agent_id": ")" + kAlice + R"(", "work_item_id": ")" + item +
                                R"(", "reject_reason_id": "b2f8942787851210be070d48dabb35fd"})")
                 .status == 200u);
  r = as_integration("POST", "/api/now/awa/workitems/" + item + "/assignments",
                     R"({"agent_sys_id": "1d584509c323120095ccd02422d3ae5c", "timeout": 60})");
  BOOST_TEST(r.status == 200u);
  BOOST_TEST(parse(r).at("result").at("message").as_string() ==
             "Manual assignment successfully requested.");
  r = as_integration("POST", "/api/now/awa/workitems/" + item + "/assignments",
                     R"({"agent_sys_id": "1d584509c323120095ccd02422d3ae5c"})");
  BOOST_TEST(r.status == 409u);
  BOOST_TEST(r.body == R"({"result":{"success":false,"message":"Work item )" + item +
                           R"( cannot be assigned"}})");
}

BOOST_AUTO_TEST_SUITE_END()
