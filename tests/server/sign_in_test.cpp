// Sign-ins through the Api: a password hash only within the limits and only for a client still
// there, refusals that hash nothing (429 with Retry-After, delayed), a bounded queue (503), a
// log line for each refused sign-in that names the user and the peer but never the password, and
// password hashing of Table API writes off the calling thread.
#include <boost/test/unit_test.hpp>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <future>
#include <iterator>

#include "tests/server/api_fixture.hpp"
#include "tests/support/temp_dir.hpp"

using namespace awa;
using namespace awa::testing;
using server::Admission;
using server::ClientConnection;

namespace {

using CountingHasher = testing::CountingHasher<server::SodiumPasswordHasher>;

struct SignInFixture {
  SignInFixture() { BOOST_REQUIRE(!instance.initialize({"admin-pw", true})); }

  Admission admit(const std::string& credentials, const std::string& peer, bool open = true) {
    HttpRequest head{"GET", "/api/now/table/awa_queue", basic(credentials), "", "", ""};
    std::optional<Admission> got;
    api.admit(head, ClientConnection{peer, [open] { return open; }},
              [&](Admission a) { got = std::move(a); });
    if (!got) work.run_all();
    BOOST_REQUIRE(got);
    return std::move(*got);
  }

  domain::SystemClock clock;
  MemoryLog log;
  CountingHasher hasher;
  domain::Instance instance{clock, log, hasher, false};
  server::Authenticator authenticator{instance, hasher};
  HeldWork work;
  server::Api api{instance, authenticator, work.offload(), nullptr,
                  server::ApiOptions{{3, 0.2, 4, 1000}}};
};

// What the server logs while `body` runs (its log goes to standard error).
template <class Body>
std::string logged_during(Body&& body) {
  TempDir dir;
  const auto path = dir.path() / "stderr";
  std::fflush(stderr);
  const int saved = ::dup(STDERR_FILENO);
  std::FILE* file = std::fopen(path.c_str(), "w");
  ::dup2(::fileno(file), STDERR_FILENO);
  body();
  std::fflush(stderr);
  ::dup2(saved, STDERR_FILENO);
  ::close(saved);
  std::fclose(file);
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(sign_in, SignInFixture)

BOOST_AUTO_TEST_CASE(failures_are_limited_per_peer_without_hashing_and_logged_without_password) {
  std::string logged = logged_during([&] {
    for (int i = 0; i < 3; ++i) {
      const auto refused = admit("admin:wrong-secret-" + std::to_string(i), "10.9.9.9");
      BOOST_TEST(!refused.principal);
      BOOST_TEST(refused.answer.status == 401u);
      BOOST_TEST(refused.delay == server::Api::kRefusalDelay);
    }
    const int hashed = hasher.verifications;
    BOOST_TEST(hashed == 3);
    const auto limited = admit("intruder\x1b[31m:wrong-secret-x", "10.9.9.9");
    BOOST_TEST(limited.answer.status == 429u);
    BOOST_TEST(limited.delay == server::Api::kRefusalDelay);
    BOOST_TEST(header(limited.answer, "Retry-After") == "5");
    BOOST_TEST(hasher.verifications == hashed);  // refused without a hash
  });
  BOOST_TEST(logged.find("failed sign-in for user admin from 10.9.9.9") != std::string::npos,
             logged);
  BOOST_TEST(
      logged.find("sign-in refused for user intruder\\x1b[31m from 10.9.9.9") != std::string::npos,
      logged);
  BOOST_TEST(logged.find("wrong-secret") == std::string::npos, logged);
  BOOST_TEST(logged.find('\x1b') == std::string::npos);

  // Someone else, from elsewhere, signs in at once.
  const auto other = admit("integration:demo", "10.1.1.1");
  BOOST_REQUIRE(other.principal);
  BOOST_TEST(other.delay.count() == 0);
}

BOOST_AUTO_TEST_CASE(a_user_name_under_attack_is_limited_from_every_peer) {
  for (int i = 0; i < 3; ++i) admit("admin:wrong", "10.0.0." + std::to_string(i));
  const auto limited = admit("admin:admin-pw", "10.0.0.100");
  BOOST_TEST(limited.answer.status == 429u);
  BOOST_TEST(admit("integration:demo", "10.0.0.100").principal.has_value());
}

BOOST_AUTO_TEST_CASE(a_client_that_has_gone_costs_no_hash) {
  const auto gone = admit("admin:admin-pw", "10.2.2.2", /*open=*/false);
  BOOST_TEST(!gone.principal);
  BOOST_TEST(hasher.verifications == 0);
  // Not a failure either: the limits did not count it.
  for (int i = 0; i < 5; ++i) admit("admin:admin-pw", "10.2.2.2", false);
  BOOST_TEST(admit("admin:admin-pw", "10.2.2.2").principal.has_value());
}

BOOST_AUTO_TEST_CASE(sign_ins_are_hashed_in_the_order_of_their_peers_standing) {
  admit("admin:wrong", "10.3.3.3");       // this peer has failed lately
  admit("integration:demo", "10.4.4.4");  // this one has signed in
  const auto head = [](const std::string& credentials) {
    return HttpRequest{"GET", "/api/now/table/awa_queue", basic(credentials), "", "", ""};
  };
  api.admit(head("alice.agent:demo"), {"10.3.3.3"}, [](Admission) {});
  api.admit(head("bob.agent:demo"), {"10.4.4.4"}, [](Admission) {});
  api.admit(head("carol.agent:demo"), {"10.5.5.4"}, [](Admission) {});
  BOOST_REQUIRE(work.held.size() == 3u);
  BOOST_TEST((work.held[0].first == Priority::low));     // failed lately
  BOOST_TEST((work.held[1].first == Priority::high));    // signed in lately
  BOOST_TEST((work.held[2].first == Priority::normal));  // never seen
  // Pushed out of a full queue: a 503, and not counted as a failure.
  std::optional<Admission> pushed;
  api.admit(head("dave.agent:demo"), {"10.6.6.6"}, [&](Admission a) { pushed = std::move(a); });
  work.held.back().second(false);
  BOOST_REQUIRE(pushed);
  BOOST_TEST(pushed->answer.status == 503u);
  work.held.pop_back();
  work.run_all();
}

BOOST_AUTO_TEST_CASE(a_full_queue_is_a_503) {
  work.full = true;
  for (int i = 0; i < 6; ++i) {  // more than a peer may have in hand
    const auto busy = admit("integration:demo", "10.5.5.5");
    BOOST_TEST(busy.answer.status == 503u);
    BOOST_TEST(header(busy.answer, "Retry-After") == "1");
  }
  // None was counted as in hand: once there is room, the same peer is admitted.
  work.full = false;
  BOOST_TEST(admit("integration:demo", "10.5.5.5").principal.has_value());
}

BOOST_AUTO_TEST_CASE(a_password_written_through_the_table_api_is_hashed_off_the_calling_thread) {
  const auto admin = admit("admin:admin-pw", "10.6.6.6");
  BOOST_REQUIRE(admin.principal);
  // The answer comes once the write is durable, maybe on the commit queue's thread.
  const auto create = [&](const std::string& body) {
    auto answered = std::make_shared<std::promise<HttpResponse>>();
    api.handle(
        HttpRequest{"POST", "/api/now/table/sys_user", "", "application/json", "", body},
        server::Api::caller_of(*admin.principal),
        [answered](HttpResponse r) { answered->set_value(std::move(r)); }, server::Api::Lead::now);
    return answered->get_future();
  };
  // Without a password: no slow work.
  auto plain = create(R"({"user_name": "nopass"})");
  BOOST_TEST(work.held.empty());
  BOOST_TEST(plain.get().status == 201u);
  // With one: the slow pool's, first in line; not written (nor answered) until it ran.
  auto hashed = create(R"({"user_name": "grace", "password": "Secr3t!"})");
  BOOST_REQUIRE(work.held.size() == 1u);
  BOOST_TEST((work.held[0].first == Priority::high));
  BOOST_TEST((hashed.wait_for(std::chrono::seconds(0)) == std::future_status::timeout));
  work.run_all();
  BOOST_TEST(hashed.get().status == 201u);
  BOOST_TEST(admit("grace:Secr3t!", "10.7.7.7").principal.has_value());
  // A pool that takes no more: 503, and nothing created.
  work.full = true;
  BOOST_TEST(create(R"({"user_name": "heidi", "password": "Secr3t!"})").get().status == 503u);
  work.full = false;
  BOOST_TEST(!admit("heidi:Secr3t!", "10.8.8.8").principal);
}

BOOST_AUTO_TEST_SUITE_END()
