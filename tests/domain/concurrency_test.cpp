// Many threads offering, accepting, rejecting, switching presence and expiring offers against a
// few agents at once; afterwards every invariant holds, each timer fired once, and the state
// rebuilt from the log equals the state in memory. Runs under ThreadSanitizer in CI.
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <future>
#include <random>
#include <thread>

#include "domain/instance.hpp"
#include "tests/domain/fixture.hpp"

using namespace awa;
using namespace awa::testing;
using namespace std::chrono_literals;
namespace ps = domain::presence_states;

namespace {

const std::vector<std::string> kAgents = {demo::alice, demo::bob, demo::carol};

std::map<std::pair<domain::Table, domain::SysId>, memory::PackedValues> snapshot(
    domain::DurableLog& log) {
  std::map<std::pair<domain::Table, domain::SysId>, memory::PackedValues> out;
  BOOST_REQUIRE(!log.load(memory::ValueDictionary::fixed(), [&](domain::Record&& r) {
    out[{r.table, r.id}] = r.values;
  }));
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(concurrency)

BOOST_AUTO_TEST_CASE(concurrent_lifecycles_keep_every_invariant) {
  domain::ManualClock clock{at("2026-01-01T12:00:00.000")};
  MemoryLog log;
  PlainHasher hasher;
  domain::Instance instance(clock, log, hasher, false);
  BOOST_REQUIRE(!instance.initialize({"secret", true}));
  const auto admin = caller("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "admin");
  const auto integration = caller(demo::integration, "awa_integration_user");

  // Twenty documents to fight over.
  std::vector<std::string> documents;
  for (int i = 0; i < 20; ++i) {
    const auto created = instance.create(admin, "interaction", {{"short_description", "doc"}});
    BOOST_REQUIRE(created.outcome.ok());
    documents.push_back(created.outcome->id.str());
  }
  for (const auto& agent : kAgents) {
    BOOST_REQUIRE(
        instance.set_agent_presence(integration, agent, std::string(ps::available)).outcome.ok());
  }

  std::atomic<bool> running{true};
  std::atomic<std::size_t> fired{0}, expired{0}, answered{0};
  std::vector<std::thread> workers;
  for (int w = 0; w < 4; ++w) {
    workers.emplace_back([&, w] {
      std::mt19937 random(static_cast<unsigned>(w));
      const auto pick = [&](const auto& v) { return v[random() % v.size()]; };
      for (int op = 0; op < 1500; ++op) {
        if (op % 50 == 49) {  // time passes for everyone: countdowns run out mid-run
          clock.advance(500ms);
          const auto round = instance.expire_due();
          fired += round.outcome->fired;
          expired += round.outcome->expired;
        }
        const std::string document = pick(documents);
        const std::string agent = pick(kAgents);
        switch (random() % 6) {
          case 0:
          case 1: {
            domain::OfferRequest r = demo_offer(agent, document);
            auto& a = *r.assignment;
            a.timeout = std::to_string(1 + random() % 5);
            if (random() % 2 == 0) a.after_timeout_presence = std::string(ps::away);
            instance.offer(integration, r);
            break;
          }
          case 2:
          case 3: {
            const auto items = instance.list(
                integration, {"awa_work_item", "document_id=" + document + "^active=true"});
            if (!items.outcome.ok() || items.outcome->empty()) break;
            const auto& item = items.outcome->front();
            domain::InboxActionRequest request{
                std::string(item[domain::work_item_field::assigned_to]), item.id.str(),
                std::string("b2f8942787851210be070d48dabb35fd")};
            if (random() % 2 == 0) {
              instance.accept(integration, request);
            } else {
              instance.reject(integration, request);
            }
            break;
          }
          case 4:
            instance.set_agent_presence(integration, agent,
                                        std::string(random() % 3 == 0 ? ps::away : ps::available));
            break;
          default:
            instance.capacities(integration, agent);
            break;
        }
        answered.fetch_add(1, std::memory_order_relaxed);
      }
    });
  }
  std::thread timekeeper([&] {
    while (running) {
      clock.advance(137ms);
      const auto round = instance.expire_due();
      fired += round.outcome->fired;
      expired += round.outcome->expired;
    }
  });
  for (auto& w : workers) w.join();
  running = false;
  timekeeper.join();

  // Let every countdown run out.
  clock.advance(10s);
  const auto last = instance.expire_due();
  fired += last.outcome->fired;
  expired += last.outcome->expired;
  std::promise<std::error_code> durable;
  instance.when_durable(last.ticket, [&](std::error_code e) { durable.set_value(e); });
  BOOST_REQUIRE(!durable.get_future().get());

  BOOST_TEST(answered.load() == 6000u);
  BOOST_TEST(fired.load() > 0u);
  BOOST_TEST(fired.load() == expired.load());  // no timer fired for an offer no longer pending
  BOOST_TEST(instance.pending_timeouts() == 0u);
  const auto problems = instance.violations();
  BOOST_TEST(problems.empty(), (problems.empty() ? std::string() : problems.front()));

  // Memory equals what a restart would rebuild from the log alone.
  instance.stop();
  const auto stored = snapshot(log);
  domain::Instance rebuilt(clock, log, hasher, false);
  BOOST_REQUIRE(!rebuilt.load());
  BOOST_TEST(rebuilt.record_count() == instance.record_count());
  BOOST_TEST(rebuilt.record_count() == stored.size());
  for (const auto& [key, values] : stored) {
    const auto record = instance.get(admin, domain::spec_of(key.first).name, key.second.str());
    BOOST_REQUIRE(record.outcome.ok());
    BOOST_REQUIRE(record.outcome->values == values);
  }
  BOOST_TEST(rebuilt.violations().empty());

  // Events: numbered 1..N without a gap in the log, published in that order, and each one's
  // record the state its change left (the work item's last event shows it as it is now).
  BOOST_REQUIRE(!log.events.empty());
  std::uint64_t expected = 1;
  std::map<domain::SysId, const domain::Event*> last_of;
  for (const auto& [seq, event] : log.events) {
    BOOST_REQUIRE(seq == expected++);
    if (event.record.table == domain::Table::awa_work_item) last_of[event.record.id] = &event;
  }
  BOOST_TEST(instance.event_tail().last() == log.events.rbegin()->first);
  for (const auto& [id, event] : last_of) {
    const auto now = instance.get(admin, "awa_work_item", id.str());
    BOOST_REQUIRE(now.outcome.ok());
    BOOST_TEST(now.outcome.value()[domain::work_item_field::state] ==
               event->record[domain::work_item_field::state]);
  }
}

BOOST_AUTO_TEST_SUITE_END()
