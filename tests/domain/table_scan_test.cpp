// Table API lists in steps: the same pages, in sys_id order, whether answered from an index, by a
// scan of many steps, or by the old way (every record, sorted); each step bounded; the indexes in
// step with writes and undos; and the lock's counts.
#include "domain/table_scan.hpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <thread>

#include "domain/state.hpp"
#include "domain/state_lock.hpp"
#include "domain/transaction.hpp"

using namespace awa::domain;

namespace {

namespace f = work_item_field;

const Caller kReader{SysId(), Roles::parse("awa_integration_user")};

struct ManyItems {
  SysIdGenerator ids;
  State state;
  std::vector<SysId> agents{ids.next(), ids.next(), ids.next()};
  std::vector<SysId> queues{ids.next(), ids.next()};

  // `n` work items: one in 100 pending for an agent, the rest queued or cancelled.
  explicit ManyItems(std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
      Record r = blank_record(Table::awa_work_item, ids.next());
      r[f::document_id] = ids.next().str();
      r[f::queue] = queues[i % queues.size()].str();
      if (i % 100 == 0) {
        r[f::state] = "pending_accept";
        r[f::assigned_to] = agents[i % agents.size()].str();
      } else {
        r[f::state] = i % 3 == 0 ? "cancelled" : "queued";
      }
      r[f::active] = i % 3 == 0 && i % 100 != 0 ? "false" : "true";
      state.put(std::move(r));
    }
  }

  struct Listed {
    std::vector<Record> records;
    std::size_t steps;
  };
  Listed list(ListRequest request) {
    auto scan = TableScan::plan(kReader, request);
    BOOST_REQUIRE(scan.ok());
    while (!scan->step(state)) {
    }
    const auto steps = scan->steps();
    return {scan->take(), steps};
  }

  // The answer as it was found before steps and indexes: every record, filtered, sorted.
  std::vector<SysId> expected(const std::vector<std::pair<std::size_t, std::string>>& terms,
                              std::size_t offset, std::size_t limit) {
    std::vector<SysId> all;
    for (const Record& r : state.rows(Table::awa_work_item)) {
      if (std::all_of(terms.begin(), terms.end(),
                      [&](const auto& t) { return r[t.first] == t.second; })) {
        all.push_back(r.id);
      }
    }
    std::sort(all.begin(), all.end());
    const auto begin = std::min(offset, all.size());
    const auto end = std::min(all.size(), begin + limit);
    return {all.begin() + static_cast<std::ptrdiff_t>(begin),
            all.begin() + static_cast<std::ptrdiff_t>(end)};
  }
};

