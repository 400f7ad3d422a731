// The crash loop: clients drive a mixed load against the real binary and remember every change
// the server acknowledged (2xx); the server is killed with SIGKILL at a random moment, restarted,
// and checked: every acknowledged change is there (the one request in flight per client may or
// may not have landed), nothing breaks the contract (the server's own invariant check, which
// includes "every pending countdown has a timer"), and, once quiet, what the server serves equals
// what RocksDB alone holds after another SIGKILL; and the event log holds exactly one event per
// acknowledged change that makes one (numbered 1, 2, 3... without a gap), plus one for each
// request in flight that turned out to have landed.
// CI runs 30 cycles; `e2e_tests --run_test=crash_loop -- --cycles 2000` runs more.
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <thread>

#include "domain/presence_states.hpp"
#include "persistence/rocksdb_log.hpp"
#include "tests/e2e/e2e_fixture.hpp"

using namespace awa;
using namespace awa::testing;
namespace bj = boost::json;
namespace ps = domain::presence_states;

namespace {

int cycles_from_command_line() {
  const auto& suite = boost::unit_test::framework::master_test_suite();
  for (int i = 1; i + 1 < suite.argc; ++i) {
    if (std::string(suite.argv[i]) == "--cycles") return std::stoi(suite.argv[i + 1]);
  }
  return 30;
}

// A document's active work item as the clients were told it is.
struct WorkItemState {
  std::string id;     // empty: no active work item
  std::string state;  // pending_accept, accepted, queued
  friend bool operator==(const WorkItemState&, const WorkItemState&) = default;
};

// What one client was told, and what its request in flight (if any) would have made.
struct ClientModel {
  std::string offer_agent;     // stays Available, takes the offers
  std::string presence_agent;  // toggles between Available and Away
  std::vector<std::string> documents;
  std::map<std::string, WorkItemState> items;  // document -> acknowledged state
  std::string presence = "Available";
  std::set<std::string> queues;  // names of acknowledged new queues
  // The request in flight when the server died.
  std::optional<std::string> maybe_queue;
  std::optional<std::string> maybe_presence;
  std::optional<std::pair<std::string, WorkItemState>> maybe_item;  // id empty: unknown yet
  std::vector<std::string> problems;  // unexpected answers (checked on the main thread)
  // Changes that make an event, acknowledged or found landed: every presence switch and every
  // step of a document (an offer, an accept, a transfer back to the queue) makes one.
  int events = 0;
};

std::string agent_body(const std::string_view presence) {
  return R"({"presence": {"sys_id": ")" + std::string(presence) + R"("}})";
}

class CrashLoop {
public:
  CrashLoop() {
    auto client = demo.client();
    for (int c = 0; c < kClients; ++c) {
      ClientModel model;
      model.offer_agent = create_agent(client, "crash-offer-" + std::to_string(c));
      model.presence_agent = create_agent(client, "crash-presence-" + std::to_string(c));
      for (int d = 0; d < kDocumentsPerClient; ++d) {
        const auto created = client.post("/api/now/table/interaction",
                                         R"({"short_description": "crash loop"})", admin());
        BOOST_REQUIRE(created.status == 201u);
        const std::string id(json_of(created).at("result").at("sys_id").as_string());
        model.documents.push_back(id);
        model.items[id] = {};
      }
      models.push_back(std::move(model));
    }
  }

  // Load until `kill_after` acknowledged changes, then SIGKILL.
  void run_and_kill(int cycle, int kill_after) {
    std::atomic<int> acks{0};
    std::atomic<bool> stop{false};
    std::mutex mutex;
    std::condition_variable enough;
    std::vector<std::thread> clients;
    for (int c = 0; c < kClients; ++c) {
      clients.emplace_back([&, c] {
        drive(models[c], cycle, c, stop, [&] {
          if (++acks >= kill_after) {
            std::lock_guard lock(mutex);
            enough.notify_all();
          }
        });
      });
    }
    {
      std::unique_lock lock(mutex);
      enough.wait_for(lock, std::chrono::seconds(60), [&] { return acks.load() >= kill_after; });
    }
    demo.server->kill();
    stop = true;
    for (auto& t : clients) t.join();
    for (const auto& m : models) {
      for (const auto& p : m.problems) BOOST_ERROR(p);
    }
  }

