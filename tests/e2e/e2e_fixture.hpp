// Shared pieces of the end-to-end tests: demo ids, a server on a fresh data directory.
#pragma once

#include <boost/json.hpp>

#include <chrono>
#include <memory>

#include "domain/clock.hpp"
#include "domain/time_format.hpp"
#include "tests/e2e/http_client.hpp"
#include "tests/e2e/server_process.hpp"
#include "tests/support/demo_ids.hpp"
#include "tests/support/temp_dir.hpp"

namespace awa::testing {

inline const std::string& kInteraction = demo::interaction;
inline const std::string& kQueue = demo::queue;
inline const std::string& kAgent = demo::alice;
inline const std::string kOfferPath =
    "/api/now/awa/documents/interaction/" + kInteraction + "/offer";

inline std::string admin() {
  return basic_auth("admin", "admin");
}
inline std::string integration() {
  return basic_auth("integration", "demo");
}

// The vendor's curl example, with an offered_on one second ago.
inline std::string vendor_example_body() {
  const auto offered_on =
      domain::format_offer_time(domain::SystemClock{}.now() - std::chrono::seconds(1));
  return R"({
"external_segment_id": "segment_)" +
         kInteraction + R"(",
"queue_id": ")" +
         kQueue + R"(",
"assignment": {
"agent_sys_id": ")" +
         kAgent + R"(",
"allowed_to_decline": "true",
"enable_auto_assign": "false",
"timeout": 30,
"offered_on":")" +
         offered_on + R"("
}
})";
}

inline boost::json::value json_of(const Reply& r) {
  return boost::json::parse(r.body);
}

// Every record of `table`, a page (sysparm_limit's most, 10,000) at a time.
inline boost::json::array list_all(HttpClient& client, const std::string& table,
                                   const std::string& auth) {
  constexpr std::size_t kPage = 10000;
  boost::json::array all;
  for (std::size_t offset = 0;; offset += kPage) {
    const auto page =
        client.get("/api/now/table/" + table + "?sysparm_limit=" + std::to_string(kPage) +
                       "&sysparm_offset=" + std::to_string(offset),
                   auth);
    if (page.status != 200u) {
      throw std::runtime_error("listing " + table + ": " + std::to_string(page.status) + " " +
                               page.body);
    }
    auto rows = boost::json::parse(page.body).at("result").as_array();
    const std::size_t got = rows.size();
    for (auto& row : rows) all.push_back(std::move(row));
    if (got < kPage) return all;
  }
}

struct DemoServer {
  explicit DemoServer(std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"--demo", "--data-dir", dir.path().string(), "--threads", "2"};
    args.insert(args.end(), extra.begin(), extra.end());
    server = std::make_unique<ServerProcess>(args);
  }
  void restart(std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"--data-dir", dir.path().string()};
    args.insert(args.end(), extra.begin(), extra.end());
    server = std::make_unique<ServerProcess>(args);
  }
  HttpClient client() const { return HttpClient(server->port()); }

  TempDir dir;
  std::unique_ptr<ServerProcess> server;
};

}  // namespace awa::testing
