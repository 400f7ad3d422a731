// The state's indexes through updates in place: a work item's document index entry and its
// agent's workload follow its fields, whether a put rebuilds them or leaves them alone.
#include <boost/test/unit_test.hpp>

#include "domain/state.hpp"
#include "domain/work_item.hpp"

using namespace awa::domain;

namespace {

struct Items {
  SysIdGenerator ids;
  State state;
  SysId document = ids.next();
  SysId alice = ids.next();
  SysId bob = ids.next();

  Record item(const SysId& id, std::string_view item_state, const SysId* agent, bool active) {
    namespace f = work_item_field;
    Record r = blank_record(Table::awa_work_item, id);
    r[f::document_id] = document.str();
    r[f::state] = item_state;
    r[f::assigned_to] = agent ? agent->str() : "";
    r[f::active] = active ? "true" : "false";
    return r;
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(state_index)

BOOST_AUTO_TEST_CASE(an_updated_work_item_keeps_its_entry_and_moves_its_workload) {
  Items t;
  const SysId id = t.ids.next();
  const Record* stored = &t.state.put(t.item(id, "pending_accept", &t.alice, true));
  BOOST_TEST(t.state.active_work_item(t.document) == stored);
  BOOST_TEST(t.state.workload(t.alice) == 1u);

  // Timed out: queued, no agent, still active.
  BOOST_TEST(&t.state.put(t.item(id, "queued", nullptr, true)) == stored);
  BOOST_TEST(t.state.active_work_item(t.document) == stored);
  BOOST_TEST((*t.state.active_work_item(t.document))[work_item_field::state] == "queued");
  BOOST_TEST(t.state.workload(t.alice) == 0u);

  // Offered to Bob, then closed.
  t.state.put(t.item(id, "pending_accept", &t.bob, true));
  BOOST_TEST(t.state.workload(t.bob) == 1u);
  t.state.put(t.item(id, "cancelled", &t.bob, false));
  BOOST_TEST(t.state.active_work_item(t.document) == nullptr);
  BOOST_TEST(t.state.workload(t.bob) == 0u);

  // Active again (an admin's write): back in the index.
  t.state.put(t.item(id, "queued", nullptr, true));
  BOOST_TEST(t.state.active_work_item(t.document) == stored);
}

BOOST_AUTO_TEST_CASE(a_predecessor_closed_after_its_successor_leaves_the_successor_indexed) {
  Items t;
  const SysId first = t.ids.next();
  const SysId second = t.ids.next();
  t.state.put(t.item(first, "pending_accept", &t.alice, true));
  const Record* successor = &t.state.put(t.item(second, "pending_accept", &t.bob, true));
  BOOST_TEST(t.state.active_work_item(t.document) == successor);
  // The predecessor changes while still active, then closes: the successor stays the entry.
  t.state.put(t.item(first, "queued", nullptr, true));
  BOOST_TEST(t.state.active_work_item(t.document) == successor);
  t.state.put(t.item(first, "cancelled", nullptr, false));
  BOOST_TEST(t.state.active_work_item(t.document) == successor);
  BOOST_TEST(t.state.workload(t.alice) == 0u);
  BOOST_TEST(t.state.workload(t.bob) == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
