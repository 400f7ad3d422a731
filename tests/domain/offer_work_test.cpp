// Every rule and message of Offer Work for new assignments (contract section 1).
#include "domain/offer_work.hpp"

#include <boost/test/unit_test.hpp>

#include "tests/domain/fixture.hpp"

using namespace awa;
using namespace awa::testing;
using domain::errc;

namespace {

struct OfferFixture : StateFixture {
  domain::OfferRequest request(const std::string& document = demo::interaction) {
    domain::OfferRequest r;
    r.document_table = "interaction";
    r.document_id = document;
    r.queue_id = demo::queue;
    r.external_segment_id = "segment_1";
    auto& a = r.assignment.emplace();
    a.agent_sys_id = demo::alice;
    a.allowed_to_decline = "true";
    a.enable_auto_assign = "false";
    a.timeout = "30";
    a.offered_on = "2026-01-01T11:59:50.000";
    return r;
  }

  domain::Outcome<domain::OfferAccepted> offer(const domain::OfferRequest& r,
                                               const domain::Caller* who = nullptr) {
    domain::Transaction tx(state, clock.now());
    auto outcome = domain::offer_work(tx, ids, who ? *who : integration, r);
    if (outcome) tx.commit();
    return outcome;
  }

  // Checks the refusal and that nothing changed.
  void expect_refused(const domain::OfferRequest& r, errc kind, const std::string& message,
                      const domain::Caller* who = nullptr) {
    std::vector<domain::Record> before;
    for (const auto& record : state.rows(domain::Table::awa_work_item)) before.push_back(record);
    const auto outcome = offer(r, who);
    BOOST_REQUIRE(!outcome.ok());
    BOOST_TEST(static_cast<int>(outcome.failure().kind) == static_cast<int>(kind));
    BOOST_TEST(outcome.failure().message == message);
    BOOST_TEST(state.rows(domain::Table::awa_work_item).size() == before.size());
    for (const auto& record : before) {
      const auto* now = state.find(domain::Table::awa_work_item, record.id);
      BOOST_REQUIRE(now != nullptr);
      BOOST_TEST(now->values == record.values);
    }
  }
};

using namespace domain::work_item_field;
constexpr std::size_t item_state = domain::work_item_field::state;

}  // namespace

BOOST_FIXTURE_TEST_SUITE(offer_work, OfferFixture)

BOOST_AUTO_TEST_CASE(new_assignment_creates_a_pending_work_item) {
  const auto outcome = offer(request());
  BOOST_REQUIRE(outcome.ok());
  BOOST_TEST(outcome->message == "Manual assignment successfully requested.");
  const auto& w = outcome->work_item;
  BOOST_TEST(w.display_name == "Interaction: IMS0000221");
  BOOST_TEST(w.document_id == demo::interaction);
  BOOST_TEST(w.document_table == "interaction");
  BOOST_TEST(w.queue == demo::queue);

  const domain::Record* item = work_item_of(demo::interaction);
  BOOST_REQUIRE(item != nullptr);
  BOOST_TEST(item->id.str() == w.sys_id);
  BOOST_TEST((*item)[item_state] == "pending_accept");
  BOOST_TEST((*item)[assigned_to] == demo::alice);
  BOOST_TEST((*item)[active] == "true");
  BOOST_TEST((*item)[queue] == demo::queue);
  BOOST_TEST((*item)[offered_on] == "2026-01-01T11:59:50.000");
  BOOST_TEST((*item)[timeout] == "30");
  BOOST_TEST((*item)[deadline] == "2026-01-01T12:00:20.000");
  BOOST_TEST((*item)[allowed_to_decline] == "true");
  BOOST_TEST((*item)[enable_auto_assign] == "false");
  BOOST_TEST((*item)[display_option] == "card_only");
  BOOST_TEST((*item)[external_segment_id] == "segment_1");
  BOOST_TEST((*item)[rejected] == "false");
  BOOST_TEST((*item)[timed_out] == "false");
  BOOST_TEST((*item)[offer_count] == "1");
  BOOST_TEST((*item)[domain::kSysCreatedOn] == "2026-01-01 12:00:00");
}

BOOST_AUTO_TEST_CASE(task_documents_are_labelled_task) {
  auto r = request(demo::task);
  r.document_table = "task";
  const auto outcome = offer(r);
  BOOST_REQUIRE(outcome.ok());
  BOOST_TEST(outcome->work_item.display_name == "Task: TASK0000101");
}

BOOST_AUTO_TEST_CASE(managers_and_integration_users_may_call_others_may_not) {
  BOOST_TEST(offer(request(), &manager).ok());
  expect_refused(
      request(demo::interaction2), errc::forbidden,
      "Caller " + demo::alice + " does not have the awa_manager or awa_integration_user role",
      &agent);
  BOOST_TEST(offer(request(demo::interaction2), &admin).ok());
}

