// Who may do what: every endpoint against every kind of caller (no credentials, a wrong
// password, an agent, the integration user, a manager, admin), each cell on a fresh instance so
// one cell's change cannot decide another's answer. Also: an unknown user costs the same password
// check as a wrong password, and no secret is ever sent back.
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <future>

#include "domain/instance.hpp"
#include "domain/presence_states.hpp"
#include "server/api.hpp"
#include "server/basic_auth.hpp"
#include "tests/domain/fixture.hpp"
#include "tests/support/basic_header.hpp"
#include "tests/support/memory_log.hpp"
#include "tests/support/temp_dir.hpp"

using namespace awa;
using namespace awa::server;
namespace demo = awa::testing::demo;

namespace {

using CountingHasher = testing::CountingHasher<testing::PlainHasher>;

struct Cell {
  std::string method;
  std::string target;
  std::string body;
};

// A fresh demo instance with one offer pending for alice (so accept and reject have work).
struct World {
  World() : snapshots(instance, snapshot_dir.path() / "snapshots", 3) {
    BOOST_REQUIRE(!instance.initialize({"admin-pw", true}));
    const auto offered = call({"POST", offer_path(), offer_body()}, "integration:demo");
    BOOST_REQUIRE(offered.status == 200u);
    work_item = std::string(
        boost::json::parse(offered.body).at("result").at("work_item").at("sys_id").as_string());
  }

  HttpResponse call(const Cell& cell, const std::string& credentials) {
    HttpRequest request{cell.method,
                        cell.target,
                        credentials.empty() ? "" : testing::basic_header(credentials),
                        cell.body.empty() ? "" : "application/json",
                        {},
                        cell.body};
    std::promise<HttpResponse> answered;
    api.handle(std::move(request), [&](HttpResponse r) { answered.set_value(std::move(r)); });
    return answered.get_future().get();
  }

  static std::string offer_path() {
    return "/api/now/awa/documents/interaction/" + demo::interaction + "/offer";
  }
  static std::string offer_body() {
    return R"({"queue_id": ")" + demo::queue + R"(", "assignment": {"agent_sys_id": ")" +
           demo::alice + R"(", "timeout": 30}})";
  }

  domain::SystemClock clock;
  testing::MemoryLog log;
  CountingHasher hasher;
  domain::Instance instance{clock, log, hasher, false};
  Authenticator authenticator{instance, hasher};
  testing::TempDir snapshot_dir;
  Snapshots snapshots;
  // Many failed sign-ins from one peer: the limits are tested on their own.
  Api api{instance, authenticator, Api::run_here, &snapshots, ApiOptions{{1e6, 1e6}}};
  std::string work_item;
};

const std::vector<std::string> kCallers = {
    "", "admin:wrong", "alice.agent:demo", "integration:demo", "manager:demo", "admin:admin-pw"};

// One row: a request (built once the world exists) and the expected status per caller, in
// kCallers' order.
struct Row {
  std::string name;
  std::function<Cell(const World&)> request;
  std::array<unsigned, 6> expected;
};

