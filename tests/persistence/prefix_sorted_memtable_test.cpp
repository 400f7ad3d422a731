// The prefix-sorted memtable under a real RocksDB: what a database on it reads back (from the
// memtable, from the files its flushes write, and after reopening) is what a map of the same
// writes holds, in the same order, with keys chosen so that their first 8 bytes often tie.
#include "persistence/prefix_sorted_memtable.hpp"

#include <boost/test/unit_test.hpp>
#include <rocksdb/db.h>
#include <rocksdb/listener.h>

#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/temp_dir.hpp"

using namespace awa;

namespace {

using Model = std::map<std::string, std::string>;

rocksdb::Options memtable_options() {
  rocksdb::Options options;
  options.create_if_missing = true;
  options.memtable_factory = std::make_shared<persistence::PrefixSortedMemTableFactory>();
  options.allow_concurrent_memtable_write = false;
  return options;
}

std::unique_ptr<rocksdb::DB> open(const testing::TempDir& dir) {
  rocksdb::DB* db = nullptr;
  const auto status = rocksdb::DB::Open(memtable_options(), dir.path().string(), &db);
  BOOST_REQUIRE_MESSAGE(status.ok(), status.ToString());
  return std::unique_ptr<rocksdb::DB>(db);
}

// Keys whose first 8 bytes tie often: a few stems, some shorter than 8 bytes, some ending in
// zero bytes (a short key's missing bytes count as zeros in its prefix), with tails.
std::string random_key(std::mt19937_64& random) {
  static const std::vector<std::string> stems = {"",
                                                 "a",
                                                 std::string("a\0", 2),
                                                 std::string("a\0\0", 3),
                                                 "ab",
                                                 "abcdefg",
                                                 "abcdefgh",
                                                 "abcdefgi",
                                                 std::string(8, '\xff'),
                                                 "\x01zzzzzzz",
                                                 "zzzzzzzz",
                                                 "m"};
  std::string key = stems[random() % stems.size()];
  const auto tail = random() % 4;
  for (std::uint64_t i = 0; i < tail; ++i)
    key += static_cast<char>(random() % 3 == 0 ? 0 : random());
  return key;
}

void apply_random_writes(rocksdb::DB& db, Model& model, std::mt19937_64& random, int count) {
  for (int i = 0; i < count; ++i) {
    const std::string key = random_key(random);
    if (random() % 5 == 0) {
      BOOST_REQUIRE(db.Delete(rocksdb::WriteOptions{}, key).ok());
      model.erase(key);
    } else {
      const std::string value = "v" + std::to_string(i);
      BOOST_REQUIRE(db.Put(rocksdb::WriteOptions{}, key, value).ok());
      model[key] = value;
    }
  }
}

// Everything the database reads, through every way a memtable is read, matches the model.
void require_reads_match(rocksdb::DB& db, const Model& model, std::mt19937_64& random,
                         const rocksdb::Snapshot* snapshot = nullptr) {
  rocksdb::ReadOptions read;
  read.snapshot = snapshot;
  std::unique_ptr<rocksdb::Iterator> it(db.NewIterator(read));

  std::vector<std::pair<std::string, std::string>> forward;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    forward.emplace_back(it->key().ToString(), it->value().ToString());
  }
  BOOST_REQUIRE(it->status().ok());
  const std::vector<std::pair<std::string, std::string>> expected(model.begin(), model.end());
  BOOST_REQUIRE(forward == expected);

  std::vector<std::pair<std::string, std::string>> backward;
  for (it->SeekToLast(); it->Valid(); it->Prev()) {
    backward.emplace_back(it->key().ToString(), it->value().ToString());
  }
  BOOST_REQUIRE(std::equal(backward.begin(), backward.end(), expected.rbegin(), expected.rend()));

  for (int i = 0; i < 200; ++i) {
    const std::string target = random_key(random);
    it->Seek(target);
    const auto at_or_after = model.lower_bound(target);
    BOOST_REQUIRE(it->Valid() == (at_or_after != model.end()));
    if (it->Valid()) BOOST_REQUIRE(it->key().ToString() == at_or_after->first);

    it->SeekForPrev(target);
    auto at_or_before = model.upper_bound(target);
    const bool any_before = at_or_before != model.begin();
    BOOST_REQUIRE(it->Valid() == any_before);
    if (any_before) BOOST_REQUIRE(it->key().ToString() == std::prev(at_or_before)->first);

    std::string value;
    const auto status = db.Get(read, target, &value);
    const auto found = model.find(target);
    BOOST_REQUIRE(status.ok() == (found != model.end()));
    if (found != model.end()) BOOST_REQUIRE(value == found->second);
  }
}

