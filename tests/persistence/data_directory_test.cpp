// What a data directory must hold for RocksDB to open it: nothing, or a database. A directory
// with files but no valid CURRENT is refused before anything in it changes, and a creation that
// fails leaves the directory as it found it.
#include "persistence/data_directory.hpp"

#include <boost/test/unit_test.hpp>

#include <fstream>
#include <map>

#include "persistence/rocksdb_log.hpp"
#include "tests/support/directory_contents.hpp"
#include "tests/support/fault_injection_fs.hpp"
#include "tests/support/sample_records.hpp"
#include "tests/support/temp_dir.hpp"

using namespace awa;
namespace fs = std::filesystem;

namespace {

// Every file's name and bytes: the directory as it is.

// A database holding one record, closed, with its table files flushed or its WAL (`flushed`).
void make_database(const fs::path& dir, bool flushed) {
  persistence::RocksdbLog log({dir});
  const auto record = testing::queue_record("kept");
  const domain::ChangeSet set{{domain::Table::awa_queue, record.id, std::nullopt, record}};
  const domain::ChangeSet* sets[] = {&set};
  BOOST_REQUIRE(!log.write(sets, {}, true));
  if (flushed) {
    testing::TempDir checkpoints;  // a checkpoint flushes the memtable into a table file
    BOOST_REQUIRE(!log.checkpoint(checkpoints.path() / "c"));
  }
}

// Opening `dir` throws, naming `what`, and changes nothing in it.
void expect_refused(const fs::path& dir, const std::string& what) {
  const auto before = testing::directory_contents(dir);
  try {
    persistence::RocksdbLog log({dir});
    BOOST_ERROR("opened " << dir);
  } catch (const std::runtime_error& e) {
    BOOST_TEST(std::string(e.what()).find(what) != std::string::npos, e.what());
  }
  BOOST_TEST((testing::directory_contents(dir) == before));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(data_directory)

BOOST_AUTO_TEST_CASE(absent_and_empty_directories_get_a_new_database) {
  testing::TempDir dir;
  BOOST_TEST(
      (persistence::inspect_data_directory(dir.path()) == persistence::DataDirectory::fresh));
  fs::create_directory(dir.path() / "lost+found");  // a fresh file system's root
  BOOST_TEST(
      (persistence::inspect_data_directory(dir.path()) == persistence::DataDirectory::fresh));
  const auto absent = dir.path() / "a" / "b";
  { persistence::RocksdbLog log({absent}); }
  BOOST_TEST((persistence::inspect_data_directory(absent) == persistence::DataDirectory::database));
}

BOOST_AUTO_TEST_CASE(a_directory_without_current_is_refused_and_left_as_it_was) {
  testing::TempDir dir;
  make_database(dir.path(), true);
  fs::remove(dir.path() / "CURRENT");
  BOOST_REQUIRE(!testing::directory_contents(dir.path()).empty());
  expect_refused(dir.path(), "no CURRENT file");
}

BOOST_AUTO_TEST_CASE(a_directory_holding_only_a_write_ahead_log_is_refused_and_left_as_it_was) {
  testing::TempDir dir;
  make_database(dir.path(), false);
  for (const auto& [name, bytes] : testing::directory_contents(dir.path())) {
    if (!name.ends_with(".log") || bytes.empty()) fs::remove(dir.path() / name);
  }
  BOOST_REQUIRE(testing::directory_contents(dir.path()).size() == 1u);
  expect_refused(dir.path(), "no CURRENT file");
}

BOOST_AUTO_TEST_CASE(a_current_that_names_a_missing_or_no_manifest_is_refused) {
  testing::TempDir dir;
  make_database(dir.path(), true);
  for (const auto& [name, bytes] : testing::directory_contents(dir.path())) {
    if (name.starts_with("MANIFEST-")) fs::rename(dir.path() / name, dir.path() / "moved");
  }
  expect_refused(dir.path(), "that its CURRENT file names");
  { std::ofstream(dir.path() / "CURRENT") << "garbage\n"; }
  expect_refused(dir.path(), "names no MANIFEST file");
}

BOOST_AUTO_TEST_CASE(a_path_that_is_not_a_directory_is_refused) {
  testing::TempDir dir;
  const auto file = dir.path() / "file";
  { std::ofstream(file) << "x"; }
  BOOST_CHECK_THROW(persistence::inspect_data_directory(file), std::runtime_error);
}

BOOST_AUTO_TEST_CASE(a_creation_that_fails_leaves_nothing_behind) {
  testing::TempDir dir;
  for (const bool existed : {true, false}) {
    const auto target = existed ? dir.path() : dir.path() / "new";
    auto fs = std::make_shared<testing::FaultInjectionFs>();
    fs->fail_appends(testing::FaultInjectionFs::Fault::no_space);
    persistence::RocksdbOptions options;
    options.directory = target;
    options.file_system = fs;
    BOOST_CHECK_THROW(persistence::RocksdbLog{options}, std::runtime_error);
    BOOST_TEST(fs->failed_operations() > 0u);
    if (existed) {
      BOOST_TEST(testing::directory_contents(target).empty());
    } else {
      BOOST_TEST(!fs::exists(target));
    }
    // Fresh again: the next start makes its database.
    BOOST_TEST((persistence::inspect_data_directory(target) == persistence::DataDirectory::fresh));
  }
}

BOOST_AUTO_TEST_SUITE_END()
