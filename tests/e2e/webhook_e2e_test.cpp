// Webhooks on the real binary, delivered to a real receiver (webhook_receiver.py, which checks
// the signatures with Python's hmac): refused deliveries come again, in order, nothing lost;
// batches; a restart in the middle of a delivery resumes at the persisted cursor; the table's
// secret is shown once and its fields are checked.
#include <boost/test/unit_test.hpp>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <thread>

#include "tests/e2e/presence_switching_server.hpp"

using namespace awa::testing;
namespace bj = boost::json;

namespace {

// A key of 24 bytes, as the server would make.
const std::string kSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

// The receiver, a child process; killed when the test ends.
class Receiver {
public:
  Receiver(const std::filesystem::path& log, std::vector<std::string> options = {}) : log_(log) {
    int out[2];
    BOOST_REQUIRE(::pipe(out) == 0);
    std::vector<std::string> args{"python3",
                                  std::string(AWA_SOURCE_DIR) + "/tests/e2e/webhook_receiver.py",
                                  kSecret, log.string()};
    args.insert(args.end(), options.begin(), options.end());
    pid_ = ::fork();
    BOOST_REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      ::dup2(out[1], STDOUT_FILENO);
      ::close(out[0]);
      ::close(out[1]);
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execvp("python3", argv.data());
      ::_exit(127);
    }
    ::close(out[1]);
    std::string line;
    char c = 0;
    while (::read(out[0], &c, 1) == 1 && c != '\n') line += c;
    ::close(out[0]);
    BOOST_REQUIRE_MESSAGE(!line.empty(), "the receiver did not start");
    port_ = static_cast<std::uint16_t>(std::stoi(line));
  }
  ~Receiver() {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hook"; }

  // Every request the receiver got, in the order it got them.
  std::vector<bj::object> requests() const {
    std::vector<bj::object> out;
    std::ifstream in(log_);
    for (std::string line; std::getline(in, line);) out.push_back(bj::parse(line).as_object());
    return out;
  }
  // Waits (30 s at most) until the requests satisfy `done`.
  template <class Done>
  std::vector<bj::object> wait_for(Done done) const {
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    for (;;) {
      auto got = requests();
      if (done(got) || std::chrono::steady_clock::now() > until) return got;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));  // polls a file, not a clock
    }
  }

private:
  std::filesystem::path log_;
  int pid_ = -1;
  std::uint16_t port_ = 0;
};

// The event numbers delivered and answered 2xx, in order.
std::vector<std::int64_t> accepted_ids(const std::vector<bj::object>& requests) {
  std::vector<std::int64_t> ids;
  for (const auto& r : requests) {
    if (r.at("status").is_int64() && r.at("status").as_int64() / 100 == 2) {
      for (const auto& id : r.at("ids").as_array()) ids.push_back(id.as_int64());
    }
  }
  return ids;
}

struct WebhookServer : PresenceSwitchingServer {
  std::string create_webhook(const std::string& url, int max_batch) {
    HttpClient client = this->client();
    const auto reply = client.post("/api/now/table/awa_webhook",
                                   R"({"url": ")" + url + R"(", "secret": ")" + kSecret +
                                       R"(", "max_batch": ")" + std::to_string(max_batch) + R"("})",
                                   admin());
    BOOST_REQUIRE_MESSAGE(reply.status == 201u, reply.body);
    return std::string(json_of(reply).at("result").at("sys_id").as_string());
  }
  bj::object webhook(const std::string& id) {
    HttpClient client = this->client();
    const auto reply = client.get("/api/now/table/awa_webhook/" + id, admin());
    BOOST_REQUIRE(reply.status == 200u);
    return json_of(reply).at("result").as_object();
  }
  // Waits (30 s at most) until the webhook's record says it delivered through `seq`.
  bool persisted(const std::string& id, std::int64_t seq) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < until) {
      if (webhook(id).at("delivered_seq").as_string() == std::to_string(seq)) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));  // polls the record
    }
    return false;
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(webhook_e2e)

BOOST_FIXTURE_TEST_CASE(refused_deliveries_come_again_in_order_signed, WebhookServer) {
  Receiver receiver(dir.path() / "receiver.log", {"--refuse", "2"});
  const auto id = create_webhook(receiver.url(), 1);
  switch_presence(3);
  const auto got = receiver.wait_for([](const auto& r) { return accepted_ids(r).size() >= 3; });
  BOOST_TEST(accepted_ids(got) == (std::vector<std::int64_t>{1, 2, 3}),
             boost::test_tools::per_element());
  BOOST_REQUIRE(got.size() == 5u);
  for (std::size_t i = 0; i < got.size(); ++i) {
    const auto& r = got[i];
    BOOST_TEST(r.at("signature_ok").as_bool(), "request " << i);
    BOOST_TEST(r.at("content_type").as_string() == "application/cloudevents+json");
    // Nothing newer before the one refused: event 1 three times, then 2 and 3.
    BOOST_TEST(r.at("ids").as_array()[0].as_int64() == (i < 3 ? 1 : static_cast<int>(i) - 1));
    BOOST_TEST(r.at("webhook_id").as_string() ==
               std::to_string(r.at("ids").as_array()[0].as_int64()));
    BOOST_TEST(r.at("status").as_int64() == (i < 2 ? 500 : 204));
  }
  BOOST_REQUIRE(persisted(id, 3));
  const auto record = webhook(id);
  BOOST_TEST(record.at("failing_since").as_string() == "");
  BOOST_TEST(record.at("last_error").as_string() == "the receiver answered 500");
  BOOST_TEST(!record.contains("secret"));  // write-only
}

