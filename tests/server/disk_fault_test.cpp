// Disk faults through the whole stack but HTTP: the API on a real RocksDB whose file system fails
// on purpose (ENOSPC on the WAL append, EIO on its sync). Changes are refused with 503 and
// Retry-After, reads go on, /healthz says why; once the disk is back, writes are taken again, and
// a restart finds exactly what was acknowledged.
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <future>
#include <set>

#include "domain/instance.hpp"
#include "persistence/rocksdb_log.hpp"
#include "server/api.hpp"
#include "server/basic_auth.hpp"
#include "tests/support/basic_header.hpp"
#include "tests/support/fault_injection_fs.hpp"
#include "tests/support/memory_log.hpp"
#include "tests/support/temp_dir.hpp"

using namespace awa;
using namespace awa::server;
using Fault = testing::FaultInjectionFs::Fault;

namespace {

struct Stack {
  Stack(const testing::TempDir& dir, std::shared_ptr<testing::FaultInjectionFs> fs, bool power)
      : log([&] {
          persistence::RocksdbOptions options;
          options.directory = dir.path();
          options.file_system = std::move(fs);
          return options;
        }()),
        // The log's recovery is tried at every write, so the first one after the fault is taken.
        instance(clock, log, hasher, power, std::chrono::milliseconds(0)) {
    BOOST_REQUIRE(!instance.load());
    if (instance.is_new()) BOOST_REQUIRE(!instance.initialize({"admin-pw", false}));
  }

  HttpResponse call(std::string method, std::string target, std::string body = {}) {
    HttpRequest request{std::move(method),
                        std::move(target),
                        testing::basic_header("admin:admin-pw"),
                        body.empty() ? "" : "application/json",
                        {},
                        std::move(body)};
    std::promise<HttpResponse> answered;
    api.handle(std::move(request), [&](HttpResponse r) { answered.set_value(std::move(r)); });
    return answered.get_future().get();
  }
  std::string header(const HttpResponse& r, std::string_view name) {
    for (const auto& [k, v] : r.headers) {
      if (k == name) return v;
    }
    return {};
  }
  std::set<std::string> queue_names() {
    const auto listed = call("GET", "/api/now/table/awa_queue");
    BOOST_REQUIRE(listed.status == 200u);
    std::set<std::string> names;
    const auto body = boost::json::parse(listed.body);
    for (const auto& q : body.at("result").as_array()) names.emplace(q.at("name").as_string());
    return names;
  }

  domain::SystemClock clock;
  testing::PlainHasher hasher;
  persistence::RocksdbLog log;
  domain::Instance instance;
  Authenticator authenticator{instance, hasher};
  Api api{instance, authenticator, Api::run_here};
};

}  // namespace

BOOST_AUTO_TEST_SUITE(disk_faults)

BOOST_AUTO_TEST_CASE(refused_with_503_then_taken_again_and_exact_after_a_restart) {
  struct Case {
    bool on_sync;
    Fault fault;
    const char* reason;
  };
  for (const Case c : {Case{false, Fault::no_space, "no space left on device"},
                       Case{true, Fault::io_error, "I/O error"}}) {
    BOOST_TEST_CONTEXT(c.reason) {
      testing::TempDir dir;
      auto fs = std::make_shared<testing::FaultInjectionFs>();
      {
        Stack stack(dir, fs, /*power=*/true);
        BOOST_TEST(stack.call("POST", "/api/now/table/awa_queue", R"({"name": "kept"})").status ==
                   201u);
        c.on_sync ? fs->fail_syncs(c.fault) : fs->fail_appends(c.fault);
        const auto refused = stack.call("POST", "/api/now/table/awa_queue", R"({"name": "lost"})");
        BOOST_TEST(refused.status == 503u);
        BOOST_TEST(stack.header(refused, "Retry-After") == "1");
        BOOST_TEST(stack.queue_names().count("lost") == 0u);  // reads go on, without it
        const auto health = stack.call("GET", "/healthz");
        BOOST_TEST(health.status == 503u);
        BOOST_TEST(health.body.find(c.reason) != std::string::npos, health.body);

        fs->fail_appends(Fault::none);
        fs->fail_syncs(Fault::none);
        BOOST_TEST(stack.call("POST", "/api/now/table/awa_queue", R"({"name": "after"})").status ==
                   201u);
        BOOST_TEST(stack.call("GET", "/healthz").status == 200u);
        stack.instance.stop();
      }
      Stack restarted(dir, nullptr, true);
      BOOST_TEST((restarted.queue_names() == std::set<std::string>{"kept", "after"}));
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
