// The process as an operator meets it: signals that must not end it (SIGHUP is noted, SIGUSR1
// and SIGUSR2 ignored), and the modes of what it writes (the data holds password hashes: 0700
// directories, 0600 files, and a word about an existing directory that others may read).
#include <boost/test/unit_test.hpp>
#include <signal.h>
#include <sys/stat.h>

#include "tests/e2e/e2e_fixture.hpp"

using namespace awa::testing;
namespace fs = std::filesystem;

namespace {

unsigned mode_of(const fs::path& path) {
  struct stat st {};
  ::lstat(path.c_str(), &st);
  return st.st_mode & 07777;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(process_e2e)

BOOST_AUTO_TEST_CASE(hup_usr1_and_usr2_do_not_end_the_server) {
  DemoServer demo;
  for (const int signal : {SIGHUP, SIGUSR1, SIGUSR2}) {
    BOOST_REQUIRE(::kill(demo.server->pid(), signal) == 0);
    // Answered after the signal: it is still serving.
    BOOST_TEST(demo.client().get("/api/now/table/awa_queue", admin()).status == 200u, signal);
  }
  BOOST_TEST(demo.server->wait_for_log("SIGHUP: ignored"));
  BOOST_TEST(demo.server->terminate() == 0);
}

BOOST_AUTO_TEST_CASE(what_the_server_writes_only_its_user_may_read) {
  TempDir parent;
  const auto data = parent.path() / "data";
  const auto snapshots = parent.path() / "snapshots";
  {
    ServerProcess server(
        {"--demo", "--data-dir", data.string(), "--snapshot-dir", snapshots.string()});
    HttpClient client(server.port());
    BOOST_REQUIRE(client.post("/api/now/awa-server/snapshots", "", admin()).status == 201u);
    BOOST_TEST(server.terminate() == 0);
  }
  std::size_t checked = 0;
  for (const auto& root : {data, snapshots}) {
    BOOST_TEST(mode_of(root) == 0700u, root);
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
      BOOST_TEST(mode_of(entry.path()) == (entry.is_directory() ? 0700u : 0600u), entry.path());
      ++checked;
    }
  }
  BOOST_TEST(checked > 10u);

  // A directory made open by hand: the server says so.
  fs::permissions(data, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                            fs::perms::others_read | fs::perms::others_exec);
  ServerProcess server({"--data-dir", data.string(), "--snapshot-dir", snapshots.string()});
  BOOST_TEST(server.log().find("may be read by other users (mode 0755)") != std::string::npos,
             server.log());
}

BOOST_AUTO_TEST_SUITE_END()
