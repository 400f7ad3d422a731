// The events API's long poll through the Api, without sockets: woken by the next event it
// wants, kept waiting by those it filters out, answered at once when the server stops. And the
// delayed calls that end a poll nothing woke.
#include <boost/test/unit_test.hpp>

#include <future>

#include "server/delayed_calls.hpp"
#include "tests/server/api_fixture.hpp"

using namespace awa;
using namespace awa::testing;
using namespace std::chrono_literals;

namespace {

struct PollFixture : ApiFixture {
  // Starts a GET of the events; its answer comes later.
  std::future<HttpResponse> poll(const std::string& query) {
    auto answered = std::make_shared<std::promise<HttpResponse>>();
    auto future = answered->get_future();
    api.handle(HttpRequest{"GET", "/api/now/awa-server/events" + query, basic("integration:demo"),
                           "", "", ""},
               [answered](HttpResponse r) { answered->set_value(std::move(r)); });
    return future;
  }
  std::string offer() {
    const auto reply = as_integration("POST", offer_path(), offer_body());
    BOOST_REQUIRE(reply.status == 200u);
    return std::string(parse(reply).at("result").at("work_item").at("sys_id").as_string());
  }
};

bool waiting(std::future<HttpResponse>& answer) {
  return answer.wait_for(0s) == std::future_status::timeout;
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(events_api, PollFixture)

BOOST_AUTO_TEST_CASE(a_long_poll_is_answered_by_the_next_event) {
  auto answer = poll("?wait=30");
  BOOST_TEST(waiting(answer));
  const std::string id = offer();  // its event is published before its own answer is sent
  BOOST_REQUIRE((answer.wait_for(10s) == std::future_status::ready));
  const auto page = parse(answer.get());
  BOOST_REQUIRE(page.at("result").as_array().size() == 1u);
  BOOST_TEST(page.at("result").as_array()[0].at("subject").as_string() == id);
  BOOST_TEST(page.at("next").as_int64() == 1);
}

BOOST_AUTO_TEST_CASE(events_the_filter_leaves_out_do_not_end_the_wait) {
  auto answer = poll("?wait=30&types=awa.work_item.accepted");
  const std::string id = offer();
  BOOST_TEST(waiting(answer));  // woken, read, nothing it wants: waits on from event 1
  const auto accepted =
      as_integration("POST", "/api/now/awa/inbox/actions/accept",
                     R"({"agent_id": ")" + kAlice + R"(", "work_item_id": ")" + id + R"("})");
  BOOST_REQUIRE(accepted.status == 200u);
  BOOST_REQUIRE((answer.wait_for(10s) == std::future_status::ready));
  const auto page = parse(answer.get());
  BOOST_REQUIRE(page.at("result").as_array().size() == 1u);
  BOOST_TEST(page.at("result").as_array()[0].at("type").as_string() == "awa.work_item.accepted");
  BOOST_TEST(page.at("next").as_int64() == 2);
}

BOOST_AUTO_TEST_CASE(a_stopping_server_answers_its_polls_at_once) {
  auto answer = poll("?after=0&wait=30");
  BOOST_TEST(waiting(answer));
  api.stopping();
  BOOST_REQUIRE((answer.wait_for(10s) == std::future_status::ready));
  const auto page = parse(answer.get());
  BOOST_TEST(page.at("result").as_array().empty());
  BOOST_TEST(page.at("next").as_int64() == 0);
  // A poll that comes in meanwhile does not wait either.
  auto late = poll("?wait=30");
  BOOST_TEST((late.wait_for(10s) == std::future_status::ready));
}

BOOST_AUTO_TEST_CASE(delayed_calls_run_once_in_order_unless_cancelled_and_hurry) {
  server::DelayedCalls calls;
  std::mutex mutex;
  std::vector<int> ran;
  std::promise<void> second, fourth;
  const auto record = [&](int n) {
    return [&, n] {
      std::lock_guard lock(mutex);
      ran.push_back(n);
      if (n == 2) second.set_value();
      if (n == 4) fourth.set_value();
    };
  };
  calls.after(1ms, record(2));
  calls.after(0s, record(1));
  BOOST_REQUIRE((second.get_future().wait_for(10s) == std::future_status::ready));
  calls.after(1h, record(3));
  const auto cancelled = calls.after(1h, record(99));
  calls.after(2h, record(4));
  calls.cancel(cancelled);
  calls.hurry();  // 3 and 4 come due now, in the order they were asked for
  BOOST_REQUIRE((fourth.get_future().wait_for(10s) == std::future_status::ready));
  std::lock_guard lock(mutex);
  BOOST_TEST(ran == (std::vector<int>{1, 2, 3, 4}));
}

BOOST_AUTO_TEST_SUITE_END()