  // After a restart: the acknowledged state is there; in-flight requests resolved either way.
  void verify_and_adopt() {
    auto client = demo.client();
    std::set<std::string> queue_names;
    const auto queue_list = list_all(client, "awa_queue", admin());  // kept: the loop walks it
    for (const auto& q : queue_list) {
      queue_names.emplace(q.at("name").as_string());
    }
    for (auto& m : models) {
      for (const auto& name : m.queues) {
        BOOST_TEST_REQUIRE(queue_names.count(name) == 1u, "acknowledged queue " << name << " lost");
      }
      if (m.maybe_queue && queue_names.count(*m.maybe_queue)) m.queues.insert(*m.maybe_queue);

      const auto agent = client.get("/api/now/awa/agents/" + m.presence_agent, integration());
      const std::string presence(json_of(agent).at("result").at("presence").at("name").as_string());
      BOOST_TEST_REQUIRE((presence == m.presence || presence == m.maybe_presence),
                         "presence " << presence << ", acknowledged " << m.presence);
      if (presence != m.presence) ++m.events;  // the switch in flight landed
      m.presence = presence;

      for (const auto& document : m.documents) {
        const auto seen = observe(client, document);
        const auto& acked = m.items[document];
        const bool in_flight_here = m.maybe_item && m.maybe_item->first == document;
        bool matches = seen == acked;
        if (!matches && in_flight_here) {
          const auto& maybe = m.maybe_item->second;
          matches = seen.state == maybe.state && (maybe.id.empty() || seen.id == maybe.id);
        }
        BOOST_TEST_REQUIRE(matches, "document " << document << ": acknowledged " << acked.id << " "
                                                << acked.state << ", found " << seen.id << " "
                                                << seen.state);
        if (!(seen == acked)) ++m.events;  // the step in flight landed
        m.items[document] = seen;
      }
      m.maybe_queue.reset();
      m.maybe_presence.reset();
      m.maybe_item.reset();
    }
    const auto check = client.get("/api/now/awa-server/check", admin());
    BOOST_REQUIRE(check.status == 200u);
    BOOST_TEST(check.body == R"({"result":{"violations":[]}})");
  }

  // The event log: 1, 2, 3... with no gap, one per change that makes one, none more.
  void check_events() {
    auto client = demo.client();
    std::uint64_t expected = 1;
    for (std::uint64_t after = 0;;) {
      const auto page = client.get(
          "/api/now/awa-server/events?limit=10000&after=" + std::to_string(after), admin());
      BOOST_REQUIRE_MESSAGE(page.status == 200u, page.body);
      const auto body = json_of(page);
      const auto& events = body.at("result").as_array();
      for (const auto& event : events) {
        BOOST_TEST_REQUIRE(
            event.at("id").as_string() == std::to_string(expected),
            "event " << event.at("id").as_string() << " where " << expected << " was due");
        ++expected;
      }
      if (events.empty()) break;
      after = static_cast<std::uint64_t>(body.at("next").as_int64());
    }
    int changes = setup_events;
    for (const auto& m : models) changes += m.events;
    BOOST_TEST(expected - 1 == static_cast<std::uint64_t>(changes),
               expected - 1 << " events for " << changes << " changes that make one");
  }

