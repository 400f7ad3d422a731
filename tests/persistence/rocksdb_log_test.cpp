// The durable log on a real RocksDB in a temporary directory.
#include "persistence/rocksdb_log.hpp"

#include <boost/test/unit_test.hpp>
#include <rocksdb/db.h>

#include <fstream>
#include <future>
#include <map>

#include "domain/instance.hpp"
#include "persistence/record_codec.hpp"
#include "tests/support/demo_ids.hpp"
#include "tests/support/memory_log.hpp"
#include "tests/support/sample_records.hpp"
#include "tests/support/temp_dir.hpp"

using namespace awa;
using domain::Record;
using domain::Table;

namespace {

using testing::queue_record;

std::map<std::pair<Table, domain::SysId>, memory::PackedValues> load_all(
    persistence::RocksdbLog& log) {
  std::map<std::pair<Table, domain::SysId>, memory::PackedValues> out;
  BOOST_REQUIRE(!log.load(memory::ValueDictionary::fixed(), [&](Record&& r) {
    out[{r.table, r.id}] = r.values;
  }));
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(rocksdb_log)

BOOST_AUTO_TEST_CASE(writes_survive_reopening) {
  testing::TempDir dir;
  const Record a = queue_record("a");
  const Record b = queue_record("b");
  {
    persistence::RocksdbLog log({dir.path()});
    const domain::ChangeSet first{{Table::awa_queue, a.id, std::nullopt, a},
                                  {Table::awa_queue, b.id, std::nullopt, b}};
    Record a2 = a;
    a2.values[domain::queue_field::name] = "a2";
    const domain::ChangeSet second{{Table::awa_queue, a.id, a, a2},
                                   {Table::awa_queue, b.id, b, std::nullopt}};
    const domain::ChangeSet* sets[] = {&first, &second};
    BOOST_REQUIRE(!log.write(sets, {}, true));
  }
  persistence::RocksdbLog reopened({dir.path()});
  const auto all = load_all(reopened);
  BOOST_REQUIRE(all.size() == 1u);
  BOOST_TEST(all.at({Table::awa_queue, a.id})[domain::queue_field::name] == "a2");
}

BOOST_AUTO_TEST_CASE(a_database_written_as_text_reads_and_takes_compact_records_beside) {
  // As an earlier version left it: every value in the text form (format 1).
  testing::TempDir dir;
  const Record old = queue_record("written as text");
  {
    rocksdb::Options options;
    options.create_if_missing = true;
    rocksdb::DB* raw = nullptr;
    BOOST_REQUIRE(rocksdb::DB::Open(options, dir.path().string(), &raw).ok());
    const std::unique_ptr<rocksdb::DB> db(raw);
    BOOST_REQUIRE(
        db->Put({}, persistence::encode_key(old.table, old.id), "\x01" + old.values.serialize())
            .ok());
    BOOST_REQUIRE(db->Close().ok());
  }
  const Record added = queue_record("written compact");
  {
    persistence::RocksdbLog log({dir.path()});
    const domain::ChangeSet set{{Table::awa_queue, added.id, std::nullopt, added}};
    const domain::ChangeSet* sets[] = {&set};
    BOOST_REQUIRE(!log.write(sets, {}, true));
  }
  persistence::RocksdbLog reopened({dir.path()});
  const auto all = load_all(reopened);
  BOOST_REQUIRE(all.size() == 2u);
  BOOST_TEST(all.at({Table::awa_queue, old.id}) == old.values);
  BOOST_TEST(all.at({Table::awa_queue, added.id}) == added.values);
}

BOOST_AUTO_TEST_CASE(an_unclosed_database_recovers_from_its_write_ahead_log) {
  testing::TempDir dir;
  testing::TempDir copy;
  const Record a = queue_record("a");
  {
    auto* log = new persistence::RocksdbLog({dir.path()});
    const domain::ChangeSet set{{Table::awa_queue, a.id, std::nullopt, a}};
    const domain::ChangeSet* sets[] = {&set};
    BOOST_REQUIRE(!log->write(sets, {}, false));
    // Copy the directory while the database is open and unflushed: what a crash leaves.
    std::filesystem::copy(dir.path(), copy.path() / "crashed",
                          std::filesystem::copy_options::recursive);
    delete log;
  }
  persistence::RocksdbLog recovered({copy.path() / "crashed"});
  BOOST_TEST(load_all(recovered).size() == 1u);
}

BOOST_AUTO_TEST_CASE(an_instance_restarts_with_every_record) {
  testing::TempDir dir;
  domain::ManualClock clock{*domain::parse_offer_time("2026-01-01T12:00:00.000")};
  testing::PlainHasher hasher;
  std::map<std::pair<Table, domain::SysId>, memory::PackedValues> before;
  {
    persistence::RocksdbLog log({dir.path()});
    domain::Instance instance(clock, log, hasher, true);
    BOOST_REQUIRE(!instance.load());
    BOOST_REQUIRE(instance.is_new());
    BOOST_REQUIRE(!instance.initialize({"secret", true}));
    domain::OfferRequest request;
    request.document_table = "interaction";
    request.document_id = testing::demo::interaction;
    request.queue_id = testing::demo::queue;
    request.assignment.emplace().agent_sys_id = testing::demo::alice;
    request.assignment->timeout = "30";
    const domain::Caller integration{*domain::SysId::parse("4d584509c323120095ccd02422d3ae5f"),
                                     domain::Roles::parse("awa_integration_user")};
    const auto offered = instance.offer(integration, request);
    BOOST_REQUIRE(offered.outcome.ok());
    std::promise<std::error_code> durable;
    instance.when_durable(offered.ticket, [&](std::error_code e) { durable.set_value(e); });
    BOOST_REQUIRE(!durable.get_future().get());
    instance.stop();
    before = load_all(log);
    BOOST_TEST(before.size() == instance.record_count());
  }
  persistence::RocksdbLog log({dir.path()});
  domain::Instance restarted(clock, log, hasher, true);
  BOOST_REQUIRE(!restarted.load());
  BOOST_TEST(!restarted.is_new());
  BOOST_TEST(restarted.record_count() == before.size());
  BOOST_TEST(load_all(log) == before);
  BOOST_TEST(restarted.credential("admin").has_value());
}

BOOST_AUTO_TEST_CASE(restarts_that_write_nothing_leave_no_logs_behind) {
  testing::TempDir dir;
  const auto files = [&](auto&& matches) {
    std::size_t count = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
      count += matches(entry.path().filename().string());
    }
    return count;
  };
  const Record a = queue_record("a");
  {
    persistence::RocksdbLog log({dir.path()});
    const domain::ChangeSet set{{Table::awa_queue, a.id, std::nullopt, a}};
    const domain::ChangeSet* sets[] = {&set};
    BOOST_REQUIRE(!log.write(sets, {}, true));
  }
  for (int restart = 0; restart < 12; ++restart) {
    persistence::RocksdbLog log({dir.path()});
    BOOST_TEST(load_all(log).size() == 1u);
  }
  // Write-ahead logs: the last session's (empty) and at most the one before it.
  BOOST_TEST(files([](const std::string& name) { return name.ends_with(".log"); }) <= 2u);
  // RocksDB's info lines go to the server's log: no LOG file at all.
  BOOST_TEST(files([](const std::string& name) { return name.starts_with("LOG"); }) == 0u);
  persistence::RocksdbLog log({dir.path()});
  BOOST_TEST(load_all(log).at({Table::awa_queue, a.id}) == a.values);
}

BOOST_AUTO_TEST_CASE(a_second_opening_of_a_directory_in_use_leaves_the_first_ones_log) {
  testing::TempDir dir;
  const Record a = queue_record("a");
  {
    persistence::RocksdbLog first({dir.path()});  // its new log is empty
    BOOST_CHECK_THROW(persistence::RocksdbLog({dir.path()}), std::runtime_error);
    const domain::ChangeSet set{{Table::awa_queue, a.id, std::nullopt, a}};
    const domain::ChangeSet* sets[] = {&set};
    BOOST_REQUIRE(!first.write(sets, {}, true));
  }
  // Only in that log: had the second opening removed it, the write would be gone.
  persistence::RocksdbLog reopened({dir.path()});
  BOOST_TEST(load_all(reopened).size() == 1u);
}

BOOST_AUTO_TEST_CASE(opening_an_unusable_directory_is_an_error) {
  testing::TempDir dir;
  const auto file = dir.path() / "not-a-directory";
  { std::ofstream(file) << "x"; }
  BOOST_CHECK_THROW(persistence::RocksdbLog({file}), std::runtime_error);
}

BOOST_AUTO_TEST_SUITE_END()
