// The durable log through a file system that fails on purpose: power loss drops what was not
// synced, ENOSPC and EIO on appends and syncs. Whatever was acknowledged survives; what was
// refused does not come back after a restart.
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <future>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "domain/instance.hpp"
#include "persistence/rocksdb_log.hpp"
#include "tests/support/fault_injection_fs.hpp"
#include "tests/support/memory_log.hpp"
#include "tests/support/temp_dir.hpp"

using namespace awa;
using domain::Record;
using domain::Table;
using Fault = testing::FaultInjectionFs::Fault;

namespace {

const domain::Caller kAdmin{domain::SysId{}, domain::Roles::parse("admin")};

persistence::RocksdbOptions options_for(const testing::TempDir& dir,
                                        std::shared_ptr<testing::FaultInjectionFs> fs) {
  persistence::RocksdbOptions options;
  options.directory = dir.path();
  options.file_system = std::move(fs);
  return options;
}

std::map<domain::SysId, std::string> queues_in(const testing::TempDir& dir) {
  persistence::RocksdbLog log(options_for(dir, nullptr));
  std::map<domain::SysId, std::string> out;
  BOOST_REQUIRE(!log.load(memory::ValueDictionary::fixed(), [&](Record&& r) {
    if (r.table == Table::awa_queue) out[r.id] = std::string(r[domain::queue_field::name]);
  }));
  return out;
}

template <class T>
std::error_code wait_durable(domain::Instance& instance, const domain::Answer<T>& answer) {
  std::promise<std::error_code> done;
  instance.when_durable(answer.ticket, [&](std::error_code e) { done.set_value(e); });
  return done.get_future().get();
}

Record queue_record(const std::string& name) {
  Record r = domain::blank_record(Table::awa_queue, domain::SysIdGenerator{}.next());
  r.values[domain::queue_field::name] = name;
  return r;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(fault_injection)

BOOST_AUTO_TEST_CASE(a_power_loss_keeps_every_synced_write_and_drops_the_rest) {
  testing::TempDir dir;
  auto fs = std::make_shared<testing::FaultInjectionFs>();
  std::set<domain::SysId> synced, unsynced;
  {
    persistence::RocksdbLog log(options_for(dir, fs));
    const auto write = [&](bool sync) {
      const Record r = queue_record(sync ? "synced" : "unsynced");
      const domain::ChangeSet set{{Table::awa_queue, r.id, std::nullopt, r}};
      const domain::ChangeSet* sets[] = {&set};
      BOOST_REQUIRE(!log.write(sets, {}, sync));
      (sync ? synced : unsynced).insert(r.id);
    };
    for (int i = 0; i < 200; ++i) write(true);
    for (int i = 0; i < 50; ++i) write(false);
    fs->lose_power();
  }
  BOOST_TEST(fs->drop_unsynced_data() > 0u);  // the simulation did drop something
  const auto recovered = queues_in(dir);
  for (const auto& id : synced) BOOST_TEST_REQUIRE(recovered.count(id) == 1u);
  for (const auto& id : unsynced) BOOST_TEST(recovered.count(id) == 0u);
}

BOOST_AUTO_TEST_CASE(under_durability_power_every_acknowledged_change_survives_a_power_loss) {
  testing::TempDir dir;
  auto fs = std::make_shared<testing::FaultInjectionFs>();
  testing::PlainHasher hasher;
  domain::SystemClock clock;
  std::mutex mutex;
  std::map<domain::SysId, std::string> acknowledged;
  std::set<std::string> refused;
  {
    persistence::RocksdbLog log(options_for(dir, fs));
    domain::Instance instance(clock, log, hasher, /*sync_writes=*/true);
    BOOST_REQUIRE(!instance.load());
    BOOST_REQUIRE(!instance.initialize({"secret", true}));
    std::atomic<int> acks{0};
    std::mt19937 random(static_cast<unsigned>(std::random_device{}()));
    const int power_fails_after = std::uniform_int_distribution<int>(50, 400)(random);
    std::vector<std::thread> clients;
    for (int t = 0; t < 4; ++t) {
      clients.emplace_back([&, t] {
        for (int i = 0; i < 300; ++i) {
          const std::string name = "q-" + std::to_string(t) + "-" + std::to_string(i);
          const auto answer = instance.create(kAdmin, "awa_queue", {{"name", name}});
          if (!answer.outcome.ok()) continue;
          const auto error = wait_durable(instance, answer);
          std::lock_guard lock(mutex);
          if (error) {
            refused.insert(name);
          } else {
            acknowledged[answer.outcome->id] = name;
            if (++acks == power_fails_after) fs->lose_power();
          }
        }
      });
    }
    for (auto& c : clients) c.join();
    BOOST_TEST(instance.storage_error());  // it noticed
    instance.stop();
  }
  BOOST_TEST_MESSAGE("acknowledged " << acknowledged.size() << ", refused " << refused.size()
                                     << ", dropped " << fs->drop_unsynced_data() << " bytes");
  BOOST_TEST(!refused.empty());
  const auto recovered = queues_in(dir);
  for (const auto& [id, name] : acknowledged) {
    const auto it = recovered.find(id);
    BOOST_TEST_REQUIRE((it != recovered.end()), "acknowledged " << name << " was lost");
    BOOST_TEST(it->second == name);
  }
  std::set<std::string> recovered_names;
  for (const auto& [id, name] : recovered) recovered_names.insert(name);
  for (const auto& name : refused) BOOST_TEST(recovered_names.count(name) == 0u);
}

// Each of ENOSPC and EIO, on the WAL append and on its sync, under both durabilities.
BOOST_AUTO_TEST_CASE(disk_faults_refuse_changes_and_a_restart_holds_exactly_what_was_acknowledged) {
  struct Case {
    bool on_sync;
    Fault fault;
    bool sync_writes;
  };
  const Case cases[] = {
      {false, Fault::no_space, false}, {false, Fault::io_error, false},
      {false, Fault::no_space, true},  {false, Fault::io_error, true},
      {true, Fault::no_space, true},   {true, Fault::io_error, true},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT("fault on " << (c.on_sync ? "sync" : "append") << ", "
                                   << (c.fault == Fault::no_space ? "ENOSPC" : "EIO") << ", "
                                   << (c.sync_writes ? "power" : "process")) {
      testing::TempDir dir;
      auto fs = std::make_shared<testing::FaultInjectionFs>();
      testing::PlainHasher hasher;
      domain::SystemClock clock;
      domain::SysId before_id, after_id;
      {
        persistence::RocksdbLog log(options_for(dir, fs));
        // The log's recovery is tried at every write, so the first one after the fault is taken.
        domain::Instance instance(clock, log, hasher, c.sync_writes, std::chrono::milliseconds(0));
        BOOST_REQUIRE(!instance.load());
        BOOST_REQUIRE(!instance.initialize({"secret", false}));
        const auto before = instance.create(kAdmin, "awa_queue", {{"name", "before"}});
        BOOST_REQUIRE(!wait_durable(instance, before));
        before_id = before.outcome->id;

        (c.on_sync ? fs->fail_syncs(c.fault) : fs->fail_appends(c.fault));
        const auto during = instance.create(kAdmin, "awa_queue", {{"name", "during"}});
        BOOST_TEST(wait_durable(instance, during));
        const auto renamed =
            instance.update(kAdmin, "awa_queue", before_id.str(), {{"name", "renamed"}});
        BOOST_TEST(wait_durable(instance, renamed));
        BOOST_TEST(instance.storage_error());
        // Memory holds only what is acknowledged; reads go on.
        const auto read = instance.get(kAdmin, "awa_queue", before_id.str());
        BOOST_REQUIRE(read.outcome.ok());
        BOOST_TEST(read.outcome->values[domain::queue_field::name] == "before");
        BOOST_TEST(!instance.get(kAdmin, "awa_queue", during.outcome->id.str()).outcome.ok());
        BOOST_TEST(fs->failed_operations() > 0u);

        // The disk is back: the next change is taken, without a restart.
        fs->fail_syncs(Fault::none);
        fs->fail_appends(Fault::none);
        const auto after = instance.create(kAdmin, "awa_queue", {{"name", "after"}});
        BOOST_TEST(!wait_durable(instance, after));
        BOOST_TEST(!instance.storage_error());
        after_id = after.outcome->id;
        instance.stop();
      }
      std::map<std::string, int> names;
      for (const auto& [id, name] : queues_in(dir)) ++names[name];
      BOOST_TEST(names["before"] == 1);
      BOOST_TEST(names["after"] == 1);
      BOOST_TEST(names.count("during") == 0u);
      BOOST_TEST(names.count("renamed") == 0u);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
