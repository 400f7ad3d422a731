// Transfers (blind and consult, to agents and queues) and the Agent Consult API, with the state
// before and after: a refused transfer changes nothing.
#include <boost/test/unit_test.hpp>

#include "tests/domain/instance_fixture.hpp"

using namespace awa;
using namespace awa::testing;
using namespace std::chrono_literals;
using domain::errc;

namespace {

using namespace domain::work_item_field;
constexpr std::size_t item_state = domain::work_item_field::state;
const std::string kBilling = "a2f8942787851210be070d48dabb35fc";

struct TransferFixture : LifecycleFixture {
  domain::Answer<domain::OfferAccepted> transfer(const std::string& target_type,
                                                 const std::string& target_id,
                                                 const std::string& transfer_type,
                                                 const std::string& document = demo::interaction,
                                                 domain::AssignmentFields offer = {}) {
    domain::OfferRequest r;
    r.document_table = "interaction";
    r.document_id = document;
    auto& t = r.transfer.emplace();
    t.source_queue_id = demo::queue;
    t.target_type = target_type;
    t.target_id = target_id;
    t.transfer_type = transfer_type;
    t.offer = std::move(offer);
    return instance.offer(integration, r);
  }

  std::string accepted_by_alice() {
    const std::string id = offer(demo::alice, "30");
    BOOST_REQUIRE(durable(instance.accept(integration, {demo::alice, id, {}})).ok());
    return id;
  }

  std::vector<memory::PackedValues> work_items() {
    std::vector<memory::PackedValues> rows;
    const auto listed = instance.list(integration, {"awa_work_item"});
    for (const auto& r : listed.outcome.value()) {
      rows.push_back(r.values);
    }
    return rows;
  }

  std::uint32_t workload(const std::string& agent) {
    return instance.capacities(integration, agent).outcome->universal_workload;
  }

  // Checks the refusal and that the work items are as they were.
  void expect_refused(const domain::Answer<domain::OfferAccepted>& answer,
                      const std::vector<memory::PackedValues>& before, errc kind,
                      const std::string& message) {
    expect_failure(answer.outcome, kind, message);
    BOOST_TEST(work_items() == before);
  }

