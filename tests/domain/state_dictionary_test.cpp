// Each State owns the dictionary its records are coded against: the sys_ids it shares are its
// own, and a record that moves to another State is recoded there and no longer needs the first.
#include <boost/test/unit_test.hpp>

#include <memory>

#include "domain/state.hpp"
#include "domain/work_item.hpp"

using namespace awa::domain;

namespace {

Record queue(const SysId& id) {
  return blank_record(Table::awa_queue, id);
}

Record work_item(const SysId& id, const SysId& queue) {
  Record r = blank_record(Table::awa_work_item, id);
  r[work_item_field::queue] = queue.str();
  r[work_item_field::state] = "queued";
  return r;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(state_dictionary)

BOOST_AUTO_TEST_CASE(a_state_shares_the_ids_of_its_own_records_and_codes_what_it_holds_with_them) {
  SysIdGenerator ids;
  const SysId queue_id = ids.next();
  const SysId item_id = ids.next();
  State first;
  State second;
  first.put(queue(queue_id));
  BOOST_TEST(first.dictionary().find(queue_id.str()).has_value());
  BOOST_TEST(!second.dictionary().find(queue_id.str()).has_value());

  const Record as_text = work_item(item_id, queue_id);
  const Record& in_first = first.put(as_text);
  BOOST_TEST(&in_first.values.dictionary() == &first.dictionary());
  BOOST_TEST(in_first[work_item_field::queue] == queue_id.str());
  BOOST_TEST(in_first.values.packed().size() + 30 < as_text.values.packed().size());

  // blank_record for a State codes what is set afterwards against it, with no recoding on put.
  Record built = blank_record(Table::awa_work_item, ids.next(), first.dictionary());
  built[work_item_field::queue] = queue_id.str();
  BOOST_TEST(built.values.packed().size() + 30 < as_text.values.packed().size());
}

BOOST_AUTO_TEST_CASE(a_record_moved_to_another_state_outlives_the_first) {
  SysIdGenerator ids;
  const SysId queue_id = ids.next();
  const SysId item_id = ids.next();
  auto first = std::make_unique<State>();
  State second;
  first->put(queue(queue_id));
  const Record copied = first->put(work_item(item_id, queue_id));  // coded against the first
  BOOST_TEST(&copied.values.dictionary() == &first->dictionary());

  const Record& moved = second.put(copied);
  BOOST_TEST(&moved.values.dictionary() == &second.dictionary());
  first.reset();  // the first State and its dictionary are gone
  BOOST_TEST(moved[work_item_field::queue] == queue_id.str());
  BOOST_TEST(moved[work_item_field::state] == "queued");
  BOOST_TEST(second.work_items().count(work_item_field::state, "queued") == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
