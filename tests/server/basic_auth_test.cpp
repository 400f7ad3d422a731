// Basic authentication: header parsing, Argon2id verification, and the credential cache.
#include "server/basic_auth.hpp"

#include <boost/test/unit_test.hpp>
#include <sodium.h>

#include "server/sodium_password_hasher.hpp"
#include "tests/support/basic_header.hpp"
#include "tests/support/memory_log.hpp"

using namespace awa;
using namespace awa::server;

namespace {

std::string basic(std::string_view user_colon_password) {
  return testing::basic_header(user_colon_password);
}

struct AuthFixture {
  AuthFixture() { BOOST_REQUIRE(!instance.initialize({"s3cret", true})); }

  domain::ManualClock clock{*domain::parse_offer_time("2026-01-01T12:00:00.000")};
  testing::MemoryLog log;
  SodiumPasswordHasher hasher;
  domain::Instance instance{clock, log, hasher, false};
  Authenticator auth{instance, hasher};
};

}  // namespace

BOOST_AUTO_TEST_SUITE(basic_auth)

BOOST_AUTO_TEST_CASE(parses_basic_headers_only) {
  const auto ok = parse_basic_authorization(basic("admin:pa:ss"));
  BOOST_REQUIRE(ok);
  BOOST_TEST(ok->user_name == "admin");
  BOOST_TEST(ok->password == "pa:ss");  // only the first colon separates
  BOOST_TEST(parse_basic_authorization("basic " + basic("a:b").substr(6)).has_value());
  BOOST_TEST(!parse_basic_authorization("Bearer abc"));
  BOOST_TEST(!parse_basic_authorization("Basic"));
  BOOST_TEST(!parse_basic_authorization("Basic !!!!"));
  BOOST_TEST(!parse_basic_authorization(basic("no-colon")));
  BOOST_TEST(!parse_basic_authorization(basic(":password")));
}

BOOST_FIXTURE_TEST_CASE(passwords_are_stored_as_argon2id_hashes, AuthFixture) {
  const auto credential = instance.credential("admin");
  BOOST_REQUIRE(credential);
  BOOST_TEST(credential->password_hash.rfind("$argon2id$", 0) == 0u);
  BOOST_TEST(credential->password_hash.find("s3cret") == std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(verifies_and_caches_a_credential, AuthFixture) {
  const std::string header = basic("admin:s3cret");
  BOOST_TEST(!auth.cached(header));
  const auto caller = auth.verify(header);
  BOOST_REQUIRE(caller);
  BOOST_TEST(caller->roles.has_exactly(domain::Role::admin));
  const auto again = auth.cached(header);
  BOOST_REQUIRE(again);
  BOOST_TEST(again->user == caller->user);
}

BOOST_FIXTURE_TEST_CASE(refuses_wrong_passwords_and_unknown_users, AuthFixture) {
  BOOST_TEST(!auth.verify(basic("admin:wrong")));
  BOOST_TEST(!auth.cached(basic("admin:wrong")));
  BOOST_TEST(!auth.verify(basic("nobody:s3cret")));
  BOOST_TEST(!auth.verify("Basic garbage"));
}

BOOST_FIXTURE_TEST_CASE(a_changed_user_drops_out_of_the_cache, AuthFixture) {
  const std::string header = basic("integration:demo");
  const auto caller = auth.verify(header);
  BOOST_REQUIRE(caller);
  BOOST_TEST(caller->roles.has(domain::Role::awa_integration_user));
  BOOST_REQUIRE(auth.cached(header));

  const domain::Caller admin{caller->user, domain::Roles::parse("admin")};
  const auto changed =
      instance.update(admin, "sys_user", caller->user.str(), {{"roles", "awa_manager"}});
  BOOST_REQUIRE(changed.outcome.ok());
  BOOST_TEST(!auth.cached(header));  // stale: verified again, with the new roles
  const auto reverified = auth.verify(header);
  BOOST_REQUIRE(reverified);
  BOOST_TEST(!reverified->roles.has(domain::Role::awa_integration_user));
  BOOST_TEST(reverified->roles.has(domain::Role::awa_manager));

  const auto new_password =
      instance.update(admin, "sys_user", caller->user.str(), {{"password", "fresh"}});
  BOOST_REQUIRE(new_password.outcome.ok());
  BOOST_TEST(!auth.cached(header));
  BOOST_TEST(!auth.verify(header));
  BOOST_TEST(auth.verify(basic("integration:fresh")).has_value());
}

BOOST_FIXTURE_TEST_CASE(a_change_to_another_user_keeps_the_entry, AuthFixture) {
  const std::string header = basic("integration:demo");
  const auto caller = auth.verify(header);
  BOOST_REQUIRE(caller);
  const auto admin_user = auth.verify(basic("admin:s3cret"));
  BOOST_REQUIRE(admin_user);
  const auto clock_before = instance.users_clock();
  // Someone else's roles change: the clock moves, the entry is checked again and still holds.
  const auto changed = instance.update(*admin_user, "sys_user", admin_user->user.str(),
                                       {{"roles", "admin,awa_manager"}});
  BOOST_REQUIRE(changed.outcome.ok());
  BOOST_TEST(instance.users_clock() != clock_before);
  const auto still = auth.cached(header);
  BOOST_REQUIRE(still);
  BOOST_TEST(still->roles.has(domain::Role::awa_integration_user));
  // The admin's own entry is stale: verified again with the new roles.
  BOOST_TEST(!auth.cached(basic("admin:s3cret")));
  // Deactivating the integration user drops it even though the entry was rechecked since.
  const auto deactivated =
      instance.update(*admin_user, "sys_user", caller->user.str(), {{"active", "false"}});
  BOOST_REQUIRE(deactivated.outcome.ok());
  BOOST_TEST(!auth.cached(header));
}

BOOST_AUTO_TEST_SUITE_END()