  domain::Answer<std::string> end_consult(std::optional<std::string> hand_over,
                                          std::optional<std::string> document = demo::interaction) {
    return instance.end_consult(integration, {std::move(document), std::move(hand_over)});
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(transfers, TransferFixture)

BOOST_AUTO_TEST_CASE(a_blind_transfer_to_an_agent_moves_the_work) {
  const std::string first = accepted_by_alice();
  domain::AssignmentFields offer;
  offer.timeout = "20";
  const auto moved = durable(transfer("agent", demo::bob, "blind", demo::interaction, offer));
  BOOST_REQUIRE(moved.ok());
  BOOST_TEST(moved->message == "Transfer successfully requested.");
  BOOST_TEST(moved->work_item.queue == demo::queue);
  const auto to = item(moved->work_item.sys_id);
  BOOST_TEST(to[item_state] == "pending_accept");
  BOOST_TEST(to[assigned_to] == demo::bob);
  BOOST_TEST(to[previous_work_item] == first);
  BOOST_TEST(to[deadline] == "2026-01-01T12:00:20.000");
  const auto from = item(first);
  BOOST_TEST(from[active] == "false");
  BOOST_TEST(from[item_state] == "accepted");  // done, not cancelled: Alice had it
  BOOST_TEST(workload(demo::alice) == 0u);
  BOOST_TEST(workload(demo::bob) == 1u);
  BOOST_TEST(instance.pending_timeouts() == 1u);
}

BOOST_AUTO_TEST_CASE(a_blind_transfer_to_an_unavailable_agent_changes_nothing) {
  accepted_by_alice();
  const auto before = work_items();
  expect_refused(transfer("agent", demo::carol, "blind"), before, errc::conflict,
                 "Transfer failed - couldn't blind transfer to agent");
  expect_refused(transfer("agent", demo::dave, "blind"), before, errc::conflict,
                 "The user does not have the 'awa_external_user' role");
  expect_refused(transfer("agent", "0123456789abcdef0123456789abcdef", "blind"), before,
                 errc::not_found, "0123456789abcdef0123456789abcdef is not a valid agent");
}

BOOST_AUTO_TEST_CASE(a_blind_transfer_to_a_queue_by_external_id) {
  const std::string first = offer(demo::alice, "30");  // still pending
  const auto moved = durable(transfer("queue", "ccaas-billing", "blind"));
  BOOST_REQUIRE(moved.ok());
  BOOST_TEST(moved->work_item.queue == "ccaas-billing");
  const auto to = item(moved->work_item.sys_id);
  BOOST_TEST(to[item_state] == "queued");
  BOOST_TEST(to[assigned_to] == "");
  BOOST_TEST(to[queue] == kBilling);
  BOOST_TEST(item(first)[item_state] == "cancelled");  // never accepted
  BOOST_TEST(instance.pending_timeouts() == 0u);       // the old countdown is gone
  BOOST_TEST(workload(demo::alice) == 0u);
}

BOOST_AUTO_TEST_CASE(the_source_queue_makes_a_work_item_when_there_is_none) {
  const auto moved = durable(transfer("agent", demo::bob, "blind", demo::interaction2));
  BOOST_REQUIRE(moved.ok());
  const auto to = item(moved->work_item.sys_id);
  BOOST_TEST(to[assigned_to] == demo::bob);
  const auto from = item(std::string(to[previous_work_item]));
  BOOST_TEST(from[queue] == demo::queue);
  BOOST_TEST(from[item_state] == "cancelled");
  BOOST_TEST(from[active] == "false");
  BOOST_TEST(work_items().size() == 2u);
}

BOOST_AUTO_TEST_CASE(transfer_fields_are_required_and_checked) {
  accepted_by_alice();
  const auto before = work_items();
  for (const char* field : {"source_queue_id", "target_id", "target_type", "transfer_type"}) {
    domain::OfferRequest r;
    r.document_table = "interaction";
    r.document_id = demo::interaction;
    auto& t = r.transfer.emplace();
    t.source_queue_id = demo::queue;
    t.target_id = demo::bob;
    t.target_type = "agent";
    t.transfer_type = "blind";
    if (std::string(field) == "source_queue_id") t.source_queue_id.reset();
    if (std::string(field) == "target_id") t.target_id.reset();
    if (std::string(field) == "target_type") t.target_type = "";
    if (std::string(field) == "transfer_type") t.transfer_type.reset();
    expect_refused(instance.offer(integration, r), before, errc::bad_request,
                   "Missing required field: transfer." + std::string(field));
  }
  expect_refused(transfer("team", demo::bob, "blind"), before, errc::bad_request,
                 "team is not a valid target type");
  expect_refused(transfer("agent", demo::bob, "warm"), before, errc::bad_request,
                 "warm is not a valid transfer type");
  expect_refused(transfer("queue", "nowhere", "blind"), before, errc::not_found,
                 "Queue nowhere not found");
  domain::AssignmentFields bad;
  bad.timeout = "-3";
  expect_refused(transfer("agent", demo::bob, "blind", demo::interaction, bad), before,
                 errc::bad_request, "Timeout value cannot be negative");
}

BOOST_AUTO_TEST_CASE(a_consult_offers_a_second_work_item_beside_the_first) {
  const std::string first = accepted_by_alice();
  const auto consult = durable(transfer("agent", demo::bob, "consult"));
  BOOST_REQUIRE(consult.ok());
  const auto c = item(consult->work_item.sys_id);
  BOOST_TEST(c[consult_state] == "open");
  BOOST_TEST(c[item_state] == "pending_accept");
  BOOST_TEST(c[assigned_to] == demo::bob);
  BOOST_TEST(c[previous_work_item] == first);
  BOOST_TEST(item(first)[item_state] == "accepted");
  BOOST_TEST(item(first)[active] == "true");
  BOOST_TEST(workload(demo::alice) == 1u);
  BOOST_TEST(workload(demo::bob) == 1u);
  // A new assignment still sees Alice's work item.
  domain::OfferRequest r = demo_offer(demo::bob);
  expect_failure(instance.offer(integration, r).outcome, errc::conflict,
                 "Work Item accepted can not be assigned");
}

BOOST_AUTO_TEST_CASE(a_consult_needs_an_accepted_work_item_and_no_other_consult) {
  offer(demo::alice, "30");
  auto before = work_items();
  expect_refused(transfer("agent", demo::bob, "consult"), before, errc::conflict,
                 "Work item must be accepted to consult");
  BOOST_REQUIRE(durable(instance.accept(integration, {demo::alice, item_of_document(), {}})).ok());
  BOOST_REQUIRE(durable(transfer("agent", demo::bob, "consult")).ok());
  before = work_items();
  expect_refused(transfer("queue", demo::queue, "consult"), before, errc::conflict,
                 "A consult is already in progress for this document");
  expect_refused(transfer("agent", demo::carol, "consult"), work_items(), errc::conflict,
                 "Agent is not available");
}

BOOST_AUTO_TEST_CASE(ending_a_consult_before_it_was_accepted_cancels_it) {
  const std::string first = accepted_by_alice();
  const auto consult = durable(transfer("agent", demo::bob, "consult"));
  const auto ended = durable(end_consult(std::string("true")));
  BOOST_REQUIRE(ended.ok());
  BOOST_TEST(ended.value() == "cancelled");
  const auto c = item(consult->work_item.sys_id);
  BOOST_TEST(c[consult_state] == "cancelled");
  BOOST_TEST(c[item_state] == "cancelled");
  BOOST_TEST(c[active] == "false");
  BOOST_TEST(item(first)[active] == "true");
  BOOST_TEST(workload(demo::bob) == 0u);
}

BOOST_AUTO_TEST_CASE(ending_an_accepted_consult_without_hand_over) {
  const std::string first = accepted_by_alice();
  const auto consult = durable(transfer("agent", demo::bob, "consult"));
  BOOST_REQUIRE(
      durable(instance.accept(integration, {demo::bob, consult->work_item.sys_id, {}})).ok());
  const auto ended = durable(end_consult(std::string("no")));
  BOOST_REQUIRE(ended.ok());
  BOOST_TEST(ended.value() == "ended");
  BOOST_TEST(item(consult->work_item.sys_id)[active] == "false");
  BOOST_TEST(item(first)[active] == "true");
  BOOST_TEST(workload(demo::alice) == 1u);
  BOOST_TEST(workload(demo::bob) == 0u);
}

BOOST_AUTO_TEST_CASE(ending_an_accepted_consult_with_hand_over_transfers_the_document) {
  const std::string first = accepted_by_alice();
  const auto consult = durable(transfer("agent", demo::bob, "consult"));
  BOOST_REQUIRE(
      durable(instance.accept(integration, {demo::bob, consult->work_item.sys_id, {}})).ok());
  const auto ended = durable(end_consult(std::string("true")));
  BOOST_REQUIRE(ended.ok());
  BOOST_TEST(ended.value() == "transferred");
  const auto c = item(consult->work_item.sys_id);
  BOOST_TEST(c[consult_state] == "transferred");
  BOOST_TEST(c[active] == "true");
  BOOST_TEST(item(first)[active] == "false");
  BOOST_TEST(item_of_document() == consult->work_item.sys_id);
  BOOST_TEST(workload(demo::alice) == 0u);
  BOOST_TEST(workload(demo::bob) == 1u);
}

BOOST_AUTO_TEST_CASE(consult_end_errors) {
  expect_failure(end_consult(std::string("true")).outcome, errc::not_found,
                 "Cannot find the work item for document ID: " + demo::interaction);
  expect_failure(end_consult(std::nullopt).outcome, errc::bad_request,
                 "Missing required field: hand_over");
  expect_failure(end_consult(std::string("true"), std::nullopt).outcome, errc::bad_request,
                 "Missing required field: document_sys_id");
  expect_failure(end_consult(std::string("perhaps")).outcome, errc::bad_request,
                 "perhaps is not a valid boolean value");
  expect_failure(instance.end_consult(alice, {demo::interaction, std::string("true")}).outcome,
                 errc::forbidden, "User Not Authorized");
}

BOOST_AUTO_TEST_SUITE_END()