struct FlushCounter : rocksdb::EventListener {
  void OnFlushCompleted(rocksdb::DB*, const rocksdb::FlushJobInfo&) override { ++count; }
  std::atomic<int> count{0};
};

}  // namespace

BOOST_AUTO_TEST_SUITE(prefix_sorted_memtable)

BOOST_AUTO_TEST_CASE(a_database_on_it_reads_what_a_map_holds_before_and_after_flushing) {
  testing::TempDir dir;
  std::mt19937_64 random(20261202);
  Model model;
  {
    auto db = open(dir);
    BOOST_REQUIRE(std::string(db->GetOptions().memtable_factory->Name()) ==
                  persistence::PrefixSortedMemTableFactory::kClassName());
    apply_random_writes(*db, model, random, 3000);
    require_reads_match(*db, model, random);  // from the memtable that takes writes

    BOOST_REQUIRE(db->Flush(rocksdb::FlushOptions{}).ok());  // sorted once, into a table file
    require_reads_match(*db, model, random);

    apply_random_writes(*db, model, random, 3000);  // a new memtable over the file
    require_reads_match(*db, model, random);
    BOOST_REQUIRE(db->Flush(rocksdb::FlushOptions{}).ok());
  }
  auto reopened = open(dir);
  require_reads_match(*reopened, model, random);
}

BOOST_AUTO_TEST_CASE(a_snapshot_reads_the_older_version_of_a_key_written_twice) {
  // Versions of one key tie on every byte of the key: they are ordered by sequence number.
  testing::TempDir dir;
  std::mt19937_64 random(7);
  auto db = open(dir);
  Model before;
  apply_random_writes(*db, before, random, 1000);
  const rocksdb::Snapshot* snapshot = db->GetSnapshot();
  Model after = before;
  apply_random_writes(*db, after, random, 1000);

  require_reads_match(*db, before, random, snapshot);
  require_reads_match(*db, after, random);
  BOOST_REQUIRE(db->Flush(rocksdb::FlushOptions{}).ok());  // the flush keeps both versions
  require_reads_match(*db, before, random, snapshot);
  require_reads_match(*db, after, random);
  db->ReleaseSnapshot(snapshot);
}

BOOST_AUTO_TEST_CASE(readers_and_flushes_alongside_a_writer_see_sorted_whole_entries) {
  // Memtables of 64 KiB: the writer switches memtables every few hundred writes, RocksDB's
  // flush thread sorts the immutable ones meanwhile, and readers sort copies of the mutable one
  // (the sort, the copy and the size question each on their own thread, as in the server).
  testing::TempDir dir;
  rocksdb::Options options = memtable_options();
  options.write_buffer_size = 64 << 10;
  options.max_write_buffer_number = 3;
  const auto flushes = std::make_shared<FlushCounter>();
  options.listeners.push_back(flushes);
  rocksdb::DB* raw = nullptr;
  BOOST_REQUIRE(rocksdb::DB::Open(options, dir.path().string(), &raw).ok());
  const std::unique_ptr<rocksdb::DB> db(raw);

  std::atomic<bool> writing{true};
  std::atomic<int> readers_started{0};
  Model model;
  std::thread writer([&] {
    while (readers_started < 2) std::this_thread::yield();  // the writes start under readers
    // At least 20,000 writes, and on until five flushes have completed: a slow build (a
    // sanitizer's) folds several immutable memtables into one flush, so a fixed count of writes
    // can see fewer. The cap only bounds a broken flush path, which the check below reports.
    std::mt19937_64 random(11);
    for (int written = 0; written < 20000 || (flushes->count < 5 && written < 1000000);
         written += 1000) {
      apply_random_writes(*db, model, random, 1000);
    }
    writing = false;
  });
  std::atomic<bool> unsorted{false};
  auto read = [&] {
    ++readers_started;
    do {
      std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions{}));
      std::string previous;
      bool first = true;
      for (it->SeekToFirst(); it->Valid(); it->Next()) {
        const std::string key = it->key().ToString();
        if (!first && !(previous < key)) unsorted = true;
        if (it->value().empty() || it->value()[0] != 'v') unsorted = true;
        previous = key;
        first = false;
      }
    } while (writing);
  };
  std::thread reader_a(read);
  std::thread reader_b(read);
  writer.join();
  reader_a.join();
  reader_b.join();

  BOOST_TEST(!unsorted);
  BOOST_TEST(flushes->count >= 5);  // the sorts of immutable memtables ran meanwhile
  std::mt19937_64 random(12);
  require_reads_match(*db, model, random);
}

BOOST_AUTO_TEST_SUITE_END()