BOOST_FIXTURE_TEST_CASE(a_restart_mid_delivery_resumes_at_the_persisted_cursor, WebhookServer) {
  // The 4th request is never answered: the server is killed while it waits.
  Receiver receiver(dir.path() / "receiver.log", {"--hold", "4"});
  const auto id = create_webhook(receiver.url(), 1);
  switch_presence(3);
  BOOST_REQUIRE(persisted(id, 3));
  switch_presence(1);  // event 4: held
  receiver.wait_for([](const auto& r) { return r.size() >= 4; });
  server->kill();
  DemoServer::restart({});
  switch_presence(1);  // event 5, after the restart
  const auto got = receiver.wait_for([](const auto& r) { return accepted_ids(r).size() >= 5; });
  BOOST_TEST(accepted_ids(got) == (std::vector<std::int64_t>{1, 2, 3, 4, 5}),
             boost::test_tools::per_element());
  BOOST_TEST(got[3].at("status").as_string() == "held");
  BOOST_TEST(got[4].at("ids").as_array()[0].as_int64() == 4);  // again, from the cursor
  BOOST_REQUIRE(persisted(id, 5));
}

BOOST_FIXTURE_TEST_CASE(a_batch_is_one_signed_post, WebhookServer) {
  switch_presence(2);  // before the webhook: not delivered
  Receiver receiver(dir.path() / "receiver.log");
  create_webhook(receiver.url(), 100);
  switch_presence(5);
  const auto got = receiver.wait_for([](const auto& r) { return accepted_ids(r).size() >= 5; });
  BOOST_TEST(accepted_ids(got) == (std::vector<std::int64_t>{3, 4, 5, 6, 7}),
             boost::test_tools::per_element());
  for (const auto& r : got) {
    BOOST_TEST(r.at("content_type").as_string() == "application/cloudevents-batch+json");
    BOOST_TEST(r.at("signature_ok").as_bool());
  }
}

BOOST_FIXTURE_TEST_CASE(the_table_shows_the_secret_once_and_checks_its_fields, WebhookServer) {
  HttpClient client = this->client();
  const auto made =
      client.post("/api/now/table/awa_webhook", R"({"url": "https://example.com/hook"})", admin());
  BOOST_REQUIRE_MESSAGE(made.status == 201u, made.body);
  const auto made_json = json_of(made);
  const auto& result = made_json.at("result");
  const std::string secret(result.at("secret").as_string());
  BOOST_TEST(secret.rfind("whsec_", 0) == 0u);
  BOOST_TEST(secret.size() == 6u + 32u);  // base64 of 24 bytes
  BOOST_TEST(result.at("max_batch").as_string() == "1");
  BOOST_TEST(result.at("active").as_string() == "true");
  const std::string id(result.at("sys_id").as_string());
  BOOST_TEST(!webhook(id).contains("secret"));
  for (const auto& [body, field] : std::vector<std::pair<std::string, std::string>>{
           {R"({"url": "ftp://example.com"})", "url"},
           {R"({"url": "http://x", "events": "awa.work_item.offered,awa.nope"})", "events"},
           {R"({"url": "http://x", "max_batch": "0"})", "max_batch"},
           {R"({"url": "http://x", "max_batch": "1001"})", "max_batch"},
           {R"({"url": "http://x", "secret": "hunter2"})", "secret"}}) {
    const auto refused = client.post("/api/now/table/awa_webhook", body, admin());
    BOOST_TEST(refused.status == 400u, body);
    BOOST_TEST(std::string(json_of(refused).at("error").at("message").as_string())
                       .rfind("Invalid value for field " + field, 0) == 0u,
               refused.body);
  }
  // Read-only fields are the server's.
  const auto patched =
      client.request("PATCH", "/api/now/table/awa_webhook/" + id,
                     R"({"delivered_seq": "99",
                                          "events": " awa.work_item.offered , awa.consult.started"})",
                     {{"Authorization", admin()}, {"Content-Type", "application/json"}});
  BOOST_REQUIRE_MESSAGE(patched.status == 200u, patched.body);
  BOOST_TEST(json_of(patched).at("result").at("delivered_seq").as_string() == "0");
  BOOST_TEST(json_of(patched).at("result").at("events").as_string() ==
             "awa.work_item.offered,awa.consult.started");
  // Admin only, reads too.
  BOOST_TEST(client.get("/api/now/table/awa_webhook", integration()).status == 403u);
  BOOST_TEST(client.get("/api/now/table/awa_webhook/" + id, integration()).status == 403u);
}

BOOST_AUTO_TEST_SUITE_END()
