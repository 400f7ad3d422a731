// No password, password hash or Authorization header in the logs (even at debug level), in any
// answer, in the data directory or in a snapshot of it.
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <iterator>

#include "tests/e2e/e2e_fixture.hpp"

using namespace awa::testing;

namespace {

// Every byte of every file under `dir`.
std::string contents_of(const std::filesystem::path& dir) {
  std::string all;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    all.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  return all;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(secrets_e2e)

BOOST_AUTO_TEST_CASE(no_secret_reaches_logs_answers_data_or_snapshots) {
  TempDir snapshots;
  DemoServer demo({"--log-level", "debug", "--snapshot-dir", snapshots.path().string()});
  const std::string password = "Tr0ub4dor-and-3-horses";
  const std::string credentials = basic_auth("secret.keeper", password);
  std::string answers;
  {
    auto client = demo.client();
    const auto created = client.post("/api/now/table/sys_user",
                                     R"({"user_name": "secret.keeper", "password": ")" + password +
                                         R"(", "roles": "awa_integration_user"})",
                                     admin());
    BOOST_REQUIRE(created.status == 201u);
    answers += created.body;
    for (int i = 0; i < 3; ++i) {
      const auto r = client.get("/api/now/table/sys_user?sysparm_limit=100", credentials);
      BOOST_REQUIRE(r.status == 200u);
      answers += r.body;
    }
    answers += client.get("/api/now/table/sys_user", basic_auth("secret.keeper", "wrong")).body;
    const auto snapshot = client.post("/api/now/awa-server/snapshots", "", admin());
    BOOST_REQUIRE(snapshot.status == 201u);
  }
  BOOST_TEST(demo.server->terminate() == 0);
  const std::string log = demo.server->log();
  BOOST_REQUIRE(log.find("GET /api/now/table/sys_user") != std::string::npos);  // debug lines

  const std::string encoded = credentials.substr(6);  // after "Basic "
  for (const auto& [where, text] : {std::pair<std::string, std::string>{"the log", log},
                                    {"the answers", answers},
                                    {"the data directory", contents_of(demo.dir.path())},
                                    {"the snapshot", contents_of(snapshots.path())}}) {
    BOOST_TEST(text.find(password) == std::string::npos, "the password is in " << where);
    BOOST_TEST(text.find(encoded) == std::string::npos, "the Authorization header is in " << where);
    BOOST_TEST(text.find("admin:admin") == std::string::npos, "admin's credentials in " << where);
  }
  // The hash is stored (it is how passwords are checked after a restart), never shown.
  for (const auto& [where, text] :
       {std::pair<std::string, std::string>{"the log", log}, {"the answers", answers}}) {
    BOOST_TEST(text.find("$argon2") == std::string::npos, "a password hash is in " << where);
  }
}

BOOST_AUTO_TEST_SUITE_END()
