// The instance as the server uses it: start-up, seeding, durability of answers, and what a
// failed write leaves behind (nothing).
#include "domain/instance.hpp"

#include <boost/test/unit_test.hpp>

#include <future>

#include "tests/domain/fixture.hpp"

using namespace awa;
using namespace awa::testing;

namespace {

struct InstanceFixture {
  InstanceFixture() { BOOST_REQUIRE(!instance.initialize({"secret", true})); }

  template <class T>
  std::error_code wait(const domain::Answer<T>& answer) {
    std::promise<std::error_code> done;
    instance.when_durable(answer.ticket, [&](std::error_code e) { done.set_value(e); });
    return done.get_future().get();
  }

  domain::OfferRequest offer_request() { return demo_offer(demo::alice); }

  domain::ManualClock clock{at("2026-01-01T12:00:00.000")};
  MemoryLog log;
  PlainHasher hasher;
  domain::Instance instance{clock, log, hasher, false};
  domain::Caller integration = caller(demo::integration, "awa_integration_user");
  domain::Caller admin = caller(demo::integration, "admin");
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(instance, InstanceFixture)

BOOST_AUTO_TEST_CASE(a_new_instance_is_seeded_durably) {
  BOOST_TEST(!instance.is_new());
  BOOST_TEST(log.size() == instance.record_count());
  const auto admin_credential = instance.credential("admin");
  BOOST_REQUIRE(admin_credential);
  BOOST_TEST(admin_credential->password_hash == "plain$secret");
  BOOST_TEST(admin_credential->roles.has_exactly(domain::Role::admin));
}

BOOST_AUTO_TEST_CASE(load_rebuilds_the_same_state) {
  const auto offered = instance.offer(integration, offer_request());
  BOOST_REQUIRE(offered.outcome.ok());
  BOOST_TEST(!wait(offered));
  domain::Instance restarted(clock, log, hasher, false);
  BOOST_TEST(restarted.is_new());
  BOOST_REQUIRE(!restarted.load());
  BOOST_TEST(restarted.record_count() == instance.record_count());
  const auto item = restarted.get(integration, "awa_work_item", offered.outcome->work_item.sys_id);
  BOOST_REQUIRE(item.outcome.ok());
  BOOST_TEST(item.outcome->values[domain::work_item_field::state] == "pending_accept");
}

BOOST_AUTO_TEST_CASE(a_change_that_cannot_be_written_is_taken_back) {
  const std::size_t records = instance.record_count();
  log.fail_writes = true;
  const auto offered = instance.offer(integration, offer_request());
  BOOST_REQUIRE(offered.outcome.ok());  // applied in memory, not yet durable
  BOOST_TEST((wait(offered) == std::errc::no_space_on_device));
  BOOST_TEST(instance.record_count() == records);
  const auto items = instance.list(integration, {"awa_work_item"});
  BOOST_REQUIRE(items.outcome.ok());
  BOOST_TEST(items.outcome->empty());

  log.fail_writes = false;  // the disk recovers: the same request now succeeds
  const auto again = instance.offer(integration, offer_request());
  BOOST_REQUIRE(again.outcome.ok());
  BOOST_TEST(!wait(again));
  BOOST_TEST(instance.record_count() == records + 1);
}

BOOST_AUTO_TEST_CASE(under_power_durability_a_change_whose_fsync_fails_is_taken_back) {
  MemoryLog power_log;
  domain::Instance powered(clock, power_log, hasher, true);
  BOOST_REQUIRE(!powered.initialize({"secret", true}));
  const std::size_t records = powered.record_count();
  power_log.fail_writes = true;
  const auto offered = powered.offer(integration, offer_request());
  BOOST_REQUIRE(offered.outcome.ok());  // applied in memory, queued for the group fsync
  std::promise<std::error_code> done;
  powered.when_durable(offered.ticket, [&](std::error_code e) { done.set_value(e); });
  BOOST_TEST((done.get_future().get() == std::errc::no_space_on_device));
  BOOST_TEST(powered.record_count() == records);
}

BOOST_AUTO_TEST_CASE(passwords_are_hashed_and_credential_versions_move) {
  const auto created = instance.create(
      admin, "sys_user",
      {{"user_name", "frank"}, {"password", "pw1"}, {"roles", "awa_integration_user"}});
  BOOST_REQUIRE(created.outcome.ok());
  BOOST_TEST(created.outcome->values[domain::user_field::password] == "plain$pw1");
  const auto before = instance.credential("frank");
  BOOST_REQUIRE(before);
  BOOST_TEST(instance.current_roles(before->user, before->version).has_value());

  const auto changed =
      instance.update(admin, "sys_user", before->user.str(), {{"password", "pw2"}});
  BOOST_REQUIRE(changed.outcome.ok());
  BOOST_TEST(!instance.current_roles(before->user, before->version).has_value());
  BOOST_TEST(instance.credential("frank")->password_hash == "plain$pw2");

  const auto deactivated =
      instance.update(admin, "sys_user", before->user.str(), {{"active", "false"}});
  BOOST_REQUIRE(deactivated.outcome.ok());
  BOOST_TEST(!instance.credential("frank").has_value());
}

BOOST_AUTO_TEST_CASE(power_durability_syncs) {
  MemoryLog power_log;
  domain::Instance powered(clock, power_log, hasher, true);
  BOOST_REQUIRE(!powered.initialize({"secret", false}));
  BOOST_TEST(power_log.syncs.load() >= 1);
}

BOOST_AUTO_TEST_SUITE_END()