  // Quiet: what the server serves now must be in RocksDB, even after a SIGKILL.
  void compare_with_rocksdb_alone() {
    std::map<std::string, std::string> served;  // table/sys_id -> digest
    {
      auto client = demo.client();
      for (const auto* table : {"sys_user", "awa_queue", "awa_presence_state", "awa_agent_presence",
                                "awa_reject_reason", "interaction", "task", "awa_work_item"}) {
        const auto rows = list_all(client, table, admin());
        for (const auto& r : rows) {
          served[std::string(table) + "/" + std::string(r.at("sys_id").as_string())] =
              digest_of(table, r.as_object());
        }
      }
    }
    demo.server->kill();
    std::map<std::string, std::string> stored;
    {
      persistence::RocksdbOptions options;
      options.directory = demo.dir.path();
      persistence::RocksdbLog log(options);
      BOOST_REQUIRE(!log.load(memory::ValueDictionary::fixed(), [&](domain::Record&& r) {
        const auto& spec = domain::spec_of(r.table);
        bj::object fields;
        for (std::size_t f = 0; f < spec.fields.size(); ++f) {
          fields[spec.fields[f].name] = std::string_view(r[f]);
        }
        stored[std::string(spec.name) + "/" + r.id.str()] = digest_of(spec.name, fields);
      }));
    }
    BOOST_TEST(served.size() == stored.size());
    for (const auto& [key, digest] : served) {
      const auto it = stored.find(key);
      BOOST_TEST_REQUIRE((it != stored.end()), key << " is served but not stored");
      BOOST_TEST_REQUIRE(it->second == digest,
                         key << ": served " << digest << ", stored " << it->second);
    }
  }

  void restart(int cycle) { demo.restart({"--durability", cycle % 2 ? "power" : "process"}); }

  static constexpr int kClients = 3;
  static constexpr int kDocumentsPerClient = 4;
  DemoServer demo;
  std::vector<ClientModel> models;
  int setup_events = 0;  // each agent created is made Available: a presence event

private:
  std::string create_agent(HttpClient& client, const std::string& name) {
    const auto created = client.post(
        "/api/now/table/sys_user",
        R"({"user_name": ")" + name + R"(", "roles": "awa_agent,awa_external_user"})", admin());
    BOOST_REQUIRE(created.status == 201u);
    const std::string id(json_of(created).at("result").at("sys_id").as_string());
    BOOST_REQUIRE(
        client
            .request("PUT", "/api/now/awa/agents/" + id, agent_body(ps::available),
                     {{"Authorization", integration()}, {"Content-Type", "application/json"}})
            .status == 200u);
    ++setup_events;
    return id;
  }

  // The fields that must agree between memory and RocksDB (every table's update time; the
  // fields the load changes).
  static std::string digest_of(std::string_view table, const bj::object& r) {
    std::string digest = std::string(r.at("sys_updated_on").as_string());
    const auto add = [&](const char* field) {
      digest += std::string("|") + field + "=" + std::string(r.at(field).as_string());
    };
    if (table == "awa_work_item") {
      for (const auto* f : {"state", "active", "assigned_to", "document_id", "offer_count"}) add(f);
    } else if (table == "awa_agent_presence") {
      add("current_presence_state");
    } else if (table == "awa_queue") {
      add("name");
    }
    return digest;
  }

  static WorkItemState observe(HttpClient& client, const std::string& document) {
    const auto listed = client.get(
        "/api/now/table/awa_work_item?sysparm_query=document_id%3D" + document + "%5Eactive%3Dtrue",
        admin());
    const auto body = json_of(listed);
    const auto& items = body.at("result").as_array();
    if (items.empty()) return {};
    BOOST_REQUIRE(items.size() == 1u);
    return {std::string(items[0].at("sys_id").as_string()),
            std::string(items[0].at("state").as_string())};
  }

