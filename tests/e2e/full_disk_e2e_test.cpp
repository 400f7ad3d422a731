// A full disk on a real file system (a small tmpfs): changes are refused with 503 and Retry-After
// and not kept, reads go on, /healthz says why; once there is room again, writes are taken
// without a restart; a start on a full disk serves reads instead of exiting; and every
// acknowledged change, and none other, is there afterwards. Skipped where mounting is refused
// (it needs root; CI runs as root).
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <set>
#include <thread>

#include "tests/e2e/e2e_fixture.hpp"
#include "tests/support/tmpfs_mount.hpp"

using namespace awa::testing;

namespace {

constexpr std::size_t kMiB = 1024 * 1024;
const std::string kTasks = "/api/now/table/task";

// Record bodies that do not compress: a description's most, 4,000 characters, looking random.
std::string large_task(const std::string& number) {
  std::string text;
  text.reserve(4000);
  std::uint64_t x = std::hash<std::string>{}(number) | 1;
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  while (text.size() < 4000) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    text += kAlphabet[x % 64];
  }
  return R"({"number": ")" + number + R"(", "short_description": ")" + text + "\"}";
}

struct Filled {
  std::set<std::string> acknowledged;
  std::set<std::string> refused;
};

// Creates large tasks until one is refused for lack of space (and a few more after).
Filled fill(HttpClient& client) {
  Filled filled;
  int refusals = 0;
  for (int i = 0; i < 50000 && refusals < 5; ++i) {
    const std::string number = "FILL" + std::to_string(i);
    const auto reply = client.post(kTasks, large_task(number), admin());
    if (reply.status == 201u) {
      filled.acknowledged.insert(number);
      continue;
    }
    BOOST_REQUIRE_MESSAGE(reply.status == 503u, reply.status << " " << reply.body);
    BOOST_TEST(reply.headers.at("retry-after") == "1");
    filled.refused.insert(number);
    ++refusals;
  }
  BOOST_REQUIRE_MESSAGE(refusals > 0, "the disk never filled");
  return filled;
}

std::set<std::string> task_numbers(HttpClient& client) {
  const auto listed = client.get(kTasks + "?sysparm_fields=number&sysparm_limit=10000", admin());
  BOOST_REQUIRE(listed.status == 200u);
  std::set<std::string> numbers;
  const auto body = json_of(listed);
  for (const auto& task : body.at("result").as_array()) {
    numbers.emplace(task.at("number").as_string());
  }
  return numbers;
}

void expect_unavailable_for_lack_of_space(HttpClient& client) {
  const auto health = client.request("GET", "/healthz");
  BOOST_TEST(health.status == 503u);
  BOOST_TEST(health.body.find("no space left on device") != std::string::npos, health.body);
}

// Creates a small task until it is taken: the server retries its storage about once a second
// (the 503s say Retry-After: 1). Bounded.
bool taken_again(HttpClient& client, const std::string& number) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    const auto reply = client.post(kTasks, R"({"number": ")" + number + R"("})", admin());
    if (reply.status == 201u) return true;
    if (reply.status != 503u) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

void expect_exactly(const std::set<std::string>& held, const Filled& filled,
                    const std::set<std::string>& also) {
  for (const auto& number : filled.acknowledged) BOOST_TEST(held.count(number) == 1u, number);
  for (const auto& number : also) BOOST_TEST(held.count(number) == 1u, number);
  for (const auto& number : filled.refused) BOOST_TEST(held.count(number) == 0u, number);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(full_disk)

BOOST_AUTO_TEST_CASE(changes_are_refused_reads_go_on_and_writes_resume_when_room_returns) {
  for (const std::string durability : {"process", "power"}) {
    BOOST_TEST_CONTEXT("--durability " << durability) {
      TmpfsMount disk(12 * kMiB);
      if (!disk.refused().empty()) {
        BOOST_TEST_MESSAGE("skipped: " << disk.refused());
        return;
      }
      const auto data = (disk.path() / "data").string();
      const std::vector<std::string> args{
          "--data-dir", data, "--rocksdb-write-buffer-mib", "1", "--durability", durability};
      auto first = std::vector<std::string>{"--demo"};
      first.insert(first.end(), args.begin(), args.end());
      Filled filled;
      {
        ServerProcess server(first);
        HttpClient client(server.port());
        filled = fill(client);
        // Still serving: reads go on, without what was refused.
        expect_unavailable_for_lack_of_space(client);
        const auto held = task_numbers(client);
        expect_exactly(held, filled, {});

        BOOST_REQUIRE(disk.resize(64 * kMiB));
        BOOST_TEST(taken_again(client, "AFTER"), server.log());
        BOOST_TEST(client.request("GET", "/healthz").status == 200u);
        BOOST_TEST(server.terminate() == 0);
        BOOST_TEST(server.log().find("Assertion") == std::string::npos);
      }
      ServerProcess restarted(args);
      HttpClient client(restarted.port());
      expect_exactly(task_numbers(client), filled, {"AFTER"});
    }
  }
}

BOOST_AUTO_TEST_CASE(a_start_on_a_full_disk_serves_reads_and_takes_writes_once_there_is_room) {
  TmpfsMount disk(12 * kMiB);
  if (!disk.refused().empty()) {
    BOOST_TEST_MESSAGE("skipped: " << disk.refused());
    return;
  }
  const auto data = (disk.path() / "data").string();
  Filled filled;
  {
    ServerProcess server({"--demo", "--data-dir", data, "--rocksdb-write-buffer-mib", "1"});
    HttpClient client(server.port());
    filled = fill(client);
    server.kill();  // a crash on the full disk
  }
  // More room, and all of it taken by something else; the server's data is untouched.
  BOOST_REQUIRE(disk.resize(20 * kMiB));
  const auto filler = disk.path() / "filler";
  {
    std::ofstream out(filler, std::ios::binary);
    const std::string block(64 * 1024, 'x');
    while (out.write(block.data(), block.size())) {
    }
  }
  {
    ServerProcess server({"--data-dir", data, "--rocksdb-write-buffer-mib", "1"});
    BOOST_TEST(server.log().find("cannot take writes") != std::string::npos, server.log());
    HttpClient client(server.port());
    expect_exactly(task_numbers(client), filled, {});
    const auto refused = client.post(kTasks, R"({"number": "REFUSED"})", admin());
    BOOST_TEST(refused.status == 503u);
    BOOST_TEST(refused.headers.at("retry-after") == "1");
    expect_unavailable_for_lack_of_space(client);

    std::filesystem::remove(filler);
    BOOST_TEST(taken_again(client, "AFTER"), server.log());
    BOOST_TEST(client.request("GET", "/healthz").status == 200u);
    BOOST_TEST(server.terminate() == 0);
  }
  ServerProcess restarted({"--data-dir", data});
  HttpClient client(restarted.port());
  const auto held = task_numbers(client);
  expect_exactly(held, filled, {"AFTER"});
  BOOST_TEST(held.count("REFUSED") == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
