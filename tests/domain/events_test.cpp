// Outcome events: one per meaningful change, numbered 1, 2, 3... without gaps through
// re-offers, timeouts, transfers, consults, undone writes and restarts; read from memory or the
// log; an agent reads only its own.
#include <boost/test/unit_test.hpp>

#include "tests/domain/instance_fixture.hpp"

using namespace awa;
using namespace awa::testing;
using namespace std::chrono_literals;
using domain::errc;
using domain::EventType;

namespace {

namespace wf = domain::work_item_field;

struct EventsFixture : LifecycleFixture {
  // Every event, read as an admin would, after `after`.
  std::vector<domain::EventPtr> events(std::uint64_t after = 0,
                                       const domain::Caller* reader = nullptr) {
    domain::EventQuery query;
    query.after = after;
    const auto page = instance.events(reader ? *reader : integration, query);
    BOOST_REQUIRE(page.ok());
    return page->events;
  }
  std::vector<EventType> types(std::uint64_t after = 0) {
    std::vector<EventType> out;
    for (const auto& e : events(after)) out.push_back(e->type);
    return out;
  }
  // Numbers are 1, 2, 3... with none missing.
  void expect_gapless() {
    std::uint64_t expected = 1;
    for (const auto& e : events()) BOOST_TEST(e->seq == expected++);
  }
  domain::Answer<domain::OfferAccepted> transfer(const std::string& target_type,
                                                 const std::string& target_id,
                                                 const std::string& transfer_type) {
    domain::OfferRequest r;
    r.document_table = "interaction";
    r.document_id = demo::interaction;
    auto& t = r.transfer.emplace();
    t.source_queue_id = demo::queue;
    t.target_type = target_type;
    t.target_id = target_id;
    t.transfer_type = transfer_type;
    t.offer = domain::AssignmentFields{};
    return instance.offer(integration, r);
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(events, EventsFixture)

BOOST_AUTO_TEST_CASE(setting_up_the_demo_makes_no_event) {
  BOOST_TEST(events().empty());
  BOOST_TEST(instance.event_tail().last() == 0u);
}

BOOST_AUTO_TEST_CASE(an_offer_its_re_offer_and_its_accept_are_three_events_in_order) {
  const std::string id = offer(demo::alice, "30");
  clock.advance(1s);
  offer(demo::alice, "30");  // a re-offer: a new countdown, the same state
  BOOST_REQUIRE(durable(instance.accept(integration, action(demo::alice, id))).ok());
  const auto all = events();
  BOOST_REQUIRE(all.size() == 3u);
  BOOST_TEST(all[0]->type == EventType::offered);
  BOOST_TEST(all[0]->previous == "");  // a new work item: no state before
  BOOST_TEST(all[1]->type == EventType::offered);
  BOOST_TEST(all[1]->previous == "pending_accept");
  BOOST_TEST((all[1]->time - all[0]->time == 1s));
  BOOST_TEST(all[2]->type == EventType::accepted);
  BOOST_TEST(all[2]->subject() == id);
  BOOST_TEST(all[2]->agent == demo::alice);
  BOOST_TEST(all[2]->record[wf::state] == "accepted");
  expect_gapless();
}

BOOST_AUTO_TEST_CASE(a_timeout_is_the_work_item_s_event_then_the_agent_s_presence) {
  const std::string id = offer(demo::alice, "5");
  clock.advance(6s);
  BOOST_TEST(expire().expired == 1u);
  const auto all = events();
  BOOST_REQUIRE(all.size() == 3u);
  BOOST_TEST(all[1]->type == EventType::timed_out);
  BOOST_TEST(all[1]->subject() == id);
  BOOST_TEST(all[1]->previous == "pending_accept");
  BOOST_TEST(all[1]->record[wf::assigned_to] == "");
  BOOST_TEST(all[1]->agent == demo::alice);  // the agent it was taken from
  BOOST_TEST(all[2]->type == EventType::presence_changed);
  BOOST_TEST(all[2]->subject() == demo::alice);
  BOOST_TEST(all[2]->previous == std::string(ps::available));
  BOOST_TEST(all[2]->record[domain::agent_presence_field::current_presence_state] ==
             std::string(ps::away));
  expect_gapless();
}

BOOST_AUTO_TEST_CASE(a_reject_and_a_presence_change_through_the_agent_api) {
  const std::string id = offer(demo::alice, "30");
  BOOST_REQUIRE(
      durable(instance.reject(integration, action(demo::alice, id, demo::reject_reason))).ok());
  BOOST_REQUIRE(
      durable(instance.set_agent_presence(integration, demo::bob, std::string(ps::away))).ok());
  // Setting the presence it already has changes nothing, and makes no event.
  BOOST_REQUIRE(
      durable(instance.set_agent_presence(integration, demo::bob, std::string(ps::away))).ok());
  BOOST_TEST(types() == (std::vector<EventType>{EventType::offered, EventType::rejected,
                                                EventType::presence_changed}));
  const auto all = events();
  BOOST_TEST(all[1]->agent == demo::alice);
  BOOST_TEST(all[1]->record[wf::state] == "queued");
  BOOST_TEST(all[2]->subject() == demo::bob);
}

BOOST_AUTO_TEST_CASE(transfers_and_consults) {
  const std::string first = offer(demo::alice, "30");
  BOOST_REQUIRE(durable(instance.accept(integration, action(demo::alice, first))).ok());
  const auto consult = durable(transfer("agent", demo::bob, "consult"));
  BOOST_REQUIRE(consult.ok());
  BOOST_REQUIRE(
      durable(instance.accept(integration, action(demo::bob, consult->work_item.sys_id))).ok());
  BOOST_REQUIRE(durable(instance.end_consult(integration, {demo::interaction, "false"})).ok());
  const auto moved = durable(transfer("agent", demo::bob, "blind"));
  BOOST_REQUIRE(moved.ok());
  BOOST_TEST(types() == (std::vector<EventType>{EventType::offered, EventType::accepted,
                                                EventType::consult_started, EventType::accepted,
                                                EventType::consult_ended, EventType::transferred,
                                                EventType::offered}));
  const auto all = events();
  BOOST_TEST(all[2]->subject() == consult->work_item.sys_id);
  BOOST_TEST(all[2]->agent == demo::bob);
  BOOST_TEST(all[4]->record[wf::consult_state] == "ended");
  BOOST_TEST(all[5]->subject() == first);
  BOOST_TEST(all[6]->subject() == moved->work_item.sys_id);
  BOOST_TEST(all[6]->agent == demo::bob);
  expect_gapless();
}

BOOST_AUTO_TEST_CASE(a_change_whose_rule_names_no_event_makes_the_one_its_images_imply) {
  domain::SysIdGenerator ids;
  domain::Record before = domain::blank_record(domain::Table::awa_work_item, ids.next());
  before[wf::state] = "queued";
  domain::Record after = before;
  const auto implied = [&](std::string_view state) {
    after[wf::state] = state;
    return domain::implied_event(&before, after);
  };
  BOOST_TEST(implied("pending_accept") == EventType::offered);
  BOOST_TEST(implied("accepted") == EventType::accepted);
  BOOST_TEST(implied("cancelled") == EventType::cancelled);
  BOOST_TEST(implied("queued") == EventType::none);  // no change of state
  after[wf::display_name] = "renamed";
  BOOST_TEST(implied("queued") == EventType::none);
  after[wf::state] = "pending_accept";
  BOOST_TEST(domain::implied_event(nullptr, after) == EventType::offered);  // made so

  domain::Record presence = domain::blank_record(domain::Table::awa_agent_presence, ids.next());
  presence[domain::agent_presence_field::agent] = demo::alice;
  presence[domain::agent_presence_field::current_presence_state] = std::string(ps::away);
  BOOST_TEST(domain::implied_event(nullptr, presence) == EventType::presence_changed);
  BOOST_TEST(domain::implied_event(&presence, presence) == EventType::none);
  domain::Record queue = domain::blank_record(domain::Table::awa_queue, ids.next());
  BOOST_TEST(domain::implied_event(nullptr, queue) == EventType::none);
}

BOOST_AUTO_TEST_CASE(a_write_that_fails_makes_no_event_and_uses_no_number) {
  offer(demo::alice, "30");
  log.fail_writes = true;
  const auto failed = instance.offer(integration, demo_offer(demo::bob, demo::interaction2));
  std::promise<std::error_code> done;
  instance.when_durable(failed.ticket, [&](std::error_code e) { done.set_value(e); });
  BOOST_TEST(static_cast<bool>(done.get_future().get()));
  BOOST_TEST(log.events.size() == 1u);
  log.fail_writes = false;
  offer(demo::bob, "30", {}, std::string(ps::away), demo::interaction2);
  BOOST_TEST(types() == (std::vector<EventType>{EventType::offered, EventType::offered}));
  BOOST_TEST(log.events.size() == 2u);
  expect_gapless();
}

BOOST_AUTO_TEST_CASE(an_event_a_failed_write_left_on_disk_is_dropped_with_its_change) {
  offer(demo::alice, "30");
  log.fail_writes = true;
  log.failed_writes_reach_disk = true;  // a WAL append whose sync failed
  const auto failed = instance.offer(integration, demo_offer(demo::bob, demo::interaction2));
  std::promise<std::error_code> done;
  instance.when_durable(failed.ticket, [&](std::error_code e) { done.set_value(e); });
  BOOST_TEST(static_cast<bool>(done.get_future().get()));
  BOOST_TEST(log.events.size() == 2u);  // on disk, but not acknowledged
  BOOST_TEST(events().size() == 1u);    // and never published
  log.fail_writes = false;
  // The next write drops it (with the records written back), though it makes no event itself
  // (bob's presence set to what it is)...
  BOOST_REQUIRE(
      durable(instance.set_agent_presence(integration, demo::bob, std::string(ps::available)))
          .ok());
  BOOST_TEST(log.events.size() == 1u);
  // ...and the next event is numbered 2 again: an accept, not the failed offer.
  BOOST_REQUIRE(
      durable(instance.accept(integration, action(demo::alice, item_of_document()))).ok());
  BOOST_REQUIRE(log.events.size() == 2u);
  BOOST_TEST(log.events.at(2).type == EventType::accepted);
  expect_gapless();
}

BOOST_AUTO_TEST_CASE(numbering_goes_on_after_a_restart_and_older_events_come_from_the_log) {
  offer(demo::alice, "30");
  offer(demo::bob, "30", {}, std::string(ps::away), demo::interaction2);
  {
    domain::Instance restarted{clock, log, hasher, false};
    BOOST_REQUIRE(!restarted.load());
    BOOST_TEST(restarted.event_tail().last() == 2u);
    BOOST_TEST(!restarted.events_in_memory(0));
    const auto page = restarted.events(integration, {});
    BOOST_REQUIRE(page.ok());
    BOOST_REQUIRE(page->events.size() == 2u);
    BOOST_TEST(page->events[1]->subject() == page->events[1]->record.id.str());
    BOOST_TEST(page->next == 2u);
    // The next change is numbered 3.
    const auto accepted =
        restarted.accept(integration, action(demo::alice, page->events[0]->subject()));
    std::promise<std::error_code> done;
    restarted.when_durable(accepted.ticket, [&](std::error_code e) { done.set_value(e); });
    BOOST_REQUIRE(!done.get_future().get());
    BOOST_TEST(restarted.event_tail().last() == 3u);
    BOOST_TEST(log.events.rbegin()->second.type == EventType::accepted);
  }
}

BOOST_AUTO_TEST_CASE(an_agent_reads_its_own_events_and_others_none) {
  const std::string id = offer(demo::alice, "30");
  offer(demo::bob, "30", {}, std::string(ps::away), demo::interaction2);
  BOOST_REQUIRE(
      durable(instance.set_agent_presence(integration, demo::alice, std::string(ps::away))).ok());
  const auto own = events(0, &alice);
  BOOST_REQUIRE(own.size() == 2u);
  BOOST_TEST(own[0]->subject() == id);
  BOOST_TEST(own[1]->subject() == demo::alice);
  const auto nobody = caller("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", "awa_external_user");
  expect_failure(instance.events(nobody, {}), errc::forbidden, "User Not Authorized");
}

BOOST_AUTO_TEST_CASE(a_page_ends_at_its_limit_and_types_filter_it) {
  const std::string id = offer(demo::alice, "30");
  BOOST_REQUIRE(durable(instance.accept(integration, action(demo::alice, id))).ok());
  offer(demo::bob, "30", {}, std::string(ps::away), demo::interaction2);
  domain::EventQuery query;
  query.limit = 2;
  auto page = instance.events(integration, query);
  BOOST_REQUIRE(page.ok());
  BOOST_TEST(page->events.size() == 2u);
  BOOST_TEST(page->next == 2u);
  query.after = page->next;
  page = instance.events(integration, query);
  BOOST_TEST(page->events.size() == 1u);
  BOOST_TEST(page->next == 3u);
  query.after = 3;
  page = instance.events(integration, query);
  BOOST_TEST(page->events.empty());
  BOOST_TEST(page->next == 3u);  // nothing newer: read on from the same place

  query = {};
  query.types = 1U << static_cast<unsigned>(EventType::accepted);
  page = instance.events(integration, query);
  BOOST_REQUIRE(page->events.size() == 1u);
  BOOST_TEST(page->events[0]->type == EventType::accepted);
  BOOST_TEST(page->next == 3u);  // the filtered ones were looked at
}

BOOST_AUTO_TEST_CASE(events_past_retention_are_gone_and_the_newest_always_stays) {
  offer(demo::alice, "30");
  clock.advance(1h);
  offer(demo::bob, "30", {}, std::string(ps::away), demo::interaction2);
  clock.advance(1h);
  BOOST_REQUIRE(!log.trim_events(clock.now() - 90min, 1000));  // by age: the first goes
  domain::Instance restarted{clock, log, hasher, false};
  BOOST_REQUIRE(!restarted.load());
  expect_failure(restarted.events(integration, {}), errc::gone, "Events after 0 are no longer kept",
                 "The oldest event kept is 2");
  domain::EventQuery query;
  query.after = 1;
  BOOST_TEST(restarted.events(integration, query)->events.size() == 1u);
  BOOST_REQUIRE(!log.trim_events(clock.now() + 1h, 0));  // everything is old: the newest stays
  BOOST_TEST(log.first_event() == 2u);
  BOOST_TEST(log.last_event() == 2u);
}

BOOST_AUTO_TEST_SUITE_END()