BOOST_AUTO_TEST_CASE(assignment_and_transfer_are_exclusive) {
  auto both = request();
  both.transfer.emplace();
  expect_refused(both, errc::bad_request, "Give either assignment or transfer, not both");
  auto neither = request();
  neither.assignment.reset();
  expect_refused(neither, errc::bad_request, "Missing required field: assignment");
}

BOOST_AUTO_TEST_CASE(required_fields_are_named) {
  auto r = request();
  r.queue_id.reset();
  expect_refused(r, errc::bad_request, "Missing required field: queue_id");
  r = request();
  r.queue_id = "";
  expect_refused(r, errc::bad_request, "Missing required field: queue_id");
  r = request();
  r.assignment->agent_sys_id.reset();
  expect_refused(r, errc::bad_request, "Missing required field: assignment.agent_sys_id");
}

BOOST_AUTO_TEST_CASE(booleans_take_every_platform_form) {
  const std::pair<std::string, std::string> forms[] = {
      {"true", "true"},   {"yes", "true"}, {"1", "true"},  {"TRUE", "true"},
      {"false", "false"}, {"no", "false"}, {"0", "false"}, {"No", "false"}};
  for (const auto& [given, stored] : forms) {
    auto r = request();
    r.assignment->allowed_to_decline = given;
    BOOST_REQUIRE(offer(r).ok());
    BOOST_TEST((*work_item_of(demo::interaction))[allowed_to_decline] == stored);
  }
  auto bad = request();
  bad.assignment->allowed_to_decline = "maybe";
  expect_refused(bad, errc::bad_request, "maybe is not a valid boolean value");
  bad = request();
  bad.assignment->enable_auto_assign = "2";
  expect_refused(bad, errc::bad_request, "2 is not a valid boolean value");
}

BOOST_AUTO_TEST_CASE(allowed_to_decline_defaults_to_true) {
  auto r = request();
  r.assignment->allowed_to_decline.reset();
  BOOST_REQUIRE(offer(r).ok());
  BOOST_TEST((*work_item_of(demo::interaction))[allowed_to_decline] == "true");
}

BOOST_AUTO_TEST_CASE(display_option_is_checked_even_without_auto_assign) {
  auto r = request();
  r.assignment->display_option = "card_and_sidebar";
  expect_refused(r, errc::bad_request, "card_and_sidebar is not a valid display option");
  r.assignment->display_option = "card_and_tab";
  BOOST_REQUIRE(offer(r).ok());
  BOOST_TEST((*work_item_of(demo::interaction))[display_option] == "card_and_tab");
}

BOOST_AUTO_TEST_CASE(auto_assign_accepts_at_once_and_ignores_the_countdown) {
  auto r = request();
  r.assignment->enable_auto_assign = "yes";
  r.assignment->timeout = "-5";  // ignored, so not an error
  r.assignment->after_timeout_presence = "00000000000000000000000000000000";
  BOOST_REQUIRE(offer(r).ok());
  const domain::Record& item = *work_item_of(demo::interaction);
  BOOST_TEST(item[item_state] == "accepted");
  BOOST_TEST(item[timeout] == "");
  BOOST_TEST(item[deadline] == "");
  BOOST_TEST(item[after_timeout_presence] == "");
  BOOST_TEST(item[enable_auto_assign] == "true");
}

BOOST_AUTO_TEST_CASE(timeout_must_be_a_non_negative_number) {
  auto r = request();
  r.assignment->timeout = "-1";
  expect_refused(r, errc::bad_request, "Timeout value cannot be negative");
  r.assignment->timeout = "soon";
  expect_refused(r, errc::bad_request, "Invalid value for assignment.timeout: soon");
  r.assignment->timeout = "30.5";
  expect_refused(r, errc::bad_request, "Invalid value for assignment.timeout: 30.5");
}

BOOST_AUTO_TEST_CASE(no_timeout_means_no_limit_and_ignores_offered_on_and_presence) {
  auto r = request();
  r.assignment->timeout.reset();
  r.assignment->offered_on = "not a time";
  r.assignment->after_timeout_presence = "00000000000000000000000000000000";
  BOOST_REQUIRE(offer(r).ok());
  const domain::Record& item = *work_item_of(demo::interaction);
  BOOST_TEST(item[timeout] == "");
  BOOST_TEST(item[deadline] == "");
  BOOST_TEST(item[offered_on] == "2026-01-01T12:00:00.000");
  BOOST_TEST(item[after_timeout_presence] == "");
}