  // One client: random operations, each waiting for its answer, until the server dies.
  void drive(ClientModel& m, int cycle, int id, const std::atomic<bool>& stop,
             const std::function<void()>& acknowledged) {
    std::mt19937 random(static_cast<unsigned>(cycle * 100 + id));
    std::optional<HttpClient> client;
    try {
      client.emplace(demo.server->port());
    } catch (const std::exception&) {
      return;  // already killed
    }
    const std::map<std::string, std::string> json{{"Authorization", integration()},
                                                  {"Content-Type", "application/json"}};
    for (int n = 0; !stop; ++n) {
      try {
        const int kind = std::uniform_int_distribution<int>(0, 9)(random);
        if (kind == 0) {
          const std::string name =
              "crash-" + std::to_string(cycle) + "-" + std::to_string(id) + "-" + std::to_string(n);
          m.maybe_queue = name;
          const auto r =
              client->post("/api/now/table/awa_queue", R"({"name": ")" + name + R"("})", admin());
          if (r.status == 201u) {
            m.queues.insert(name);
          } else {
            m.problems.push_back("queue create answered " + r.body);
          }
          m.maybe_queue.reset();
        } else if (kind == 1) {
          const bool away = m.presence == "Available";
          m.maybe_presence = away ? "Away" : "Available";
          const auto r = client->request("PUT", "/api/now/awa/agents/" + m.presence_agent,
                                         agent_body(away ? ps::away : ps::available), json);
          if (r.status == 200u) {
            m.presence = *m.maybe_presence;
            ++m.events;
          } else {
            m.problems.push_back("presence answered " + r.body);
          }
          m.maybe_presence.reset();
        } else {
          const auto& document = m.documents[std::uniform_int_distribution<std::size_t>(
              0, m.documents.size() - 1)(random)];
          step_document(*client, m, document, json);
        }
        acknowledged();
      } catch (const std::exception&) {
        return;  // the server died with this request in flight
      }
    }
  }

  static void step_document(HttpClient& client, ClientModel& m, const std::string& document,
                            const std::map<std::string, std::string>& json) {
    auto& item = m.items[document];
    const std::string offer_path = "/api/now/awa/documents/interaction/" + document + "/offer";
    Reply r;
    if (item.state.empty() || item.state == "queued") {
      // A new assignment, or a re-offer of the queued item (same id), pending for 10 minutes.
      m.maybe_item = {document, {item.id, "pending_accept"}};
      r = client.request("POST", offer_path,
                         R"({"queue_id": ")" + kQueue + R"(", "assignment": {"agent_sys_id": ")" +
                             m.offer_agent + R"(", "timeout": 600}})",
                         json);
      if (r.status == 200u) {
        item = {std::string(json_of(r).at("result").at("work_item").at("sys_id").as_string()),
                "pending_accept"};
        ++m.events;
      }
    } else if (item.state == "pending_accept") {
      m.maybe_item = {document, {item.id, "accepted"}};
      r = client.request(
          "POST", "/api/now/awa/inbox/actions/accept",
          R"({"agent_id": ")" + m.offer_agent + R"(", "work_item_id": ")" + item.id + R"("})",
          json);
      if (r.status == 200u) {
        item.state = "accepted";
        ++m.events;
      }
    } else {  // accepted: back to the queue, as a new queued work item
      m.maybe_item = {document, {"", "queued"}};
      r = client.request("POST", offer_path,
                         R"({"transfer": {"source_queue_id": ")" + kQueue +
                             R"(", "target_type": "queue", "target_id": ")" + kQueue +
                             R"(", "transfer_type": "blind"}})",
                         json);
      if (r.status == 200u) {
        item = {std::string(json_of(r).at("result").at("work_item").at("sys_id").as_string()),
                "queued"};
        ++m.events;
      }
    }
    if (r.status != 200u) {
      m.problems.push_back("document " + document + " in state " + item.state + ": " +
                           std::to_string(r.status) + " " + r.body);
    }
    m.maybe_item.reset();
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(crash_loop)

BOOST_AUTO_TEST_CASE(every_acknowledged_change_survives_sigkill_at_random_moments) {
  const int cycles = cycles_from_command_line();
  CrashLoop loop;
  std::mt19937 random(20261127);
  for (int cycle = 1; cycle <= cycles; ++cycle) {
    BOOST_TEST_CONTEXT("cycle " << cycle) {
      loop.run_and_kill(cycle, std::uniform_int_distribution<int>(5, 150)(random));
      loop.restart(cycle);
      loop.verify_and_adopt();
      loop.check_events();
      loop.compare_with_rocksdb_alone();
      loop.restart(cycle);
    }
  }
  BOOST_TEST_MESSAGE("crash loop: " << cycles << " cycles");
}

BOOST_AUTO_TEST_SUITE_END()
