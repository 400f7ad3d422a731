// The Table API rules (contract section 6).
#include "domain/table_service.hpp"

#include <boost/test/unit_test.hpp>

#include "domain/table_scan.hpp"
#include "tests/domain/fixture.hpp"

using namespace awa;
using namespace awa::testing;
using domain::errc;
using domain::Table;

namespace {

struct TableFixture : StateFixture {
  domain::Outcome<domain::Record> create(std::string_view table, domain::FieldValues values,
                                         const domain::Caller* who = nullptr) {
    domain::Transaction tx(state, clock.now());
    auto outcome = domain::create_record(tx, ids, who ? *who : admin, table, values);
    if (outcome) tx.commit();
    return outcome;
  }
  domain::Outcome<domain::Record> update(std::string_view table, std::string_view id,
                                         domain::FieldValues values) {
    domain::Transaction tx(state, clock.now());
    auto outcome = domain::update_record(tx, admin, table, id, values);
    if (outcome) tx.commit();
    return outcome;
  }
  domain::Outcome<std::vector<domain::Record>> list(domain::ListRequest request,
                                                    const domain::Caller* who = nullptr) {
    auto scan = domain::TableScan::plan(who ? *who : integration, request);
    if (!scan) return scan.failure();
    while (!scan->step(state)) {
    }
    return scan->take();
  }
};

template <class T>
void expect_failure(const domain::Outcome<T>& outcome, errc kind, const std::string& message) {
  BOOST_REQUIRE(!outcome.ok());
  BOOST_TEST(static_cast<int>(outcome.failure().kind) == static_cast<int>(kind));
  BOOST_TEST(outcome.failure().message == message);
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(table_service, TableFixture)

BOOST_AUTO_TEST_CASE(creates_with_defaults_normalised_values_and_timestamps) {
  const auto queue = create(
      "awa_queue", {{"name", "Sales"}, {"external_id", "sales"}, {"unknown_field", "ignored"}});
  BOOST_REQUIRE(queue.ok());
  BOOST_TEST(queue->values[domain::queue_field::active] == "true");
  BOOST_TEST(queue->values[domain::kSysCreatedOn] == "2026-01-01 12:00:00");
  const auto state_record =
      create("awa_presence_state", {{"name", "Lunch"}, {"available", "NO"}, {"order", "1500"}});
  BOOST_REQUIRE(state_record.ok());
  BOOST_TEST(state_record->values[domain::presence_state_field::available] == "false");
}

BOOST_AUTO_TEST_CASE(takes_a_client_sys_id_once) {
  const std::string id = "0123456789ABCDEF0123456789abcdef";
  const auto created = create("interaction", {{"sys_id", id}, {"short_description", "x"}});
  BOOST_REQUIRE(created.ok());
  BOOST_TEST(created->id.str() == "0123456789abcdef0123456789abcdef");
  expect_failure(create("interaction", {{"sys_id", id}}), errc::conflict,
                 "Record with sys_id 0123456789abcdef0123456789abcdef already exists");
  expect_failure(create("interaction", {{"sys_id", "short"}}), errc::bad_request,
                 "Invalid value for field sys_id: short");
}

BOOST_AUTO_TEST_CASE(numbers_new_documents) {
  const auto first = create("interaction", {{"short_description", "a"}});
  const auto second = create("interaction", {{"short_description", "b"}});
  const auto task = create("task", {});
  BOOST_REQUIRE(first.ok());
  BOOST_REQUIRE(second.ok());
  BOOST_TEST(first->values[domain::document_field::number] == "IMS0001001");
  BOOST_TEST(second->values[domain::document_field::number] == "IMS0001002");
  BOOST_TEST(task->values[domain::document_field::number] == "TASK0001001");
}

BOOST_AUTO_TEST_CASE(checks_values_by_field_kind) {
  expect_failure(create("awa_queue", {{"active", "perhaps"}}), errc::bad_request,
                 "Invalid value for field active: perhaps");
  expect_failure(create("awa_presence_state", {{"order", "first"}}), errc::bad_request,
                 "Invalid value for field order: first");
  expect_failure(create("awa_reject_reason", {{"service_channel", "chat"}}), errc::bad_request,
                 "Invalid value for field service_channel: chat");
}

BOOST_AUTO_TEST_CASE(keeps_unique_fields_unique_and_required_fields_present) {
  expect_failure(create("awa_queue", {{"external_id", demo::queue_external_id}}), errc::conflict,
                 "Duplicate value for unique field external_id: " + demo::queue_external_id);
  expect_failure(create("sys_user", {{"user_name", "alice.agent"}}), errc::conflict,
                 "Duplicate value for unique field user_name: alice.agent");
  expect_failure(create("sys_user", {{"name", "No Login"}}), errc::bad_request,
                 "Missing required field: user_name");
  // Renaming a record onto itself is not a duplicate.
  BOOST_TEST(update("awa_queue", demo::queue, {{"external_id", demo::queue_external_id}}).ok());
}

BOOST_AUTO_TEST_CASE(writes_need_admin_and_a_writable_table) {
  expect_failure(create("awa_queue", {}, &integration), errc::forbidden, "User Not Authorized");
  expect_failure(create("awa_queue", {}, &manager), errc::forbidden, "User Not Authorized");
  expect_failure(create("awa_work_item", {}), errc::method_not_allowed,
                 "Table awa_work_item is read-only");
  expect_failure(create("awa_agent_presence", {}), errc::method_not_allowed,
                 "Table awa_agent_presence is read-only");
}

BOOST_AUTO_TEST_CASE(unknown_tables_and_records) {
  expect_failure(create("incident", {}), errc::bad_request, "Invalid table incident");
  expect_failure(update("awa_queue", "0123456789abcdef0123456789abcdef", {}), errc::not_found,
                 "No Record found");
  domain::Transaction tx(state, clock.now());
  expect_failure(domain::get_record(tx, integration, "awa_queue", "nope"), errc::not_found,
                 "No Record found");
  expect_failure(domain::delete_record(tx, admin, "awa_queue", "0123456789abcdef0123456789abcdef"),
                 errc::not_found, "No Record found");
}

BOOST_AUTO_TEST_CASE(reads_need_a_reading_role) {
  expect_failure(list({"awa_queue"}, &agent), errc::forbidden, "User Not Authorized");
  BOOST_TEST(list({"awa_queue"}, &manager).ok());
  BOOST_TEST(list({"awa_queue"}, &admin).ok());
}

BOOST_AUTO_TEST_CASE(lists_with_equality_queries_limit_and_offset) {
  auto all = list({"sys_user"});
  BOOST_REQUIRE(all.ok());
  BOOST_TEST(all->size() == 7u);  // admin and six demo users
  auto agents = list({"sys_user", std::string("roles=awa_agent,awa_external_user^active=true")});
  BOOST_REQUIRE(agents.ok());
  BOOST_TEST(agents->size() == 3u);
  auto by_id = list({"sys_user", "sys_id=" + demo::bob});
  BOOST_REQUIRE(by_id.ok());
  BOOST_REQUIRE(by_id->size() == 1u);
  BOOST_TEST(by_id->front().id.str() == demo::bob);

  auto page = list({"sys_user", std::nullopt, std::string("2"), std::string("1")});
  BOOST_REQUIRE(page.ok());
  BOOST_REQUIRE(page->size() == 2u);
  BOOST_TEST(page->at(0).id == all->at(1).id);
  BOOST_TEST(page->at(1).id == all->at(2).id);
  auto past_end = list({"sys_user", std::nullopt, std::nullopt, std::string("100")});
  BOOST_REQUIRE(past_end.ok());
  BOOST_TEST(past_end->empty());
}

BOOST_AUTO_TEST_CASE(pages_are_in_sys_id_order_and_cover_the_table_once) {
  for (int i = 0; i < 300; ++i) {
    BOOST_REQUIRE(create("awa_queue", {{"name", "queue " + std::to_string(i)}}).ok());
  }
  std::vector<domain::SysId> seen;
  for (int offset = 0;; offset += 7) {
    auto page = list({"awa_queue", std::nullopt, std::string("7"), std::to_string(offset)});
    BOOST_REQUIRE(page.ok());
    if (page->empty()) break;
    for (const auto& record : page.value()) seen.push_back(record.id);
  }
  BOOST_TEST(seen.size() == state.rows(Table::awa_queue).size());
  BOOST_TEST(std::is_sorted(seen.begin(), seen.end()));
  BOOST_TEST((std::adjacent_find(seen.begin(), seen.end()) == seen.end()));
}

BOOST_AUTO_TEST_CASE(refuses_queries_it_does_not_understand) {
  expect_failure(list({"sys_user", std::string("active!=true")}), errc::bad_request,
                 "Unsupported sysparm_query term active!=true: only field=value terms are "
                 "supported");
  expect_failure(list({"sys_user", std::string("ORDERBYname")}), errc::bad_request,
                 "Unsupported sysparm_query term ORDERBYname: only field=value terms are "
                 "supported");
  expect_failure(list({"sys_user", std::string("colour=blue")}), errc::bad_request,
                 "Invalid field colour in sysparm_query");
  expect_failure(list({"sys_user", std::string("password=x")}), errc::bad_request,
                 "Invalid field password in sysparm_query");
  expect_failure(list({"sys_user", std::nullopt, std::string("-1")}), errc::bad_request,
                 "Invalid value for sysparm_limit: -1");
  expect_failure(list({"sys_user", std::nullopt, std::nullopt, std::string("x")}),
                 errc::bad_request, "Invalid value for sysparm_offset: x");
}

BOOST_AUTO_TEST_CASE(updates_only_given_fields_and_deletes) {
  const auto before = *state.find(Table::awa_queue, demo::queue);
  clock.advance(std::chrono::seconds(61));
  const auto updated = update("awa_queue", demo::queue, {{"name", "Support"}});
  BOOST_REQUIRE(updated.ok());
  BOOST_TEST(updated->values[domain::queue_field::name] == "Support");
  BOOST_TEST(updated->values[domain::queue_field::external_id] == demo::queue_external_id);
  BOOST_TEST(updated->values[domain::kSysCreatedOn] == before[domain::kSysCreatedOn]);
  BOOST_TEST(updated->values[domain::kSysUpdatedOn] == "2026-01-01 12:01:01");

  domain::Transaction tx(state, clock.now());
  BOOST_TEST(domain::delete_record(tx, admin, "awa_queue", demo::queue).ok());
  tx.commit();
  BOOST_TEST(state.find(Table::awa_queue, demo::queue) == nullptr);
  BOOST_TEST(state.find_unique(Table::awa_queue, domain::queue_field::external_id,
                               demo::queue_external_id) == nullptr);
}

BOOST_AUTO_TEST_CASE(a_refused_write_changes_nothing) {
  const auto before = *state.find(Table::awa_queue, demo::queue);
  expect_failure(update("awa_queue", demo::queue, {{"name", "Renamed"}, {"active", "bogus"}}),
                 errc::bad_request, "Invalid value for field active: bogus");
  BOOST_TEST(state.find(Table::awa_queue, demo::queue)->values == before.values);
}

BOOST_AUTO_TEST_CASE(values_as_written_are_checked_before_any_hash) {
  using domain::check_written_values;
  BOOST_TEST(!check_written_values("sys_user", {{"user_name", "grace"}, {"password", "pw"}}));
  const auto refused = [&](std::string_view table, domain::FieldValues values,
                           const std::string& message) {
    const auto failure = check_written_values(table, values);
    BOOST_REQUIRE(failure);
    BOOST_TEST(static_cast<int>(failure->kind) == static_cast<int>(errc::bad_request));
    BOOST_TEST(failure->message == message);
  };
  refused("sys_user", {{"password", ""}},
          "Invalid value for field password: a password may not be empty");
  refused("sys_user", {{"password", std::string(256, 'p')}},
          "Invalid value for field password: longer than 255 characters");
  refused("sys_user", {{"user_name", "ops:team"}},
          "Invalid value for field user_name: it may not hold ':' (HTTP Basic authentication "
          "cannot carry it)");
  refused("sys_user", {{"user_name", std::string(41, 'u')}},
          "Invalid value for field user_name: longer than 40 characters");
  refused("awa_queue", {{"name", "a\x01b"}},
          "Invalid value for field name: control characters are not allowed");
  refused("interaction", {{"short_description", std::string(4001, 'd')}},
          "Invalid value for field short_description: longer than 4000 characters");
  // Within their lengths; tab, CR and LF are text; unknown tables and fields are left alone.
  BOOST_TEST(!check_written_values(
      "interaction", {{"short_description", std::string(4000, 'd')}, {"number", "a\tb\r\nc"}}));
  BOOST_TEST(!check_written_values("incident", {{"x", "\x01"}}));
  BOOST_TEST(!check_written_values("awa_queue", {{"unknown", "\x01"}}));
}

BOOST_AUTO_TEST_CASE(sysparm_limit_is_at_most_ten_thousand) {
  BOOST_TEST(list({"awa_queue", {}, "10000"}).ok());
  expect_failure(list({"awa_queue", {}, "10001"}), errc::bad_request,
                 "Invalid value for sysparm_limit: 10001 (at most 10000)");
}

BOOST_AUTO_TEST_SUITE_END()
