// Snapshots while serving: one taken under load holds everything acknowledged before it was
// asked for and nothing asked for after it was written; a server started on a copy serves it,
// with its pending countdowns re-armed. Also: admin only, the newest N kept, tools/snapshot.
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <set>
#include <thread>

#include "tests/e2e/e2e_fixture.hpp"

using namespace awa::testing;

namespace {

struct SnapshotServer {
  SnapshotServer() : demo({"--snapshot-dir", snapshots.path().string(), "--snapshot-keep", "3"}) {}

  std::string take() {
    auto client = demo.client();
    const auto r = client.post("/api/now/awa-server/snapshots", "", admin());
    BOOST_REQUIRE_MESSAGE(r.status == 201u, r.body);
    return std::string(json_of(r).at("result").at("name").as_string());
  }

  std::set<std::string> queue_names(HttpClient& client) {
    std::set<std::string> names;
    for (const auto& q : list_all(client, "awa_queue", admin())) {
      names.emplace(q.at("name").as_string());
    }
    return names;
  }

  TempDir snapshots;
  DemoServer demo;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(snapshot_e2e)

BOOST_FIXTURE_TEST_CASE(a_snapshot_under_load_restores_exactly_the_acknowledged_state,
                        SnapshotServer) {
  {
    auto client = demo.client();
    BOOST_REQUIRE(client.post(kOfferPath, vendor_example_body(), integration()).status == 200u);
  }
  std::atomic<int> phase{0};  // 0: before the snapshot was asked for, 1: during, 2: after
  std::atomic<bool> stop{false};
  std::mutex mutex;
  std::set<std::string> before, after;  // acknowledged before it began / sent after it ended
  std::atomic<int> acknowledged{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < 2; ++w) {
    writers.emplace_back([&, w] {
      auto client = demo.client();
      for (int i = 0; !stop; ++i) {
        const std::string name = "load-" + std::to_string(w) + "-" + std::to_string(i);
        const int sent_in = phase.load();
        const auto r =
            client.post("/api/now/table/awa_queue", R"({"name": ")" + name + R"("})", admin());
        if (r.status != 201u) continue;
        ++acknowledged;
        std::lock_guard lock(mutex);
        if (phase.load() == 0) before.insert(name);
        if (sent_in == 2) after.insert(name);
        if (after.size() >= 20) stop = true;
      }
    });
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (acknowledged.load() < 50 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();  // until the load runs
  }
  BOOST_REQUIRE(acknowledged.load() >= 50);
  phase = 1;
  const std::string name = take();
  phase = 2;
  for (auto& t : writers) t.join();
  BOOST_TEST(before.size() >= 50u);
  BOOST_TEST(after.size() >= 20u);

  // Restore: a server on a copy of the snapshot.
  TempDir restored_dir;
  std::filesystem::copy(snapshots.path() / name, restored_dir.path() / "data",
                        std::filesystem::copy_options::recursive);
  ServerProcess restored({"--data-dir", (restored_dir.path() / "data").string()});
  HttpClient client(restored.port());
  const auto names = queue_names(client);
  for (const auto& n : before) BOOST_TEST_REQUIRE(names.count(n) == 1u, n << " is missing");
  for (const auto& n : after) BOOST_TEST_REQUIRE(names.count(n) == 0u, n << " is too new");
  // The offer made before it is still counting down there, with a timer.
  const auto stats = client.get("/api/now/awa-server/stats", admin());
  BOOST_TEST(json_of(stats).at("result").at("timeouts").at("pending").as_int64() == 1);
  const auto check = client.get("/api/now/awa-server/check", admin());
  BOOST_TEST(check.body == R"({"result":{"violations":[]}})");
}

BOOST_FIXTURE_TEST_CASE(only_admins_take_snapshots_and_the_newest_are_kept, SnapshotServer) {
  auto client = demo.client();
  BOOST_TEST(client.post("/api/now/awa-server/snapshots", "", integration()).status == 403u);
  BOOST_TEST(
      client.post("/api/now/awa-server/snapshots", "", basic_auth("admin", "wrong")).status ==
      401u);
  std::vector<std::string> taken;
  for (int i = 0; i < 4; ++i) taken.push_back(take());
  const auto listed = client.get("/api/now/awa-server/snapshots", admin());
  BOOST_REQUIRE(listed.status == 200u);
  const auto body = json_of(listed);
  std::vector<std::string> kept;
  for (const auto& n : body.at("result").as_array()) kept.emplace_back(n.as_string());
  BOOST_TEST(kept == (std::vector<std::string>{taken[1], taken[2], taken[3]}));
}

BOOST_FIXTURE_TEST_CASE(tools_snapshot_takes_one, SnapshotServer) {
  const std::string command =
      "AWA_PASSWORD=admin " + std::string(AWA_SOURCE_DIR) +
      "/tools/snapshot http://127.0.0.1:" + std::to_string(demo.server->port()) + " > /dev/null";
  BOOST_TEST(std::system(command.c_str()) == 0);
  auto client = demo.client();
  const auto listed = client.get("/api/now/awa-server/snapshots", admin());
  BOOST_TEST(json_of(listed).at("result").as_array().size() == 1u);
}

BOOST_FIXTURE_TEST_CASE(tools_snapshot_passes_any_password_and_nothing_else_to_curl,
                        SnapshotServer) {
  // A password that would have ended curl's config line and started another.
  TempDir scratch;
  const auto injected = scratch.path() / "injected";
  const std::string hostile = "x\"\noutput = \"" + injected.string() + "\"\nverbose";
  const auto run = [&](const std::string& user, const std::string& password) {
    ::setenv("AWA_USER", user.c_str(), 1);
    ::setenv("AWA_PASSWORD", password.c_str(), 1);
    const std::string command = std::string(AWA_SOURCE_DIR) + "/tools/snapshot http://127.0.0.1:" +
                                std::to_string(demo.server->port()) + " > /dev/null 2>&1";
    const int status = std::system(command.c_str());
    ::unsetenv("AWA_USER");
    ::unsetenv("AWA_PASSWORD");
    return status;
  };
  BOOST_TEST(run("admin", hostile) != 0);  // a wrong password, and only that
  BOOST_TEST(!std::filesystem::exists(injected));
  // The same characters as a real password: they reach the server as they are.
  auto client = demo.client();
  const std::string password = "q\"uo\\te\nline";
  boost::json::object user{
      {"user_name", "snapshotter"}, {"password", password}, {"roles", "admin"}};
  BOOST_REQUIRE(
      client.post("/api/now/table/sys_user", boost::json::serialize(user), admin()).status == 201u);
  BOOST_TEST(run("snapshotter", password) == 0);
  const auto listed = client.get("/api/now/awa-server/snapshots", admin());
  BOOST_TEST(json_of(listed).at("result").as_array().size() == 1u);
}

BOOST_AUTO_TEST_CASE(a_crash_during_a_snapshot_leaves_nothing_that_lists_or_restores) {
  TempDir snapshots;
  DemoServer demo({"--snapshot-dir", snapshots.path().string(), "--snapshot-keep", "2"});
  // As a kill -9 in the middle of one leaves them (RocksDB's staging, and ours).
  for (const std::string leftover :
       {"snapshot-20260101T000000Z.tmp", ".partial-snapshot-20260101T000001Z",
        ".partial-snapshot-20260101T000002Z.tmp"}) {
    std::filesystem::create_directories(snapshots.path() / leftover);
    std::ofstream(snapshots.path() / leftover / "000007.sst") << "half";
  }
  // Real kills, each right after asking for a snapshot, wherever in it they land.
  demo.server->kill();
  for (int i = 0; i < 5; ++i) {
    demo.restart({"--snapshot-dir", snapshots.path().string(), "--snapshot-keep", "2"});
    const auto port = demo.server->port();
    std::thread ask([port] {
      raw_exchange(port,
                   "POST /api/now/awa-server/snapshots HTTP/1.1\r\nHost: x\r\n"
                   "Authorization: " +
                       admin() + "\r\nContent-Length: 0\r\n\r\n",
                   std::chrono::seconds(2));
    });
    demo.server->wait_for_log("snapshot", std::chrono::seconds(2));
    demo.server->kill();
    ask.join();
  }
  demo.server.reset();
  demo.restart({"--snapshot-dir", snapshots.path().string(), "--snapshot-keep", "2"});
  auto client = demo.client();
  const auto listed = json_of(client.get("/api/now/awa-server/snapshots", admin()));
  std::vector<std::string> names;
  for (const auto& n : listed.at("result").as_array()) names.emplace_back(n.as_string());
  // On disk: only whole snapshots, no staging left, none of the leftovers.
  for (const auto& entry : std::filesystem::directory_iterator(snapshots.path())) {
    const auto name = entry.path().filename().string();
    BOOST_TEST(name.starts_with("snapshot-"), name);
    BOOST_TEST(!name.ends_with(".tmp"), name);
    BOOST_TEST(std::count(names.begin(), names.end(), name) == 1, name);
  }
  // Each one listed restores to the demo data, and the keep counts only those.
  BOOST_TEST(names.size() <= 2u);
  for (const auto& name : names) {
    TempDir restored;
    std::filesystem::copy(snapshots.path() / name, restored.path() / "data",
                          std::filesystem::copy_options::recursive);
    ServerProcess server({"--data-dir", (restored.path() / "data").string()});
    HttpClient restored_client(server.port());
    const auto agents = restored_client.get("/api/now/table/sys_user", admin());
    BOOST_TEST(agents.status == 200u, name);
    BOOST_TEST(agents.body.find("alice.agent") != std::string::npos, name);
  }
  // And a snapshot taken now is listed.
  BOOST_TEST(client.post("/api/now/awa-server/snapshots", "", admin()).status == 201u);
}

BOOST_AUTO_TEST_SUITE_END()