std::vector<Row> rows() {
  const std::string chat(domain::presence_states::chat_channel);
  const std::string away(domain::presence_states::away);
  const std::string agent_path = "/api/now/awa/agents/" + demo::alice;
  const std::string queue_path = "/api/now/table/awa_queue/" + demo::queue;
  // none, wrong password, agent, integration, manager, admin
  return {
      {"offer work",
       [](const World&) {
         return Cell{"POST", World::offer_path(), World::offer_body()};
       },
       {401, 401, 403, 200, 200, 200}},
      {"manual assignment (unknown work item: past the role check, not found)",
       [](const World&) {
         return Cell{"POST", "/api/now/awa/workitems/0123456789abcdef0123456789abcdef/assignments",
                     R"({"agent_sys_id": ")" + demo::alice + R"("})"};
       },
       {401, 401, 403, 404, 404, 404}},
      {"accept (the agent's own item)",
       [](const World& w) {
         return Cell{
             "POST", "/api/now/awa/inbox/actions/accept",
             R"({"agent_id": ")" + demo::alice + R"(", "work_item_id": ")" + w.work_item + R"("})"};
       },
       {401, 401, 200, 200, 403, 200}},
      {"reject (the agent's own item)",
       [](const World& w) {
         return Cell{"POST", "/api/now/awa/inbox/actions/reject",
                     R"({"agent_id": ")" + demo::alice + R"(", "work_item_id": ")" + w.work_item +
                         R"(", "reject_reason_id": ")" + demo::reject_reason + R"("})"};
       },
       {401, 401, 200, 200, 403, 200}},
      {"reject reasons",
       [chat](const World&) {
         return Cell{"GET", "/api/now/awa/inbox/actions/reject_reasons/" + chat, ""};
       },
       {401, 401, 200, 200, 403, 200}},
      {"end consult (none open: past the role check, not found)",
       [](const World&) {
         return Cell{"PUT", "/api/now/awa/consult/end",
                     R"({"document_sys_id": ")" + demo::interaction2 + R"(", "hand_over": true})"};
       },
       {401, 401, 403, 404, 404, 404}},
      {"agent presence",
       [agent_path](const World&) {
         return Cell{"GET", agent_path, ""};
       },
       {401, 401, 403, 200, 403, 200}},
      {"set agent presence",
       [agent_path, away](const World&) {
         return Cell{"PUT", agent_path, R"({"presence": {"sys_id": ")" + away + R"("}})"};
       },
       {401, 401, 403, 200, 403, 200}},
      {"presence states",
       [agent_path](const World&) {
         return Cell{"GET", agent_path + "/presence_states", ""};
       },
       {401, 401, 403, 200, 403, 200}},
      {"capacities",
       [agent_path](const World&) {
         return Cell{"GET", agent_path + "/capacities", ""};
       },
       {401, 401, 403, 200, 403, 200}},
      {"table list",
       [](const World&) {
         return Cell{"GET", "/api/now/table/awa_queue", ""};
       },
       {401, 401, 403, 200, 200, 200}},
      {"table read",
       [queue_path](const World&) {
         return Cell{"GET", queue_path, ""};
       },
       {401, 401, 403, 200, 200, 200}},
      {"table create",
       [](const World&) {
         return Cell{"POST", "/api/now/table/awa_queue", R"({"name": "n"})"};
       },
       {401, 401, 403, 403, 403, 201}},
      {"table patch",
       [queue_path](const World&) {
         return Cell{"PATCH", queue_path, R"({"name": "n"})"};
       },
       {401, 401, 403, 403, 403, 200}},
      {"table put",
       [queue_path](const World&) {
         return Cell{"PUT", queue_path, R"({"name": "n"})"};
       },
       {401, 401, 403, 403, 403, 200}},
      {"table delete",
       [queue_path](const World&) {
         return Cell{"DELETE", queue_path, ""};
       },
       {401, 401, 403, 403, 403, 204}},
      {"server stats",
       [](const World&) {
         return Cell{"GET", "/api/now/awa-server/stats", ""};
       },
       {401, 401, 403, 403, 403, 200}},
      {"invariant check",
       [](const World&) {
         return Cell{"GET", "/api/now/awa-server/check", ""};
       },
       {401, 401, 403, 403, 403, 200}},
      {"snapshot",
       [](const World&) {
         return Cell{"POST", "/api/now/awa-server/snapshots", ""};
       },
       {401, 401, 403, 403, 403, 201}},
      {"snapshot list",
       [](const World&) {
         return Cell{"GET", "/api/now/awa-server/snapshots", ""};
       },
       {401, 401, 403, 403, 403, 200}},
      {"health (open to all)",
       [](const World&) {
         return Cell{"GET", "/healthz", ""};
       },
       {200, 200, 200, 200, 200, 200}},
  };
}

}  // namespace

BOOST_AUTO_TEST_SUITE(access_matrix)

BOOST_AUTO_TEST_CASE(every_endpoint_against_every_caller) {
  for (const auto& row : rows()) {
    for (std::size_t c = 0; c < kCallers.size(); ++c) {
      World world;
      const auto r = world.call(row.request(world), kCallers[c]);
      BOOST_TEST(r.status == row.expected[c],
                 row.name << " as " << (kCallers[c].empty() ? "nobody" : kCallers[c]) << ": "
                          << r.status << " " << r.body);
      // No answer ever carries a secret.
      BOOST_TEST(r.body.find("plain$") == std::string::npos);
      BOOST_TEST(r.body.find("admin-pw") == std::string::npos);
      if (!kCallers[c].empty()) {
        const auto sent = testing::basic_header(kCallers[c]).substr(6);  // after "Basic "
        BOOST_TEST(r.body.find(sent) == std::string::npos);
        for (const auto& [name, value] : r.headers) {
          BOOST_TEST(value.find(sent) == std::string::npos, name << " echoes the credentials");
        }
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(an_unknown_user_costs_the_same_password_check_as_a_wrong_password) {
  World world;
  const Cell read{"GET", "/api/now/table/awa_queue", ""};
  const int before = world.hasher.verifications;
  BOOST_TEST(world.call(read, "nobody-by-this-name:guess").status == 401u);
  const int for_unknown = world.hasher.verifications - before;
  BOOST_TEST(world.call(read, "integration:guess").status == 401u);
  const int for_wrong = world.hasher.verifications - before - for_unknown;
  BOOST_TEST(for_unknown == 1);
  BOOST_TEST(for_wrong == 1);
}

BOOST_AUTO_TEST_CASE(user_records_never_show_the_password_hash) {
  World world;
  const auto users = world.call({"GET", "/api/now/table/sys_user", ""}, "admin:admin-pw");
  BOOST_TEST(users.status == 200u);
  BOOST_TEST(users.body.find("plain$") == std::string::npos);
  BOOST_TEST(users.body.find("password") == std::string::npos);
  const auto created = world.call(
      {"POST", "/api/now/table/sys_user", R"({"user_name": "new", "password": "s3cret-value"})"},
      "admin:admin-pw");
  BOOST_TEST(created.status == 201u);
  BOOST_TEST(created.body.find("s3cret-value") == std::string::npos);
  BOOST_TEST(created.body.find("password") == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
