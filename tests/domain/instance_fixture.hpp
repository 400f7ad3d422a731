// An instance on a manual clock and an in-memory log, seeded with the demo data, with helpers
// to make offers and wait for durability; checks the invariants when each test ends.
#pragma once

#include <future>

#include "domain/instance.hpp"
#include "tests/domain/fixture.hpp"

namespace awa::testing {

namespace ps = domain::presence_states;

struct LifecycleFixture {
  LifecycleFixture() { BOOST_REQUIRE(!instance.initialize({"secret", true})); }
  ~LifecycleFixture() {
    const auto problems = instance.violations();
    BOOST_TEST(problems.empty(), (problems.empty() ? std::string() : problems.front()));
  }

  template <class T>
  domain::Outcome<T> durable(domain::Answer<T> answer) {
    std::promise<std::error_code> done;
    instance.when_durable(answer.ticket, [&](std::error_code e) { done.set_value(e); });
    BOOST_REQUIRE(!done.get_future().get());
    return answer.outcome;
  }

  std::string offer(const std::string& agent = demo::alice, std::string timeout = "30",
                    std::optional<std::string> offered_on = {},
                    std::optional<std::string> after_timeout = std::string(ps::away),
                    const std::string& document = demo::interaction) {
    domain::OfferRequest r = demo_offer(agent, document);
    auto& a = *r.assignment;
    a.timeout = std::move(timeout);
    a.offered_on = std::move(offered_on);
    a.after_timeout_presence = std::move(after_timeout);
    const auto answer = instance.offer(integration, r);
    const auto outcome = durable(answer);
    BOOST_REQUIRE_MESSAGE(outcome.ok(), (outcome.ok() ? std::string() : outcome.failure().message));
    return outcome->work_item.sys_id;
  }

  domain::Record item(const std::string& id) {
    const auto answer = instance.get(integration, "awa_work_item", id);
    BOOST_REQUIRE(answer.outcome.ok());
    return answer.outcome.value();
  }
  std::string presence_of(const std::string& agent) {
    return instance.agent(integration, agent).outcome->presence.name;
  }
  // The sys_id of the interaction's active work item.
  std::string item_of_document(const std::string& document = demo::interaction) {
    const auto items =
        instance.list(integration, {"awa_work_item", "document_id=" + document + "^active=true"});
    for (const auto& r : items.outcome.value()) {
      if (r[domain::work_item_field::consult_state] != "open") return r.id.str();
    }
    return {};
  }

  domain::ExpiryRound expire() { return durable(instance.expire_due()).value(); }

  domain::InboxActionRequest action(const std::string& agent, const std::string& work_item,
                                    std::optional<std::string> reason = {}) {
    return {agent, work_item, std::move(reason)};
  }

  domain::ManualClock clock{at("2026-01-01T12:00:00.000")};
  MemoryLog log;
  PlainHasher hasher;
  domain::Instance instance{clock, log, hasher, false};
  domain::Caller integration = caller(demo::integration, "awa_integration_user");
  domain::Caller alice = caller(demo::alice, "awa_agent,awa_external_user");
  domain::Caller bob = caller(demo::bob, "awa_agent,awa_external_user");
};

template <class T>
inline void expect_failure(const domain::Outcome<T>& outcome, domain::errc kind,
                           const std::string& message,
                           const std::optional<std::string>& detail = {}) {
  BOOST_REQUIRE(!outcome.ok());
  BOOST_TEST(static_cast<int>(outcome.failure().kind) == static_cast<int>(kind));
  BOOST_TEST(outcome.failure().message == message);
  if (detail) BOOST_TEST(outcome.failure().detail.value_or("") == *detail);
}

}  // namespace awa::testing
