// The REST API through the Api class, without sockets: a demo instance on a memory log, and
// calls made as HTTP requests. For the server tests that go through the Api.
#pragma once

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <future>

#include "server/api.hpp"
#include "server/sodium_password_hasher.hpp"
#include "tests/support/basic_header.hpp"
#include "tests/support/demo_ids.hpp"
#include "tests/support/memory_log.hpp"

namespace awa::testing {

using server::HttpRequest;
using server::HttpResponse;

inline const std::string& kInteraction = demo::interaction;
inline const std::string& kQueue = demo::queue;
inline const std::string& kAlice = demo::alice;

inline std::string basic(std::string_view user_colon_password) {
  return testing::basic_header(user_colon_password);
}

struct ApiFixture {
  ApiFixture() { BOOST_REQUIRE(!instance.initialize({"admin-pw", true})); }

  HttpResponse call(std::string method, std::string target, std::string body = {},
                    std::string authorization = basic("admin:admin-pw"),
                    std::string content_type = {}, std::string accept = {}) {
    HttpRequest request{std::move(method),       std::move(target), std::move(authorization),
                        std::move(content_type), std::move(accept), std::move(body)};
    std::promise<HttpResponse> answered;
    api.handle(std::move(request), [&](HttpResponse r) { answered.set_value(std::move(r)); });
    return answered.get_future().get();
  }
  HttpResponse as_integration(std::string method, std::string target, std::string body = {}) {
    return call(std::move(method), std::move(target), std::move(body), basic("integration:demo"));
  }

  std::string offer_body(const std::string& agent = kAlice) {
    return R"({"queue_id": ")" + kQueue + R"(", "assignment": {"agent_sys_id": ")" + agent +
           R"(", "timeout": 30}})";
  }
  std::string offer_path(const std::string& version = "") {
    return "/api/now/" + version + "awa/documents/interaction/" + kInteraction + "/offer";
  }

  domain::SystemClock clock;
  testing::MemoryLog log;
  server::SodiumPasswordHasher hasher;
  domain::Instance instance{clock, log, hasher, false};
  server::Authenticator authenticator{instance, hasher};
  // Tests make many failed sign-ins in a row, all from one (unnamed) peer: the limits are
  // tested on their own (login_limiter_test, sign_in_test).
  server::Api api{instance, authenticator, server::Api::run_here, nullptr,
                  server::ApiOptions{{1e6, 1e6}}};
};

using Priority = server::SlowWorkPool::Priority;

// An Api::Offload that keeps the work until the test runs it (or refuses it when `full`).
struct HeldWork {
  bool post(Priority priority, server::SlowWorkPool::Work work) {
    if (full) return false;
    held.push_back({priority, std::move(work)});
    return true;
  }
  server::Api::Offload offload() {
    return [this](Priority priority, server::SlowWorkPool::Work work, std::function<bool()>) {
      return post(priority, std::move(work));
    };
  }
  void run_all(bool run = true) {
    auto work = std::move(held);
    held.clear();
    for (auto& [priority, w] : work) w(run);
  }
  bool full = false;
  std::vector<std::pair<Priority, server::SlowWorkPool::Work>> held;
};

inline boost::json::value parse(const HttpResponse& r) {
  return boost::json::parse(r.body);
}

inline std::string header(const HttpResponse& r, std::string_view name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return {};
}

}  // namespace awa::testing
