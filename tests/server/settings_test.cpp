// The command line: defaults, every flag, and clear refusals.
#include "server/settings.hpp"

#include <boost/test/unit_test.hpp>

#include <vector>

using namespace awa::server;

namespace {

CommandLine parse(std::vector<const char*> args) {
  args.insert(args.begin(), "awa-server");
  return parse_command_line(static_cast<int>(args.size()), args.data());
}

}  // namespace

BOOST_AUTO_TEST_SUITE(settings)

BOOST_AUTO_TEST_CASE(defaults) {
  const auto cl = parse({});
  BOOST_REQUIRE(cl.settings);
  BOOST_TEST(cl.settings->listen_address == "127.0.0.1");
  BOOST_TEST(cl.settings->listen_port == 8080);
  BOOST_TEST(cl.settings->data_dir == "./awa-data");
  BOOST_TEST(cl.settings->threads >= 1u);
  BOOST_TEST(cl.settings->busy_poll_microseconds == 0u);  // idle servers sleep
  BOOST_TEST((cl.settings->durability == Durability::process));
  BOOST_TEST(!cl.settings->demo);
}

BOOST_AUTO_TEST_CASE(every_flag) {
  const auto cl =
      parse({"--listen", "[::1]:9090", "--data-dir", "/tmp/x", "--threads", "3", "--durability",
             "power", "--demo", "--log-level", "debug", "--busy-poll-us", "100"});
  BOOST_REQUIRE(cl.settings);
  BOOST_TEST(cl.settings->listen_address == "::1");
  BOOST_TEST(cl.settings->listen_port == 9090);
  BOOST_TEST(cl.settings->data_dir == "/tmp/x");
  BOOST_TEST(cl.settings->threads == 3u);
  BOOST_TEST(cl.settings->busy_poll_microseconds == 100u);
  BOOST_TEST((cl.settings->durability == Durability::power));
  BOOST_TEST(cl.settings->demo);
  BOOST_TEST((cl.settings->log_level == LogLevel::debug));
}

BOOST_AUTO_TEST_CASE(help_prints_every_flag) {
  const auto cl = parse({"--help"});
  BOOST_TEST(!cl.settings);
  BOOST_TEST(cl.exit_code == 0);
  for (const char* flag :
       {"--listen", "--data-dir", "--threads", "--durability", "--demo", "AWA_ADMIN_PASSWORD"}) {
    BOOST_TEST(cl.output.find(flag) != std::string::npos, flag);
  }
}

BOOST_AUTO_TEST_CASE(refuses_bad_values_naming_the_flag) {
  const std::pair<std::vector<const char*>, std::string> cases[] = {
      {{"--listen", "8080"}, "--listen"},
      {{"--listen", "127.0.0.1:http"}, "--listen"},
      {{"--listen", "127.0.0.1:70000"}, "--listen"},
      {{"--durability", "disk"}, "--durability"},
      {{"--threads", "1000"}, "--threads"},
      {{"--busy-poll-us", "20000"}, "--busy-poll-us"},
      {{"--log-level", "loud"}, "--log-level"},
      {{"--read-timeout", "0"}, "--read-timeout"},
      {{"--no-such-flag"}, "no-such-flag"},
  };
  for (const auto& [args, flag] : cases) {
    const auto cl = parse(args);
    BOOST_TEST(!cl.settings);
    BOOST_TEST(cl.exit_code == 2);
    BOOST_TEST(cl.output.find(flag) != std::string::npos, cl.output);
  }
}

BOOST_AUTO_TEST_SUITE_END()