std::vector<SysId> ids_of(const std::vector<Record>& records) {
  std::vector<SysId> out;
  for (const auto& r : records) out.push_back(r.id);
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(table_scan)

BOOST_AUTO_TEST_CASE(pages_of_a_large_table_come_in_sys_id_order_over_many_bounded_steps) {
  ManyItems t(20000);
  for (const std::size_t offset : {0u, 1u, 4999u, 19990u, 25000u}) {
    const auto listed = t.list({"awa_work_item", std::nullopt, "100", std::to_string(offset)});
    BOOST_TEST(ids_of(listed.records) == t.expected({}, offset, 100), "offset " << offset);
  }
  // A query the indexes cannot narrow to one step's work is scanned in several.
  const auto queued = t.list({"awa_work_item", "state=queued^active=true", "10000", "10"});
  BOOST_TEST(ids_of(queued.records) ==
             t.expected({{f::state, "queued"}, {f::active, "true"}}, 10, 10000));
  BOOST_TEST(queued.steps > 20000 / TableScan::kStepWork);
}

BOOST_AUTO_TEST_CASE(a_narrow_query_is_answered_from_an_index_in_one_step) {
  ManyItems t(20000);
  const auto agent = t.agents[1].str();
  const auto mine = t.list({"awa_work_item", "assigned_to=" + agent, "50", "3"});
  BOOST_TEST(mine.steps == 1u);
  BOOST_TEST(ids_of(mine.records) == t.expected({{f::assigned_to, agent}}, 3, 50));

  const auto pending = t.list(
      {"awa_work_item", "state=pending_accept^queue=" + t.queues[0].str(), "10000", std::nullopt});
  BOOST_TEST(pending.steps == 1u);
  BOOST_TEST(ids_of(pending.records) ==
             t.expected({{f::state, "pending_accept"}, {f::queue, t.queues[0].str()}}, 0, 10000));

  const Record& some = *t.state.rows(Table::awa_work_item).begin();
  const auto document = std::string(some[f::document_id]);
  const auto by_document = t.list({"awa_work_item", "document_id=" + document, "10", "0"});
  BOOST_TEST(by_document.steps == 1u);
  BOOST_TEST(ids_of(by_document.records) == std::vector<SysId>{some.id});
}

BOOST_AUTO_TEST_CASE(an_empty_value_is_not_indexed_and_found_by_a_scan) {
  ManyItems t(5000);
  BOOST_TEST(t.state.work_items().count(f::assigned_to, "") == 0u);
  const auto unassigned = t.list({"awa_work_item", "assigned_to=", "100", "7"});
  BOOST_TEST(ids_of(unassigned.records) == t.expected({{f::assigned_to, ""}}, 7, 100));
  BOOST_TEST(unassigned.records.size() == 100u);
}

BOOST_AUTO_TEST_CASE(the_indexes_follow_updates_deletes_and_undone_changes) {
  ManyItems t(500);
  const WorkItemIndex& index = t.state.work_items();
  const Record& item = *t.state.rows(Table::awa_work_item).begin();
  const SysId id = item.id;
  const std::string was(item[f::state]);
  const std::size_t before = index.count(f::state, was);
  {
    Transaction tx(t.state, TimePoint{});
    Record changed = item;
    changed[f::state] = "accepted";
    tx.put(std::move(changed));
    BOOST_TEST(index.count(f::state, was) == before - 1);
    BOOST_TEST(index.count(f::state, "accepted") == 1u);
    // Not committed: undone when the transaction ends.
  }
  BOOST_TEST(index.count(f::state, was) == before);
  BOOST_TEST(index.count(f::state, "accepted") == 0u);
  BOOST_TEST(std::string((*t.state.find(Table::awa_work_item, id))[f::state]) == was);

  const std::string document(t.state.find(Table::awa_work_item, id)->operator[](f::document_id));
  BOOST_TEST(index.count(f::document_id, document) == 1u);
  t.state.erase(Table::awa_work_item, id);
  BOOST_TEST(index.count(f::document_id, document) == 0u);
  const auto all = t.list({"awa_work_item", std::nullopt, "10000", std::nullopt});
  BOOST_TEST(all.records.size() == 499u);
}

BOOST_AUTO_TEST_CASE(a_document_with_several_work_items_lists_them_all) {
  ManyItems t(10);
  const SysId document = t.ids.next();
  std::vector<SysId> mine;
  for (int i = 0; i < 3; ++i) {
    Record r = blank_record(Table::awa_work_item, t.ids.next());
    r[f::document_id] = document.str();
    r[f::state] = i < 2 ? "cancelled" : "queued";
    mine.push_back(r.id);
    t.state.put(std::move(r));
  }
  std::sort(mine.begin(), mine.end());
  const auto listed = t.list({"awa_work_item", "document_id=" + document.str(), "10", "0"});
  BOOST_TEST(ids_of(listed.records) == mine);
  t.state.erase(Table::awa_work_item, mine[1]);
  BOOST_TEST(t.state.work_items().count(f::document_id, document.str()) == 2u);
}

BOOST_AUTO_TEST_CASE(the_lock_counts_the_waits_it_causes) {
  StateLock lock;
  lock.lock();
  std::thread waiter([&] {
    lock.lock();
    lock.unlock();
  });
  while (!lock.others_waiting()) std::this_thread::yield();
  lock.unlock();
  waiter.join();
  for (int i = 0; i < 100; ++i) {
    lock.lock();
    lock.unlock();
  }
  lock.lock();
  const auto stats = lock.stats();
  lock.unlock();
  BOOST_TEST(stats.acquisitions == 103u);
  BOOST_TEST(stats.contended == 1u);
  BOOST_TEST(stats.timed == 102u / StateLock::kSampleEvery);
  BOOST_TEST(stats.hold_p50_us <= stats.hold_p99_us);
  BOOST_TEST(stats.hold_p99_us <= stats.hold_max_us);
}

BOOST_AUTO_TEST_SUITE_END()