BOOST_AUTO_TEST_CASE(offered_on_must_be_well_formed) {
  for (const std::string bad :
       {"2024-04-03 23:09:31.000", "2024-04-03T23:09:31", "2024-13-03T23:09:31.000",
        "2024-02-30T23:09:31.000", "2024-04-03T24:00:00.000", "yesterday"}) {
    auto r = request();
    r.assignment->offered_on = bad;
    expect_refused(
        r, errc::bad_request,
        "Offered time (" + bad + ") must be in the following format: yyyy-MM-dd'T'HH:mm:ss.SSS");
  }
}

BOOST_AUTO_TEST_CASE(offered_on_must_not_be_in_the_future) {
  auto r = request();
  r.assignment->offered_on = "2026-01-01T12:00:00.001";
  expect_refused(r, errc::bad_request,
                 "Offered time (2026-01-01T12:00:00.001) must be before the current time, "
                 "otherwise agent will have more time to accept the work item");
  r.assignment->offered_on = "2026-01-01T12:00:00.000";  // exactly now is fine
  BOOST_TEST(offer(r).ok());
}

BOOST_AUTO_TEST_CASE(the_deadline_must_be_after_now) {
  auto r = request();
  r.assignment->offered_on = "2026-01-01T11:59:30.000";
  r.assignment->timeout = "30";  // deadline is exactly now: no time left
  expect_refused(r, errc::bad_request,
                 "Timestamp after timeout (2026-01-01T11:59:30.000) must be after the current "
                 "time, otherwise agent has no time to accept the work item");
  r.assignment->timeout = "31";
  BOOST_REQUIRE(offer(r).ok());
  BOOST_TEST((*work_item_of(demo::interaction))[deadline] == "2026-01-01T12:00:01.000");
}

BOOST_AUTO_TEST_CASE(offered_on_defaults_to_now) {
  auto r = request();
  r.assignment->offered_on.reset();
  clock.advance(std::chrono::milliseconds(1234));
  BOOST_REQUIRE(offer(r).ok());
  const domain::Record& item = *work_item_of(demo::interaction);
  BOOST_TEST(item[offered_on] == "2026-01-01T12:00:01.234");
  BOOST_TEST(item[deadline] == "2026-01-01T12:00:31.234");
}

BOOST_AUTO_TEST_CASE(after_timeout_presence_must_be_a_presence_state) {
  auto r = request();
  r.assignment->after_timeout_presence = "0123456789abcdef0123456789abcdef";
  expect_refused(r, errc::not_found,
                 "0123456789abcdef0123456789abcdef is not a valid presence state");
  r.assignment->after_timeout_presence = "not-even-an-id";
  expect_refused(r, errc::not_found, "not-even-an-id is not a valid presence state");
  r.assignment->after_timeout_presence = std::string(domain::presence_states::away);
  BOOST_REQUIRE(offer(r).ok());
  BOOST_TEST((*work_item_of(demo::interaction))[after_timeout_presence] ==
             domain::presence_states::away);
}

BOOST_AUTO_TEST_CASE(the_document_must_exist_and_be_active) {
  auto r = request("0123456789abcdef0123456789abcdef");
  expect_refused(r, errc::not_found,
                 "Document interaction:0123456789abcdef0123456789abcdef not found");
  r = request();
  r.document_table = "incident";
  expect_refused(r, errc::not_found, "Document incident:" + demo::interaction + " not found");
  r = request();
  r.document_table = "sys_user";  // a table, but not one of documents
  expect_refused(r, errc::not_found, "Document sys_user:" + demo::interaction + " not found");
  r = request(demo::task);  // a task's sys_id under the interaction table
  expect_refused(r, errc::not_found, "Document interaction:" + demo::task + " not found");
  expect_refused(request(demo::closed_interaction), errc::conflict, "Document is not active");
}

BOOST_AUTO_TEST_CASE(the_queue_is_found_by_sys_id_or_external_id) {
  auto r = request();
  r.queue_id = demo::queue_external_id;
  const auto outcome = offer(r);
  BOOST_REQUIRE(outcome.ok());
  BOOST_TEST(outcome->work_item.queue == demo::queue_external_id);  // as the caller sent it
  BOOST_TEST((*work_item_of(demo::interaction))[queue] == demo::queue);
  r = request(demo::interaction2);
  r.queue_id = "no-such-queue";
  expect_refused(r, errc::not_found, "Queue no-such-queue not found");
}

BOOST_AUTO_TEST_CASE(the_agent_must_be_a_user_with_both_roles_and_available) {
  auto r = request();
  r.assignment->agent_sys_id = "0123456789abcdef0123456789abcdef";
  expect_refused(r, errc::not_found, "0123456789abcdef0123456789abcdef is not a valid agent");
  r.assignment->agent_sys_id = "nobody";
  expect_refused(r, errc::not_found, "nobody is not a valid agent");
  r.assignment->agent_sys_id = demo::integration;  // a user without awa_agent
  expect_refused(r, errc::conflict, demo::integration + " is not a valid agent");
  r.assignment->agent_sys_id = demo::dave;
  expect_refused(r, errc::conflict, "The user does not have the 'awa_external_user' role");
  r.assignment->agent_sys_id = demo::carol;
  expect_refused(r, errc::conflict, "Agent is not available");
}

