// Starts that must fail, and fail without touching the data directory: a directory whose
// CURRENT was lost (RocksDB would have made a new database over it and deleted its table
// files), an address already in use, a TLS file that does not load. A new directory is seeded,
// and its admin password printed, only by a start that then serves.
#include <boost/test/unit_test.hpp>

#include <fstream>

#include "tests/e2e/e2e_fixture.hpp"
#include "tests/support/directory_contents.hpp"

using namespace awa::testing;
namespace fs = std::filesystem;

namespace {

// Starts the server on `args`; it must exit with a failure, and its log must say `why`.
void expect_start_fails(const std::vector<std::string>& args, const std::string& why) {
  ServerProcess server(args, {}, /*wait_until_listening=*/false);
  const int status = server.wait_exit();
  BOOST_TEST(status != 0);
  BOOST_TEST(status != -1);  // it exited by itself
  const auto log = server.log();
  BOOST_TEST(log.find(why) != std::string::npos, log);
  BOOST_TEST(log.find("generated the admin password") == std::string::npos, log);
  BOOST_TEST(log.find("initialised a new data directory") == std::string::npos, log);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(start_refusals_e2e)

BOOST_AUTO_TEST_CASE(a_data_directory_that_lost_its_current_is_refused_and_left_as_it_was) {
  DemoServer demo;
  {
    auto client = demo.client();
    BOOST_REQUIRE(client.post("/api/now/table/awa_queue", R"({"name": "Kept"})", admin()).status ==
                  201u);
    // Into table files, as a directory that has run a while holds its records.
    BOOST_REQUIRE(client.post("/api/now/awa-server/snapshots", "", admin()).status == 201u);
  }
  BOOST_REQUIRE(demo.server->terminate() == 0);
  fs::remove(demo.dir.path() / "CURRENT");
  const auto before = directory_contents(demo.dir.path());
  BOOST_REQUIRE(std::any_of(before.begin(), before.end(),
                            [](const auto& file) { return file.first.ends_with(".sst"); }));
  expect_start_fails({"--data-dir", demo.dir.path().string()}, "no CURRENT file");
  BOOST_TEST((directory_contents(demo.dir.path()) == before));
  // The demo flag changes nothing: the directory is not empty.
  expect_start_fails({"--demo", "--data-dir", demo.dir.path().string()}, "no CURRENT file");
  BOOST_TEST((directory_contents(demo.dir.path()) == before));
}

BOOST_AUTO_TEST_CASE(a_start_that_cannot_listen_or_load_its_certificate_leaves_no_directory) {
  DemoServer running;
  TempDir parent;
  const auto data = (parent.path() / "data").string();
  expect_start_fails(
      {"--data-dir", data, "--listen", "127.0.0.1:" + std::to_string(running.server->port())},
      "Address already in use");
  BOOST_TEST(!fs::exists(data));
  expect_start_fails({"--data-dir", data, "--tls-cert", (parent.path() / "missing.pem").string(),
                      "--tls-key", (parent.path() / "missing-key.pem").string()},
                     "missing.pem");
  BOOST_TEST(!fs::exists(data));
}

BOOST_AUTO_TEST_SUITE_END()
