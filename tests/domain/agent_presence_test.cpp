// The Agent API's presence rules (contract section 3).
#include "domain/agent_presence.hpp"

#include <boost/test/unit_test.hpp>

#include "tests/domain/fixture.hpp"

using namespace awa;
using namespace awa::testing;
using domain::errc;
namespace ps = domain::presence_states;

BOOST_FIXTURE_TEST_SUITE(agent_presence, StateFixture)

BOOST_AUTO_TEST_CASE(reads_the_agents_presence_with_its_channels) {
  domain::Transaction tx(state, clock.now());
  const auto view = domain::read_agent(tx, integration, demo::alice);
  BOOST_REQUIRE(view.ok());
  BOOST_TEST(view->sys_id == demo::alice);
  BOOST_TEST(view->presence.sys_id == ps::available);
  BOOST_TEST(view->presence.name == "Available");
  BOOST_TEST(view->presence.available);
  BOOST_REQUIRE(view->channels.size() == 1u);
  BOOST_TEST(view->channels[0].sys_id == ps::chat_channel);
  BOOST_TEST(view->channels[0].available);
}

BOOST_AUTO_TEST_CASE(a_user_without_presence_is_offline) {
  domain::Transaction tx(state, clock.now());
  const auto view = domain::read_agent(tx, integration, demo::integration);
  BOOST_REQUIRE(view.ok());
  BOOST_TEST(view->presence.sys_id == ps::offline);
  BOOST_TEST(view->presence.name == "Offline");
  BOOST_TEST(!view->presence.available);
}

BOOST_AUTO_TEST_CASE(sets_presence_and_keeps_one_record_per_agent) {
  domain::Transaction tx(state, clock.now());
  auto view =
      domain::set_agent_presence(tx, ids, integration, demo::carol, std::string(ps::available));
  BOOST_REQUIRE(view.ok());
  BOOST_TEST(view->presence.available);
  view = domain::set_agent_presence(tx, ids, integration, demo::carol, std::string(ps::offline));
  BOOST_REQUIRE(view.ok());
  BOOST_TEST(view->presence.name == "Offline");
  std::size_t records = 0;
  for (const auto& r : state.rows(domain::Table::awa_agent_presence)) {
    if (r[domain::agent_presence_field::agent] == demo::carol) ++records;
  }
  BOOST_TEST(records == 1u);
  // A user with no presence record yet gets one.
  view = domain::set_agent_presence(tx, ids, integration, demo::manager, std::string(ps::away));
  BOOST_REQUIRE(view.ok());
  BOOST_TEST(domain::presence_of(state, *domain::SysId::parse(demo::manager)).name == "Away");
}

BOOST_AUTO_TEST_CASE(refuses_unknown_users_states_and_missing_fields) {
  domain::Transaction tx(state, clock.now());
  auto view = domain::read_agent(tx, integration, "0123456789abcdef0123456789abcdef");
  BOOST_REQUIRE(!view.ok());
  BOOST_TEST(static_cast<int>(view.failure().kind) == static_cast<int>(errc::not_found));
  BOOST_TEST(view.failure().message == "Record Not Found");

  view = domain::set_agent_presence(tx, ids, integration, demo::alice,
                                    std::string("0123456789abcdef0123456789abcdef"));
  BOOST_REQUIRE(!view.ok());
  BOOST_TEST(static_cast<int>(view.failure().kind) == static_cast<int>(errc::not_found));
  BOOST_TEST(view.failure().message ==
             "0123456789abcdef0123456789abcdef is not a valid presence state");

  view = domain::set_agent_presence(tx, ids, integration, demo::alice, std::nullopt);
  BOOST_REQUIRE(!view.ok());
  BOOST_TEST(view.failure().message == "Missing required field: presence.sys_id");
  BOOST_TEST(domain::presence_of(state, *domain::SysId::parse(demo::alice)).available);
}

BOOST_AUTO_TEST_CASE(needs_the_integration_role) {
  domain::Transaction tx(state, clock.now());
  for (const auto* who : {&agent, &manager}) {
    const auto view = domain::read_agent(tx, *who, demo::alice);
    BOOST_REQUIRE(!view.ok());
    BOOST_TEST(static_cast<int>(view.failure().kind) == static_cast<int>(errc::forbidden));
  }
  BOOST_TEST(domain::read_agent(tx, admin, demo::alice).ok());
}

BOOST_AUTO_TEST_SUITE_END()
