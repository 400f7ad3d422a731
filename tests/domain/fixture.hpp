// A state seeded with the out-of-box and demo data, a manual clock, and callers of each role,
// for testing the rules directly on State and Transaction.
#pragma once

#include <boost/test/unit_test.hpp>

#include "domain/caller.hpp"
#include "domain/offer_request.hpp"
#include "domain/presence_states.hpp"
#include "domain/seed_data.hpp"
#include "domain/state.hpp"
#include "domain/time_format.hpp"
#include "domain/transaction.hpp"
#include "tests/support/demo_ids.hpp"
#include "tests/support/memory_log.hpp"

namespace awa::testing {

// The demo data's sys_ids: tests/support/demo_ids.hpp.

inline domain::TimePoint at(std::string_view offer_time) {
  return *domain::parse_offer_time(offer_time);
}

// A new assignment of a demo interaction to `agent` through the demo queue.
inline domain::OfferRequest demo_offer(const std::string& agent = demo::alice,
                                       const std::string& document = demo::interaction) {
  domain::OfferRequest r;
  r.document_table = "interaction";
  r.document_id = document;
  r.queue_id = demo::queue;
  r.assignment.emplace().agent_sys_id = agent;
  return r;
}

inline domain::Caller caller(const std::string& sys_id, std::string_view roles) {
  return {*domain::SysId::parse(sys_id), domain::Roles::parse(roles)};
}

struct StateFixture {
  StateFixture() {
    domain::Transaction tx(state, clock.now());
    domain::seed_presence_states(tx);
    domain::seed_admin(tx, ids, hasher.hash("admin"));
    domain::seed_demo(tx, ids, hasher);
    tx.commit();
  }

  const domain::Record* work_item_of(const std::string& document) const {
    return state.active_work_item(*domain::SysId::parse(document));
  }

  domain::ManualClock clock{at("2026-01-01T12:00:00.000")};
  domain::State state;
  domain::SysIdGenerator ids;
  PlainHasher hasher;
  domain::Caller admin = caller("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "admin");
  domain::Caller integration = caller(demo::integration, "awa_integration_user");
  domain::Caller manager = caller(demo::manager, "awa_manager");
  domain::Caller agent = caller(demo::alice, "awa_agent,awa_external_user");
};

}  // namespace awa::testing
