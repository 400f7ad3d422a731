// Sign-in limits under a clock moved by hand: failures per peer and per user name, sign-ins in
// hand per peer, trust for peers without a recent failure, and a bounded memory.
#include "server/login_limiter.hpp"

#include <boost/test/unit_test.hpp>

#include <string>

using awa::server::LoginLimiter;
using awa::server::LoginLimits;
using Result = LoginLimiter::Result;
using namespace std::chrono_literals;

namespace {

const auto kStart = LoginLimiter::Clock::time_point{} + 1h;

// Admits and fails `n` sign-ins of `user` from `peer` at `now`.
void fail(LoginLimiter& limiter, const std::string& peer, const std::string& user, int n,
          LoginLimiter::Clock::time_point now = kStart) {
  for (int i = 0; i < n; ++i) {
    BOOST_REQUIRE(limiter.admit(peer, user, now).admitted);
    limiter.finished(peer, user, Result::failed, now);
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(login_limiter)

BOOST_AUTO_TEST_CASE(failures_from_a_peer_are_limited_and_refill) {
  LoginLimiter limiter(LoginLimits{3, 0.5});
  for (int i = 0; i < 3; ++i) fail(limiter, "10.0.0.1", "user" + std::to_string(i), 1);
  const auto refused = limiter.admit("10.0.0.1", "someone", kStart);
  BOOST_TEST(!refused.admitted);
  BOOST_TEST(std::chrono::duration<double>(refused.retry_after).count() == 2.0,
             boost::test_tools::tolerance(1e-6));
  // Another peer is not affected; this one has a token again two seconds later.
  BOOST_TEST(limiter.admit("10.0.0.2", "someone", kStart).admitted);
  BOOST_TEST(limiter.admit("10.0.0.1", "someone", kStart + 2s).admitted);
}

BOOST_AUTO_TEST_CASE(failures_for_a_user_name_are_limited_across_peers) {
  LoginLimiter limiter(LoginLimits{3, 0.5});
  for (int i = 0; i < 3; ++i) fail(limiter, "10.0.0." + std::to_string(i), "admin", 1);
  BOOST_TEST(!limiter.admit("10.0.0.9", "admin", kStart).admitted);
  BOOST_TEST(limiter.admit("10.0.0.9", "alice", kStart).admitted);
}

BOOST_AUTO_TEST_CASE(successes_and_abandoned_sign_ins_cost_nothing) {
  LoginLimiter limiter(LoginLimits{2, 0.1});
  for (int i = 0; i < 50; ++i) {
    const auto decision = limiter.admit("10.0.0.1", "alice", kStart);
    BOOST_REQUIRE(decision.admitted);
    BOOST_TEST((decision.standing != LoginLimiter::Standing::suspect));
    limiter.finished("10.0.0.1", "alice", i % 2 ? Result::succeeded : Result::abandoned, kStart);
  }
}

BOOST_AUTO_TEST_CASE(a_peer_has_few_sign_ins_in_hand) {
  LoginLimiter limiter(LoginLimits{100, 1, 2});
  BOOST_TEST(limiter.admit("10.0.0.1", "a", kStart).admitted);
  BOOST_TEST(limiter.admit("10.0.0.1", "b", kStart).admitted);
  const auto third = limiter.admit("10.0.0.1", "c", kStart);
  BOOST_TEST(!third.admitted);
  BOOST_TEST((third.retry_after == 1s));
  limiter.finished("10.0.0.1", "a", Result::succeeded, kStart);
  BOOST_TEST(limiter.admit("10.0.0.1", "c", kStart).admitted);
}

BOOST_AUTO_TEST_CASE(a_peer_stands_by_its_recent_sign_ins) {
  using Standing = LoginLimiter::Standing;
  LoginLimiter limiter(LoginLimits{5, 0.2});
  const auto standing = [&](LoginLimiter::Clock::time_point now, Result result) {
    const auto decision = limiter.admit("10.0.0.1", "a", now);
    BOOST_REQUIRE(decision.admitted);
    limiter.finished("10.0.0.1", "a", result, now);
    return decision.standing;
  };
  BOOST_TEST((standing(kStart, Result::succeeded) == Standing::unknown));       // never seen
  BOOST_TEST((standing(kStart + 1s, Result::failed) == Standing::good));        // signed in lately
  BOOST_TEST((standing(kStart + 2s, Result::succeeded) == Standing::suspect));  // failed lately
  BOOST_TEST((standing(kStart + 10s, Result::abandoned) == Standing::good));    // refilled
  BOOST_TEST((standing(kStart + 2h, Result::abandoned) == Standing::unknown));  // long ago
}

BOOST_AUTO_TEST_CASE(memory_is_bounded_and_what_it_forgets_remembered_nothing) {
  LoginLimiter limiter(LoginLimits{2, 1, 4, 100});
  for (int i = 0; i < 1000; ++i) {
    const std::string peer = "10.1." + std::to_string(i / 250) + "." + std::to_string(i % 250);
    const auto now = kStart + std::chrono::seconds(i);  // each one's failure refilled a second on
    fail(limiter, peer, "u" + std::to_string(i), 1, now);
    BOOST_TEST(limiter.tracked() <= 200u);
  }
  // When every entry still remembers a failure, a new peer waits rather than push one out.
  LoginLimiter full(LoginLimits{1, 0.001, 4, 10});
  for (int i = 0; i < 10; ++i)
    fail(full, "10.2.0." + std::to_string(i), "v" + std::to_string(i), 1);
  const auto newcomer = full.admit("10.3.0.1", "w", kStart);
  BOOST_TEST(!newcomer.admitted);
  BOOST_TEST(!full.admit("10.2.0.0", "x", kStart).admitted);  // still limited: not forgotten
}

BOOST_AUTO_TEST_SUITE_END()
