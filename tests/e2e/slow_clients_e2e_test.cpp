// Hostile clients with slowhttptest (Debian's): 1000 connections sending headers slowly
// (Slowloris), bodies slowly (R-U-Dead-Yet) or reading answers slowly. The server must close
// them all by its deadlines while a probe client keeps getting answers: p99 under one second.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstdio>
#include <future>
#include <regex>

#include "tests/e2e/e2e_fixture.hpp"

using namespace awa::testing;
using Clock = std::chrono::steady_clock;

namespace {

struct Attack {
  std::string name;
  std::string flags;
};

// Runs slowhttptest to the end; its output.
std::string run_slowhttptest(const std::string& arguments) {
  const std::string command = "slowhttptest " + arguments + " 2>&1";
  std::string output;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return output;
  char buffer[4096];
  while (const auto n = std::fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
  ::pclose(pipe);
  // Strip its colours.
  return std::regex_replace(output, std::regex("\x1b\\[[0-9;]*m"), "");
}

// The last value slowhttptest printed for `field` (e.g. "closed").
int last_count(const std::string& output, const std::string& field) {
  const std::regex line(field + ":\\s+(\\d+)");
  int value = -1;
  for (auto it = std::sregex_iterator(output.begin(), output.end(), line);
       it != std::sregex_iterator(); ++it) {
    value = std::stoi((*it)[1]);
  }
  return value;
}

// The descriptors the process holds open (its sockets among them).
std::size_t open_descriptors(int pid) {
  const std::filesystem::path fds = "/proc/" + std::to_string(pid) + "/fd";
  return static_cast<std::size_t>(std::distance(std::filesystem::directory_iterator(fds),
                                                std::filesystem::directory_iterator()));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(slow_clients_e2e)

BOOST_AUTO_TEST_CASE(a_thousand_slow_connections_are_closed_and_a_probe_is_served) {
  BOOST_REQUIRE_MESSAGE(std::system("command -v slowhttptest > /dev/null") == 0,
                        "slowhttptest is missing: run tools/install-deps");
  DemoServer demo({"--read-timeout", "3", "--idle-timeout", "3"});
  const std::string url = "http://127.0.0.1:" + std::to_string(demo.server->port());
  const std::size_t idle_descriptors = open_descriptors(demo.server->pid());
  const std::vector<Attack> attacks = {
      {"slow headers", "-H -u " + url + "/api/now/table/awa_queue"},
      {"slow body", "-B -s 65536 -u " + url + "/api/now/table/awa_queue"},
      {"slow read", "-X -k 10 -w 1 -y 16 -n 1 -z 8 -u " + url + "/api/now/table/awa_queue"},
  };
  for (const auto& attack : attacks) {
    BOOST_TEST_CONTEXT(attack.name) {
      auto output = std::async(std::launch::async, [&] {
        return run_slowhttptest("-c 1000 -r 500 -i 1 -l 8 -p 3 " + attack.flags);
      });
      // The probe: an agent's presence, over and over, until the attack ends.
      std::vector<double> latencies_ms;
      {
        auto probe = demo.client();
        const std::string path = "/api/now/awa/agents/" + kAgent;
        while (output.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
          const auto start = Clock::now();
          const auto reply = probe.get(path, integration());
          latencies_ms.push_back(
              std::chrono::duration<double, std::milli>(Clock::now() - start).count());
          BOOST_TEST_REQUIRE(reply.status == 200u);
          // The server closes a keep-alive connection after its request cap: open another.
          if (reply.headers.count("connection") && reply.headers.at("connection") == "close") {
            probe = demo.client();
          }
        }
      }
      const std::string report = output.get();
      std::sort(latencies_ms.begin(), latencies_ms.end());
      BOOST_REQUIRE(!latencies_ms.empty());
      const double p99 = latencies_ms[latencies_ms.size() * 99 / 100];
      const int closed = last_count(report, "closed");
      const int connected = last_count(report, "connected");
      BOOST_TEST_MESSAGE(attack.name << ": at the last report " << closed << " of "
                                     << closed + connected << " slow connections closed; probe "
                                     << latencies_ms.size() << " requests, p99 " << p99
                                     << " ms, max " << latencies_ms.back() << " ms");
      BOOST_TEST(p99 < 1000.0);
      // The server closed every one of them (deadlines of 3 s) before the 8-second attack ended:
      // it holds no more descriptors than at rest (plus the probe's). A slow reader may still
      // see its connection open while the kernel trickles out what the server wrote before
      // closing; the server no longer holds it.
      const std::size_t held = open_descriptors(demo.server->pid());
      BOOST_TEST_MESSAGE(attack.name << ": the server holds " << held << " descriptors (at rest "
                                     << idle_descriptors << ")");
      BOOST_TEST(held <= idle_descriptors + 5);
    }
  }
  BOOST_TEST(demo.client().get("/healthz", "").status == 200u);
}

BOOST_AUTO_TEST_SUITE_END()
