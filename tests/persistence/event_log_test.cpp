// Events in the RocksDB log: stored with their changes, read back whole and in order, numbered
// on after a reopen, dropped past a failed write, trimmed by age and count (the newest stays).
#include <boost/test/unit_test.hpp>

#include <vector>

#include "persistence/event_codec.hpp"
#include "persistence/record_codec.hpp"
#include "persistence/rocksdb_log.hpp"
#include "tests/support/demo_ids.hpp"
#include "tests/support/temp_dir.hpp"

using namespace awa;
using domain::EventType;
using domain::Record;
using domain::Table;
using namespace std::chrono_literals;

namespace {

namespace wf = domain::work_item_field;
const domain::TimePoint kStart{domain::Milliseconds{1767268800123}};  // 2026-01-01T12:00:00.123Z

// A work item's change from `from` to `to` at `at`, making `event`.
domain::RecordChange work_item_change(const domain::SysId& id, std::string_view from,
                                      std::string_view to, EventType event, domain::TimePoint at) {
  Record before = domain::blank_record(Table::awa_work_item, id);
  before[wf::state] = from;
  before[wf::assigned_to] = testing::demo::alice;
  Record after = before;
  after[wf::state] = to;
  if (to == "queued") after[wf::assigned_to].clear();
  return {Table::awa_work_item, id, before, after, event, at};
}

std::vector<domain::Event> read_all(const persistence::RocksdbLog& log, std::uint64_t after = 0) {
  std::vector<domain::Event> out;
  BOOST_REQUIRE(!log.read_events(after, [&](domain::Event&& e) {
    out.push_back(std::move(e));
    return true;
  }));
  return out;
}

// Writes `count` offers, one a minute from kStart, numbered from `first`.
void write_offers(persistence::RocksdbLog& log, std::uint64_t first, int count) {
  domain::SysIdGenerator ids;
  domain::ChangeSet set;
  for (int i = 0; i < count; ++i) {
    set.push_back(work_item_change(ids.next(), "queued", "pending_accept", EventType::offered,
                                   kStart + std::chrono::minutes(first + i)));
  }
  const domain::ChangeSet* sets[] = {&set};
  BOOST_REQUIRE(!log.write(sets, {first, 0}, false));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(event_log)

BOOST_AUTO_TEST_CASE(events_are_stored_with_their_changes_and_read_back_whole) {
  testing::TempDir dir;
  domain::SysIdGenerator ids;
  const auto item = ids.next();
  {
    persistence::RocksdbLog log({dir.path()});
    BOOST_TEST(log.last_event() == 0u);
    BOOST_TEST(log.first_event() == 0u);
    Record queue = domain::blank_record(Table::awa_queue, ids.next());
    const domain::ChangeSet first{
        {Table::awa_queue, queue.id, std::nullopt, queue},  // no event
        work_item_change(item, "queued", "pending_accept", EventType::offered, kStart)};
    const domain::ChangeSet second{
        work_item_change(item, "pending_accept", "queued", EventType::rejected, kStart + 1s)};
    const domain::ChangeSet* sets[] = {&first, &second};
    BOOST_REQUIRE(!log.write(sets, {1, 0}, true));
    BOOST_TEST(log.first_event() == 1u);
    BOOST_TEST(log.last_event() == 2u);
  }
  persistence::RocksdbLog reopened({dir.path()});
  BOOST_TEST(reopened.first_event() == 1u);
  BOOST_TEST(reopened.last_event() == 2u);
  const auto events = read_all(reopened);
  BOOST_REQUIRE(events.size() == 2u);
  BOOST_TEST(events[0].seq == 1u);
  BOOST_TEST(events[0].type == EventType::offered);
  BOOST_TEST((events[0].time == kStart));
  BOOST_TEST(events[0].previous == "queued");
  BOOST_TEST(events[0].agent == testing::demo::alice);
  BOOST_TEST(events[0].record.id == item);
  BOOST_TEST(events[0].record[wf::state] == "pending_accept");
  BOOST_TEST(events[1].type == EventType::rejected);
  BOOST_TEST(events[1].agent == testing::demo::alice);  // the agent it was taken from
  BOOST_TEST(events[1].record[wf::assigned_to] == "");
  BOOST_TEST(read_all(reopened, 1).size() == 1u);
  BOOST_TEST(read_all(reopened, 2).empty());
}

BOOST_AUTO_TEST_CASE(a_write_after_a_failed_one_drops_what_it_may_have_left) {
  testing::TempDir dir;
  persistence::RocksdbLog log({dir.path()});
  write_offers(log, 1, 3);  // as if 2 and 3 were a failed write's, left in the WAL
  const domain::ChangeSet nothing;
  const domain::ChangeSet* sets[] = {&nothing};
  BOOST_REQUIRE(!log.write(sets, {2, 2}, false));
  const auto events = read_all(log);
  BOOST_REQUIRE(events.size() == 1u);
  BOOST_TEST(events[0].seq == 1u);
}

BOOST_AUTO_TEST_CASE(trimming_keeps_the_newest_by_count_and_by_age) {
  testing::TempDir dir;
  {
    persistence::RocksdbLog log({dir.path()});
    write_offers(log, 1, 10);                    // event n at kStart + n minutes
    BOOST_REQUIRE(!log.trim_events(kStart, 7));  // by count: 4..10 stay
    BOOST_TEST(log.first_event() == 4u);
    BOOST_TEST(read_all(log).front().seq == 4u);
    BOOST_REQUIRE(!log.trim_events(kStart + 6min, 100));  // by age: 6..10 stay
    BOOST_TEST(log.first_event() == 6u);
    BOOST_REQUIRE(!log.trim_events(kStart + 1h, 100));  // all old: the newest stays
    BOOST_TEST(log.first_event() == 10u);
    BOOST_TEST(read_all(log).size() == 1u);
  }
  persistence::RocksdbLog reopened({dir.path()});
  BOOST_TEST(reopened.first_event() == 10u);
  BOOST_TEST(reopened.last_event() == 10u);
  write_offers(reopened, 11, 1);
  BOOST_TEST(read_all(reopened, 9).size() == 2u);
}

BOOST_AUTO_TEST_CASE(the_event_codec_refuses_what_it_did_not_write) {
  domain::SysIdGenerator ids;
  const auto change =
      work_item_change(ids.next(), "queued", "pending_accept", EventType::offered, kStart);
  const std::string key = persistence::encode_event_key(258);
  BOOST_TEST(key == std::string("\0\0\0\0\0\0\x01\x02", 8));
  const std::string value =
      persistence::encode_event(change, persistence::encode_value(*change.after));
  const auto back = persistence::decode_event(key, value);
  BOOST_REQUIRE(back);
  BOOST_TEST(back->seq == 258u);
  BOOST_TEST((persistence::decode_event_time(value) == kStart));
  BOOST_TEST(!persistence::decode_event(key.substr(1), value));
  BOOST_TEST(!persistence::decode_event(key, value.substr(0, value.size() - 1)));
  BOOST_TEST(!persistence::decode_event(key, ""));
  std::string bad_type = value;
  bad_type[1] = static_cast<char>(domain::kEventTypeCount);
  BOOST_TEST(!persistence::decode_event(key, bad_type));
  for (std::size_t cut = 0; cut < value.size(); ++cut) {
    BOOST_TEST(!persistence::decode_event(key, value.substr(0, cut)));
  }
}

BOOST_AUTO_TEST_SUITE_END()
