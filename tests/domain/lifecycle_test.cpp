// The offer lifecycle on a manual clock: countdowns that run out (once, never early, also
// across a restart), accept and reject, manual assignment, capacities.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <future>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "domain/time_format.hpp"
#include "tests/domain/instance_fixture.hpp"

using namespace awa;
using namespace awa::testing;
using namespace std::chrono_literals;
namespace ps = domain::presence_states;
using domain::errc;

namespace {

using namespace domain::work_item_field;
constexpr std::size_t item_state = domain::work_item_field::state;
const std::string kReason = "b2f8942787851210be070d48dabb35fd";

// Writes `count` pending work items straight into the fixture's log, each pointing at the demo
// queue and agent, with deadlines 1, 2, 3... ms away.
void write_pending_items(LifecycleFixture& fixture, int count) {
  const auto queue = *domain::SysId::parse(demo::queue);
  domain::SysIdGenerator ids;
  domain::ChangeSet items;
  for (int i = 0; i < count; ++i) {
    domain::Record item = domain::blank_record(domain::Table::awa_work_item, ids.next());
    item[document_id] = ids.next().str();
    item[domain::work_item_field::queue] = queue.str();
    item[assigned_to] = demo::alice;
    item[item_state] = "pending_accept";
    item[active] = "true";
    item[deadline] =
        domain::format_offer_time(fixture.clock.now() + std::chrono::milliseconds(1 + i));
    items.push_back({domain::Table::awa_work_item, item.id, std::nullopt, std::move(item)});
  }
  const domain::ChangeSet* sets[] = {&items};
  BOOST_REQUIRE(!fixture.log.write(sets, {}, false));
}

// Which threads entered and left the load's memory.
class RecordingLoadMemory final : public domain::LoadMemory {
public:
  void enter() override {
    std::lock_guard lock(mutex_);
    BOOST_TEST(!inside_.contains(std::this_thread::get_id()));
    inside_.insert(std::this_thread::get_id());
    entered_.push_back(std::this_thread::get_id());
  }
  void leave() noexcept override {
    std::lock_guard lock(mutex_);
    BOOST_TEST(inside_.erase(std::this_thread::get_id()) == 1u);
  }
  std::vector<std::thread::id> entered() const {
    std::lock_guard lock(mutex_);
    return entered_;
  }
  std::size_t inside() const {
    std::lock_guard lock(mutex_);
    return inside_.size();
  }

private:
  mutable std::mutex mutex_;
  std::set<std::thread::id> inside_;
  std::vector<std::thread::id> entered_;
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(lifecycle, LifecycleFixture)

BOOST_AUTO_TEST_CASE(a_countdown_runs_out_at_its_deadline_once) {
  const std::string id = offer();
  BOOST_TEST(instance.pending_timeouts() == 1u);
  BOOST_TEST((*instance.next_timeout() <= clock.now() + 30s));
  BOOST_TEST(instance.capacities(integration, demo::alice).outcome->universal_workload == 1u);

  clock.advance(29999ms);
  BOOST_TEST(expire().expired == 0u);  // never early
  BOOST_TEST(item(id)[item_state] == "pending_accept");

  clock.advance(1ms);
  const auto round = expire();
  BOOST_TEST(round.fired == 1u);
  BOOST_TEST(round.expired == 1u);
  const auto expired = item(id);
  BOOST_TEST(expired[item_state] == "queued");
  BOOST_TEST(expired[assigned_to] == "");
  BOOST_TEST(expired[timed_out] == "true");
  BOOST_TEST(expired[active] == "true");
  BOOST_TEST(presence_of(demo::alice) == "Away");
  BOOST_TEST(instance.capacities(integration, demo::alice).outcome->universal_workload == 0u);

  clock.advance(1h);
  BOOST_TEST(expire().fired == 0u);  // once
  BOOST_TEST(instance.pending_timeouts() == 0u);
}

BOOST_AUTO_TEST_CASE(due_offers_expire_in_bounded_rounds_and_their_lateness_is_counted) {
  offer(demo::alice, "1", {}, std::nullopt, demo::interaction);
  offer(demo::bob, "2", {}, std::nullopt, demo::interaction2);
  clock.advance(2030ms);  // the first is 1030 ms late, the second 30 ms
  auto first = durable(instance.expire_due(1)).value();
  BOOST_TEST(first.fired == 1u);
  BOOST_TEST(first.expired == 1u);
  BOOST_TEST(instance.pending_timeouts() == 1u);
  BOOST_TEST((instance.next_timeout().value() <= clock.now()));  // the rest is due at once
  BOOST_TEST(durable(instance.expire_due(1)).value().expired == 1u);
  BOOST_TEST(durable(instance.expire_due(1)).value().fired == 0u);

  const auto stats = instance.timeout_stats();
  BOOST_TEST(stats.fired() == 2u);
  BOOST_TEST(stats.lateness_percentile_ms(0.5) == 30);
  BOOST_TEST(stats.max_lateness_ms() == 1030);
  BOOST_TEST(stats.lateness_percentile_ms(1.0) == 1030);  // beyond the exact range: the maximum
  BOOST_TEST(stats.peak_due_in_one_second() == 1u);       // deadlines a second apart
}

BOOST_AUTO_TEST_CASE(the_peak_counts_deadlines_within_any_one_second) {
  domain::TimeoutStats stats;
  const auto t = [](int ms) { return domain::TimePoint{domain::Milliseconds{ms}}; };
  // Across a wall-clock second boundary, but within one second of each other: one storm.
  for (int ms : {500, 900, 1200, 1400}) stats.record(t(ms), t(ms + 3));
  stats.record(t(2600), t(2600));  // more than a second after the others
  BOOST_TEST(stats.peak_due_in_one_second() == 4u);
  BOOST_TEST(stats.fired() == 5u);
  BOOST_TEST(stats.lateness_percentile_ms(0.5) == 3);
  BOOST_TEST(stats.lateness_percentile_ms(1.0) == 3);
  BOOST_TEST(stats.max_lateness_ms() == 3);
}

BOOST_AUTO_TEST_CASE(without_after_timeout_presence_presence_stays) {
  const std::string id = offer(demo::alice, "5", std::nullopt, std::nullopt);
  clock.advance(5s);
  BOOST_TEST(expire().expired == 1u);
  BOOST_TEST(presence_of(demo::alice) == "Available");
  BOOST_TEST(item(id)[timed_out] == "true");
}

BOOST_AUTO_TEST_CASE(offered_on_skew_shortens_the_countdown) {
  const std::string id = offer(demo::alice, "30", std::string("2026-01-01T11:59:50.000"));
  BOOST_TEST(item(id)[deadline] == "2026-01-01T12:00:20.000");
  clock.advance(19999ms);
  BOOST_TEST(expire().expired == 0u);
  clock.advance(1ms);
  BOOST_TEST(expire().expired == 1u);
}

BOOST_AUTO_TEST_CASE(a_re_offer_replaces_the_countdown) {
  const std::string id = offer(demo::alice, "30");
  clock.advance(10s);
  offer(demo::alice, "60");
  BOOST_TEST(instance.pending_timeouts() == 1u);
  clock.advance(25s);  // past the first deadline
  BOOST_TEST(expire().fired == 0u);
  clock.advance(35s);  // the second
  BOOST_TEST(expire().expired == 1u);
  BOOST_TEST(item(id)[item_state] == "queued");
}

BOOST_AUTO_TEST_CASE(auto_assign_and_no_timeout_arm_nothing) {
  offer(demo::alice, "");
  BOOST_TEST(instance.pending_timeouts() == 0u);
  BOOST_TEST(!instance.next_timeout());
}

BOOST_AUTO_TEST_CASE(accept_ends_the_countdown) {
  const std::string id = offer();
  const auto accepted = durable(instance.accept(integration, action(demo::alice, id)));
  BOOST_REQUIRE(accepted.ok());
  BOOST_TEST(accepted->document_sys_id == demo::interaction);
  BOOST_TEST(accepted->document_table == "interaction");
  BOOST_TEST(item(id)[item_state] == "accepted");
  BOOST_TEST(instance.pending_timeouts() == 0u);
  clock.advance(1h);
  BOOST_TEST(expire().fired == 0u);
  BOOST_TEST(item(id)[item_state] == "accepted");
  BOOST_TEST(instance.capacities(integration, demo::alice).outcome->universal_workload == 1u);
}

BOOST_AUTO_TEST_CASE(reject_requeues_and_ends_the_countdown) {
  const std::string id = offer();
  const auto done = durable(instance.reject(integration, action(demo::alice, id, kReason)));
  BOOST_REQUIRE(done.ok());
  const auto after = item(id);
  BOOST_TEST(after[item_state] == "queued");
  BOOST_TEST(after[assigned_to] == "");
  BOOST_TEST(after[rejected] == "true");
  BOOST_TEST(instance.pending_timeouts() == 0u);
  BOOST_TEST(presence_of(demo::alice) == "Available");
  // Queued again: another agent may get it.
  offer(demo::bob);
  BOOST_TEST(item(id)[offer_count] == "2");
}

BOOST_AUTO_TEST_CASE(inbox_action_errors_name_what_is_wrong) {
  const std::string id = offer();
  const std::string nobody = "0123456789abcdef0123456789abcdef";
  expect_failure(instance.accept(integration, action("", id)).outcome, errc::bad_request,
                 "Bad Request", "Missing agent ID");
  expect_failure(instance.accept(integration, {demo::alice, std::nullopt, {}}).outcome,
                 errc::bad_request, "Bad Request", "Missing work item ID");
  expect_failure(instance.reject(integration, action(demo::alice, id)).outcome, errc::bad_request,
                 "Bad Request", "Missing reject reason ID");
  expect_failure(instance.accept(integration, action(nobody, id)).outcome, errc::not_found,
                 "Record Not Found");
  expect_failure(instance.accept(integration, action(demo::alice, nobody)).outcome, errc::not_found,
                 "Record Not Found");
  expect_failure(instance.reject(integration, action(demo::alice, id, nobody)).outcome,
                 errc::not_found, "Record Not Found");
  expect_failure(instance.accept(integration, action(demo::bob, id)).outcome, errc::bad_request,
                 "Bad Request", "Work item is assigned to a different agent");
  BOOST_REQUIRE(durable(instance.accept(integration, action(demo::alice, id))).ok());
  expect_failure(instance.accept(integration, action(demo::alice, id)).outcome, errc::bad_request,
                 "Bad Request", "Work item is not in pending accept state");
  expect_failure(instance.reject(integration, action(demo::alice, id, kReason)).outcome,
                 errc::bad_request, "Bad Request", "Work item is not in pending accept state");
}

BOOST_AUTO_TEST_CASE(an_offer_that_may_not_be_declined_cannot_be_rejected) {
  domain::OfferRequest r = demo_offer(demo::alice);
  r.assignment->allowed_to_decline = "false";
  const auto offered = durable(instance.offer(integration, r));
  BOOST_REQUIRE(offered.ok());
  expect_failure(
      instance.reject(integration, action(demo::alice, offered->work_item.sys_id, kReason)).outcome,
      errc::conflict, "Work item cannot be declined");
  BOOST_TEST(item(offered->work_item.sys_id)[item_state] == "pending_accept");
}

BOOST_AUTO_TEST_CASE(agents_act_on_their_own_work_items_only) {
  const std::string id = offer();
  expect_failure(instance.accept(bob, action(demo::alice, id)).outcome, errc::forbidden,
                 "User Not Authorized");
  const auto manager = caller(demo::manager, "awa_manager");
  expect_failure(instance.accept(manager, action(demo::alice, id)).outcome, errc::forbidden,
                 "User Not Authorized");
  BOOST_TEST(durable(instance.accept(alice, action(demo::alice, id))).ok());
}

BOOST_AUTO_TEST_CASE(reject_reasons_by_channel_in_order) {
  const auto reasons = instance.reject_reasons(alice, ps::chat_channel).outcome;
  BOOST_REQUIRE(reasons.ok());
  BOOST_REQUIRE(reasons->size() == 2u);
  BOOST_TEST(reasons->at(0)[domain::reject_reason_field::value] == "busy");
  BOOST_TEST(reasons->at(1)[domain::reject_reason_field::value] == "skill");
  BOOST_TEST(instance.reject_reasons(alice, "0123456789abcdef0123456789abcdef").outcome->empty());
  expect_failure(
      instance.reject_reasons(caller(demo::manager, "awa_manager"), ps::chat_channel).outcome,
      errc::forbidden, "User Not Authorized");
}

BOOST_AUTO_TEST_CASE(manual_assignment_offers_an_unassigned_work_item) {
  const std::string id = offer(demo::alice, "10");
  domain::AssignmentFields to_bob;
  to_bob.agent_sys_id = demo::bob;
  to_bob.timeout = "20";
  expect_failure(instance.assign(integration, id, to_bob).outcome, errc::conflict,
                 "Work item " + id + " cannot be assigned");  // still assigned to alice
  clock.advance(10s);
  BOOST_TEST(expire().expired == 1u);
  const auto assigned = durable(instance.assign(integration, id, to_bob));
  BOOST_REQUIRE(assigned.ok());
  BOOST_TEST(assigned->message == "Manual assignment successfully requested.");
  BOOST_TEST(assigned->work_item.queue == demo::queue);
  const auto after = item(id);
  BOOST_TEST(after[item_state] == "pending_accept");
  BOOST_TEST(after[assigned_to] == demo::bob);
  BOOST_TEST(after[offer_count] == "2");
  BOOST_TEST(instance.pending_timeouts() == 1u);
  expect_failure(instance.assign(integration, "0123456789abcdef0123456789abcdef", to_bob).outcome,
                 errc::not_found, "Work item 0123456789abcdef0123456789abcdef not found");
  to_bob.agent_sys_id.reset();
  expect_failure(instance.assign(integration, id, to_bob).outcome, errc::bad_request,
                 "Missing required field: agent_sys_id");
  expect_failure(
      instance.assign(bob, id, to_bob).outcome, errc::forbidden,
      "Caller " + demo::bob + " does not have the awa_manager or awa_integration_user role");
}

BOOST_AUTO_TEST_CASE(capacities_and_presence_states) {
  offer(demo::alice, "30", {}, {}, demo::interaction);
  offer(demo::alice, "", {}, {}, demo::interaction2);
  const auto capacity = instance.capacities(integration, demo::alice).outcome;
  BOOST_REQUIRE(capacity.ok());
  BOOST_TEST(capacity->universal_capacity == domain::kDefaultUniversalCapacity);
  BOOST_TEST(capacity->universal_workload == 2u);
  BOOST_REQUIRE(capacity->channels.size() == 1u);
  BOOST_TEST(capacity->channels[0].workload == 2u);
  const auto states = instance.presence_states(integration, demo::alice).outcome;
  BOOST_REQUIRE(states.ok());
  BOOST_REQUIRE(states->size() == 3u);
  BOOST_TEST(states->at(0).name == "Available");
  BOOST_TEST(states->at(2).name == "Offline");
  BOOST_TEST(states->at(2).order == 2000);
}

BOOST_AUTO_TEST_CASE(countdowns_are_re_armed_after_a_restart) {
  const std::string id = offer(demo::alice, "30");
  instance.stop();
  domain::Instance restarted(clock, log, hasher, false);
  BOOST_REQUIRE(!restarted.load());
  BOOST_TEST(restarted.pending_timeouts() == 1u);
  clock.advance(29s);
  BOOST_TEST(restarted.expire_due().outcome->expired == 0u);
  clock.advance(1s);
  BOOST_TEST(restarted.expire_due().outcome->expired == 1u);
  BOOST_TEST(restarted.get(integration, "awa_work_item", id).outcome->values[item_state] ==
             "queued");
}

BOOST_AUTO_TEST_CASE(a_restart_rebuilds_more_records_than_one_load_chunk) {
  instance.stop();
  constexpr int kItems = static_cast<int>(domain::Instance::kLoadChunk) + 100;
  write_pending_items(*this, kItems);
  domain::Instance restarted(clock, log, hasher, false);
  BOOST_REQUIRE(!restarted.load());
  BOOST_TEST(restarted.pending_timeouts() == static_cast<std::size_t>(kItems));
  BOOST_TEST(restarted.capacities(integration, demo::alice).outcome->universal_workload ==
             static_cast<std::uint32_t>(kItems));
  BOOST_TEST(restarted.violations().empty());
  // Loaded with the queue already shared: the reference is held as a code, not 32 characters.
  const auto listed =
      restarted.list(integration, {"awa_work_item", "queue=" + demo::queue, std::string("1")});
  BOOST_REQUIRE(listed.outcome->size() == 1u);
  const auto& values = listed.outcome->front().values;
  BOOST_TEST(values[domain::work_item_field::queue] == demo::queue);
  BOOST_TEST(values.packed().size() < values.serialize().size() - 60);  // queue and agent
  // The first and the last deadline are armed.
  BOOST_TEST((*restarted.next_timeout() <= clock.now() + 1ms));
  clock.advance(std::chrono::milliseconds(kItems));
  BOOST_TEST(restarted.expire_due().outcome->expired == static_cast<std::size_t>(kItems));
}

BOOST_AUTO_TEST_CASE(a_restart_of_more_than_one_chunk_loads_on_two_threads_in_the_load_memory) {
  instance.stop();
  write_pending_items(*this, static_cast<int>(domain::Instance::kLoadChunk) * 2);
  RecordingLoadMemory memory;
  domain::Instance restarted(clock, log, hasher, false);
  BOOST_REQUIRE(!restarted.load(&memory));
  // The reading thread (this one) and the building one, each once, and both left.
  const auto entered = memory.entered();
  BOOST_REQUIRE(entered.size() == 2u);
  BOOST_TEST((entered[0] != entered[1]));
  BOOST_TEST((std::count(entered.begin(), entered.end(), std::this_thread::get_id()) == 1));
  BOOST_TEST(memory.inside() == 0u);
  BOOST_TEST(restarted.pending_timeouts() == domain::Instance::kLoadChunk * 2);
  BOOST_TEST(restarted.violations().empty());
}

BOOST_AUTO_TEST_CASE(a_restart_of_less_than_a_chunk_stays_out_of_the_load_memory) {
  offer();
  instance.stop();
  RecordingLoadMemory memory;
  domain::Instance restarted(clock, log, hasher, false);
  BOOST_REQUIRE(!restarted.load(&memory));
  BOOST_TEST(memory.entered().empty());
  BOOST_TEST(restarted.record_count() == instance.record_count());
}

BOOST_AUTO_TEST_CASE(an_offer_that_ran_out_while_down_expires_at_once) {
  const std::string id = offer(demo::alice, "30");
  instance.stop();
  clock.advance(1h);  // the server was down for an hour
  domain::Instance restarted(clock, log, hasher, false);
  BOOST_REQUIRE(!restarted.load());
  BOOST_TEST((*restarted.next_timeout() <= clock.now()));
  const auto round = restarted.expire_due();
  BOOST_TEST(round.outcome->expired == 1u);
  BOOST_TEST(restarted.agent(integration, demo::alice).outcome->presence.name == "Away");
}

BOOST_AUTO_TEST_CASE(an_expiry_that_cannot_be_written_is_retried) {
  const std::string id = offer(demo::alice, "30");
  clock.advance(30s);
  log.fail_writes = true;
  const auto failed = instance.expire_due();
  std::promise<std::error_code> done;
  instance.when_durable(failed.ticket, [&](std::error_code e) { done.set_value(e); });
  BOOST_TEST(static_cast<bool>(done.get_future().get()));
  BOOST_TEST(item(id)[item_state] == "pending_accept");  // taken back, timer re-armed
  BOOST_TEST(instance.pending_timeouts() == 1u);
  log.fail_writes = false;
  BOOST_TEST(expire().expired == 1u);
}

BOOST_AUTO_TEST_CASE(under_power_durability_a_failed_expiry_is_retried_too) {
  MemoryLog power_log;
  domain::Instance powered(clock, power_log, hasher, true);
  BOOST_REQUIRE(!powered.initialize({"secret", true}));
  domain::OfferRequest r = demo_offer(demo::alice);
  r.assignment->timeout = "30";
  const auto offered = powered.offer(integration, r);
  BOOST_REQUIRE(offered.outcome.ok());
  std::promise<std::error_code> offer_written;
  powered.when_durable(offered.ticket, [&](std::error_code e) { offer_written.set_value(e); });
  BOOST_REQUIRE(!offer_written.get_future().get());
  clock.advance(30s);
  power_log.fail_writes = true;
  const auto failed = powered.expire_due();
  BOOST_TEST(failed.outcome.ok());  // applied, queued for the group fsync ...
  std::promise<std::error_code> done;
  powered.when_durable(failed.ticket, [&](std::error_code e) { done.set_value(e); });
  BOOST_TEST(static_cast<bool>(done.get_future().get()));  // ... which failed: taken back
  BOOST_TEST(powered.pending_timeouts() == 1u);
  BOOST_TEST(powered.violations().empty());
  power_log.fail_writes = false;
  BOOST_TEST(powered.expire_due().outcome->expired == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