BOOST_AUTO_TEST_CASE(an_agent_without_presence_is_offline) {
  domain::Record user = domain::blank_record(domain::Table::sys_user, ids.next());
  user[domain::user_field::user_name] = "erin.agent";
  user[domain::user_field::roles] = "awa_agent,awa_external_user";
  {
    domain::Transaction tx(state, clock.now());
    tx.put(user);
    tx.commit();
  }
  auto r = request();
  r.assignment->agent_sys_id = user.id.str();
  expect_refused(r, errc::conflict, "Agent is not available");
}

BOOST_AUTO_TEST_CASE(an_inactive_user_is_not_a_valid_agent) {
  domain::Record alice = *state.find(domain::Table::sys_user, demo::alice);
  alice[domain::user_field::active] = "false";
  {
    domain::Transaction tx(state, clock.now());
    tx.put(alice);
    tx.commit();
  }
  expect_refused(request(), errc::conflict, demo::alice + " is not a valid agent");
}

BOOST_AUTO_TEST_CASE(a_pending_offer_to_the_same_agent_is_re_offered) {
  BOOST_REQUIRE(offer(request()).ok());
  const std::string first = work_item_of(demo::interaction)->id.str();
  clock.advance(std::chrono::seconds(5));
  auto r = request();
  r.assignment->offered_on = "2026-01-01T12:00:04.000";
  r.assignment->timeout = "60";
  const auto outcome = offer(r);
  BOOST_REQUIRE(outcome.ok());
  BOOST_TEST(outcome->work_item.sys_id == first);
  const domain::Record& item = *work_item_of(demo::interaction);
  BOOST_TEST(item[deadline] == "2026-01-01T12:01:04.000");
  BOOST_TEST(item[timeout] == "60");
  BOOST_TEST(item[offer_count] == "1");
  BOOST_TEST(state.rows(domain::Table::awa_work_item).size() == 1u);
}

BOOST_AUTO_TEST_CASE(a_pending_offer_to_another_agent_is_a_conflict) {
  BOOST_REQUIRE(offer(request()).ok());
  auto r = request();
  r.assignment->agent_sys_id = demo::bob;
  expect_refused(r, errc::conflict, "Work Item is already assigned to " + demo::alice);
}

BOOST_AUTO_TEST_CASE(an_accepted_work_item_cannot_be_assigned) {
  auto r = request();
  r.assignment->enable_auto_assign = "true";
  BOOST_REQUIRE(offer(r).ok());
  expect_refused(request(), errc::conflict, "Work Item accepted can not be assigned");
  auto to_bob = request();
  to_bob.assignment->agent_sys_id = demo::bob;
  expect_refused(to_bob, errc::conflict, "Work Item accepted can not be assigned");
}

BOOST_AUTO_TEST_CASE(a_queued_work_item_is_offered_again_keeping_its_history) {
  BOOST_REQUIRE(offer(request()).ok());
  domain::Record item = *work_item_of(demo::interaction);
  item[item_state] = "queued";
  item[assigned_to] = "";
  item[rejected] = "true";
  {
    domain::Transaction tx(state, clock.now());
    tx.put(item);
    tx.commit();
  }
  auto r = request();
  r.assignment->agent_sys_id = demo::bob;
  const auto outcome = offer(r);
  BOOST_REQUIRE(outcome.ok());
  BOOST_TEST(outcome->work_item.sys_id == item.id.str());
  const domain::Record& after = *work_item_of(demo::interaction);
  BOOST_TEST(after[item_state] == "pending_accept");
  BOOST_TEST(after[assigned_to] == demo::bob);
  BOOST_TEST(after[offer_count] == "2");
  BOOST_TEST(after[rejected] == "true");
}

BOOST_AUTO_TEST_CASE(a_cancelled_work_item_leaves_room_for_a_new_one) {
  BOOST_REQUIRE(offer(request()).ok());
  domain::Record item = *work_item_of(demo::interaction);
  item[item_state] = "cancelled";
  item[active] = "false";
  {
    domain::Transaction tx(state, clock.now());
    tx.put(item);
    tx.commit();
  }
  BOOST_REQUIRE(work_item_of(demo::interaction) == nullptr);
  const auto outcome = offer(request());
  BOOST_REQUIRE(outcome.ok());
  BOOST_TEST(outcome->work_item.sys_id != item.id.str());
  BOOST_TEST(state.rows(domain::Table::awa_work_item).size() == 2u);
}

BOOST_AUTO_TEST_SUITE_END()
