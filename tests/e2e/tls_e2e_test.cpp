// HTTPS with --tls-cert/--tls-key: TLS 1.2 and 1.3 are served, TLS 1.1 is refused, and so are
// TLS 1.2 suites without forward secrecy or AEAD (Mozilla's intermediate profile); plain HTTP on
// the HTTPS port gets no HTTP answer; file errors name the file; an encrypted key takes its
// password from a file, never from the terminal. curl is the client (a test dependency, in
// install-deps).
#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <fstream>

#include "tests/e2e/e2e_fixture.hpp"

using namespace awa::testing;

namespace {

const std::string kTls = std::string(AWA_SOURCE_DIR) + "/tests/e2e/tls/";

struct CurlResult {
  int exit_code = -1;
  std::string output;
};

CurlResult curl(const std::string& arguments) {
  CurlResult result;
  FILE* pipe =
      ::popen(("curl --silent --show-error --max-time 20 " + arguments + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return result;
  char buffer[4096];
  while (const auto n = std::fread(buffer, 1, sizeof buffer, pipe)) result.output.append(buffer, n);
  const int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(tls_e2e)

BOOST_AUTO_TEST_CASE(https_with_tls_1_2_as_the_floor) {
  DemoServer demo({"--tls-cert", kTls + "cert.pem", "--tls-key", kTls + "key.pem"});
  BOOST_TEST(demo.server->log().find("(HTTPS)") != std::string::npos);
  const std::string url = "https://127.0.0.1:" + std::to_string(demo.server->port());
  const std::string trust = "--cacert " + kTls + "cert.pem ";

  const auto health = curl(trust + url + "/healthz");
  BOOST_TEST(health.exit_code == 0, health.output);
  BOOST_TEST(health.output == R"({"status":"ok"})");
  const auto agent = curl(trust + "-u integration:demo " + url + "/api/now/awa/agents/" + kAgent);
  BOOST_TEST(agent.exit_code == 0, agent.output);
  BOOST_TEST(agent.output.find(R"("name":"Available")") != std::string::npos, agent.output);

  BOOST_TEST(curl(trust + "--tlsv1.2 --tls-max 1.2 " + url + "/healthz").exit_code == 0);
  BOOST_TEST(curl(trust + "--tlsv1.3 " + url + "/healthz").exit_code == 0);
  // TLS 1.1, with the client's own floor lowered so that only the server can refuse it.
  const auto old =
      curl(trust + "--tlsv1.1 --tls-max 1.1 --ciphers DEFAULT@SECLEVEL=0 " + url + "/healthz");
  BOOST_TEST(old.exit_code != 0, old.output);

  // TLS 1.2's suites: forward secrecy and AEAD only.
  const auto tls12 = trust + "--tlsv1.2 --tls-max 1.2 --ciphers ";
  BOOST_TEST(curl(tls12 + "ECDHE-RSA-AES128-GCM-SHA256 " + url + "/healthz").exit_code == 0);
  BOOST_TEST(curl(tls12 + "ECDHE-RSA-CHACHA20-POLY1305 " + url + "/healthz").exit_code == 0);
  for (const std::string weak :
       {"AES128-SHA", "AES128-GCM-SHA256", "ECDHE-RSA-AES128-SHA", "ECDHE-RSA-AES256-SHA384"}) {
    const auto refused = curl(tls12 + weak + " " + url + "/healthz");
    BOOST_TEST(refused.exit_code != 0, weak << ": " << refused.output);
  }

  // Plain HTTP on the HTTPS port: no HTTP answer, the connection is closed.
  const auto plain = raw_exchange(demo.server->port(), "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  BOOST_TEST(plain.received.rfind("HTTP/1.1", 0) != 0u);
  BOOST_TEST(plain.closed_by_server);
}

BOOST_AUTO_TEST_CASE(tls_flags_are_checked) {
  ServerProcess missing_key({"--tls-cert", kTls + "cert.pem"}, {}, false);
  BOOST_TEST(missing_key.wait_exit() == 2);
  BOOST_TEST(missing_key.log().find("--tls-cert and --tls-key go together") != std::string::npos);
  TempDir dir;
  ServerProcess unreadable({"--data-dir", dir.path().string(), "--tls-cert", "/nonexistent.pem",
                            "--tls-key", kTls + "key.pem"},
                           {}, false);
  BOOST_TEST(unreadable.wait_exit() == 1);
  BOOST_TEST(unreadable.log().find("certificate chain /nonexistent.pem") != std::string::npos,
             unreadable.log());
  ServerProcess no_key({"--data-dir", dir.path().string(), "--tls-cert", kTls + "cert.pem",
                        "--tls-key", "/nonexistent-key.pem"},
                       {}, false);
  BOOST_TEST(no_key.wait_exit() == 1);
  BOOST_TEST(no_key.log().find("key /nonexistent-key.pem") != std::string::npos, no_key.log());
  ServerProcess password_alone({"--tls-key-password-file", kTls + "key-password.txt"}, {}, false);
  BOOST_TEST(password_alone.wait_exit() == 2);
}

BOOST_AUTO_TEST_CASE(an_encrypted_key_takes_its_password_from_a_file_never_from_the_terminal) {
  TempDir dir;
  // Without the password: a clear refusal, at once (no prompt waits for a terminal).
  ServerProcess refused({"--data-dir", dir.path().string(), "--tls-cert", kTls + "cert.pem",
                         "--tls-key", kTls + "key-encrypted.pem"},
                        {}, false);
  BOOST_TEST(refused.wait_exit(std::chrono::seconds(10)) == 1);
  BOOST_TEST(refused.log().find("key-encrypted.pem is encrypted: give its password with "
                                "--tls-key-password-file") != std::string::npos,
             refused.log());
  // A wrong password: refused, naming both files.
  TempDir other;
  const auto wrong = (other.path() / "wrong.txt").string();
  { std::ofstream(wrong) << "not the password\n"; }
  ServerProcess mistaken(
      {"--data-dir", dir.path().string(), "--tls-cert", kTls + "cert.pem", "--tls-key",
       kTls + "key-encrypted.pem", "--tls-key-password-file", wrong},
      {}, false);
  BOOST_TEST(mistaken.wait_exit(std::chrono::seconds(10)) == 1);
  BOOST_TEST(mistaken.log().find("cannot decrypt the TLS key") != std::string::npos,
             mistaken.log());
  // With it: HTTPS.
  DemoServer demo({"--tls-cert", kTls + "cert.pem", "--tls-key", kTls + "key-encrypted.pem",
                   "--tls-key-password-file", kTls + "key-password.txt"});
  const std::string url = "https://127.0.0.1:" + std::to_string(demo.server->port());
  const auto health = curl("--cacert " + kTls + "cert.pem " + url + "/healthz");
  BOOST_TEST(health.exit_code == 0, health.output);
}

BOOST_AUTO_TEST_SUITE_END()
