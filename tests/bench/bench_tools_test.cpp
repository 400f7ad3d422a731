// The bench's own measuring parts: a bench that mis-measures is worse than none.
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/test/unit_test.hpp>
#include <unistd.h>

#include <algorithm>
#include <random>
#include <vector>

#include "bench/latency_histogram.hpp"
#include "bench/process_usage.hpp"
#include "bench/request_bytes.hpp"
#include "bench/response_parser.hpp"
#include "bench/scenario.hpp"
#include "bench/send_pacer.hpp"
#include "bench/send_schedule.hpp"

using namespace awa::bench;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(latency_histogram)

BOOST_AUTO_TEST_CASE(small_values_are_exact) {
  LatencyHistogram h;
  for (std::uint64_t v = 1; v <= 50; ++v) h.record(v);
  BOOST_TEST(h.count() == 50u);
  BOOST_TEST(h.percentile(0.5) == 25u);
  BOOST_TEST(h.percentile(0.9) == 45u);
  BOOST_TEST(h.percentile(1.0) == 50u);
  BOOST_TEST(h.max() == 50u);
  BOOST_TEST(h.mean() == 25.5);
}

BOOST_AUTO_TEST_CASE(percentiles_are_within_one_sixty_fourth_of_the_truth) {
  std::mt19937_64 random(9);
  std::lognormal_distribution<double> latency(7.0, 1.5);  // ~1 ms median, long tail
  std::vector<std::uint64_t> values;
  LatencyHistogram h;
  for (int i = 0; i < 200000; ++i) {
    const auto v = static_cast<std::uint64_t>(latency(random)) + 1;
    values.push_back(v);
    h.record(v);
  }
  std::sort(values.begin(), values.end());
  for (const double q : {0.5, 0.9, 0.99, 0.999}) {
    const auto truth = values[static_cast<std::size_t>(std::ceil(q * values.size())) - 1];
    const auto reported = h.percentile(q);
    BOOST_TEST(reported >= truth, "q=" << q);  // reported as the bucket's upper bound
    BOOST_TEST(static_cast<double>(reported) <= truth * (1.0 + 1.0 / 64) + 1, "q=" << q);
  }
  BOOST_TEST(h.max() == values.back());
  BOOST_TEST(h.percentile(1.0) == values.back());
}

BOOST_AUTO_TEST_CASE(merging_equals_recording_together) {
  LatencyHistogram a, b, both;
  for (std::uint64_t v = 1; v < 100000; v += 37) {
    (v % 2 ? a : b).record(v);
    both.record(v);
  }
  a.merge(b);
  BOOST_TEST(a.count() == both.count());
  BOOST_TEST(a.max() == both.max());
  for (const double q : {0.1, 0.5, 0.99}) BOOST_TEST(a.percentile(q) == both.percentile(q));
  BOOST_TEST(LatencyHistogram{}.percentile(0.5) == 0u);
}

BOOST_AUTO_TEST_CASE(huge_values_are_kept_in_the_max) {
  LatencyHistogram h;
  h.record(std::uint64_t{1} << 50);
  BOOST_TEST(h.max() == std::uint64_t{1} << 50);
  BOOST_TEST(h.percentile(0.5) == std::uint64_t{1} << 50);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(send_schedule)

BOOST_AUTO_TEST_CASE(open_loop_spreads_requests_evenly_over_connections) {
  const SteadyTime start{};
  const SendSchedule schedule(start, 1000.0, 4);  // 1000/s over 4 connections
  BOOST_TEST(schedule.open_loop());
  BOOST_TEST((schedule.due(0, 0) == start));
  BOOST_TEST((schedule.due(1, 0) == start + 1ms));
  BOOST_TEST((schedule.due(3, 0) == start + 3ms));
  BOOST_TEST((schedule.due(0, 1) == start + 4ms));
  BOOST_TEST((schedule.due(2, 250) == start + 1002ms));
  // Over any second, exactly the rate is due.
  int due_in_first_second = 0;
  for (unsigned c = 0; c < 4; ++c) {
    for (std::uint64_t k = 0; k < 1000; ++k) {
      if (schedule.due(c, k) < start + 1s) ++due_in_first_second;
    }
  }
  BOOST_TEST(due_in_first_second == 1000);
}

BOOST_AUTO_TEST_CASE(intended_times_do_not_move_when_the_server_stalls) {
  // The schedule is a pure function of the sequence number: a late answer does not push later
  // requests back, so their latency includes the stall.
  const SteadyTime start{};
  const SendSchedule schedule(start, 100.0, 1);
  BOOST_TEST((schedule.due(0, 50) == start + 500ms));
}

BOOST_AUTO_TEST_CASE(closed_loop_has_no_rate) {
  BOOST_TEST(!SendSchedule(SteadyTime{}, 0.0, 8).open_loop());
}

BOOST_AUTO_TEST_CASE(lateness_is_how_long_after_its_time_a_request_left) {
  const SteadyTime due = SteadyTime{} + 10s;
  BOOST_TEST(SendSchedule::lateness_us(due, due) == 0u);
  BOOST_TEST(SendSchedule::lateness_us(due, due - 3ms) == 0u);  // early is not late
  BOOST_TEST(SendSchedule::lateness_us(due, due + 250us) == 250u);
  BOOST_TEST(SendSchedule::lateness_us(due, due + 2s + 7us) == 2000007u);
  BOOST_TEST(SendSchedule::lateness_us(due, due + 999ns) == 0u);  // whole microseconds
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(send_pacer)

using std::chrono::microseconds;
const SendPacer::Time t0{};

BOOST_AUTO_TEST_CASE(releases_only_what_is_due_in_order_of_due_time) {
  SendPacer pacer;
  std::vector<int> sent;
  pacer.add(t0 + microseconds(30), [&] { sent.push_back(30); });
  pacer.add(t0 + microseconds(10), [&] { sent.push_back(10); });
  pacer.add(t0 + microseconds(20), [&] { sent.push_back(20); });
  BOOST_TEST(pacer.release_due(t0 + microseconds(9)) == 0u);
  BOOST_TEST(pacer.release_due(t0 + microseconds(20)) == 2u);
  BOOST_TEST(sent == (std::vector<int>{10, 20}));
  BOOST_TEST(!pacer.empty());
  BOOST_TEST(pacer.release_due(t0 + microseconds(1000)) == 1u);
  BOOST_TEST(sent == (std::vector<int>{10, 20, 30}));
  BOOST_TEST(pacer.empty());
}

BOOST_AUTO_TEST_CASE(sends_due_together_leave_in_the_order_they_were_added) {
  SendPacer pacer;
  std::vector<int> sent;
  for (int i = 0; i < 100; ++i) pacer.add(t0 + microseconds(5), [&, i] { sent.push_back(i); });
  BOOST_TEST(pacer.release_due(t0 + microseconds(5)) == 100u);
  for (int i = 0; i < 100; ++i) BOOST_TEST(sent[i] == i);
}

BOOST_AUTO_TEST_CASE(a_send_added_while_releasing_leaves_when_due) {
  // A connection that answers at once adds its next send from inside the release.
  SendPacer pacer;
  std::vector<int> sent;
  pacer.add(t0 + microseconds(1), [&] {
    sent.push_back(1);
    pacer.add(t0 + microseconds(2), [&] { sent.push_back(2); });
    pacer.add(t0 + microseconds(50), [&] { sent.push_back(50); });
  });
  BOOST_TEST(pacer.release_due(t0 + microseconds(10)) == 2u);
  BOOST_TEST(sent == (std::vector<int>{1, 2}));
  BOOST_TEST(pacer.release_due(t0 + microseconds(50)) == 1u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(scenarios)

BOOST_AUTO_TEST_CASE(storm_countdowns_of_one_window_run_out_in_the_same_second) {
  const double window = 8;
  for (int k = 0; k < 3; ++k) {
    const double boundary = (k + 1) * window;
    for (double sent = k * window; sent < boundary; sent += 0.01) {
      const double deadline = sent + storm_timeout_seconds(sent, window);
      BOOST_TEST_REQUIRE(deadline >= boundary + 1);
      BOOST_TEST_REQUIRE(deadline < boundary + 2);
    }
  }
  BOOST_TEST(storm_timeout_seconds(3.7, 0) == 1u);  // no storm: one-second countdowns
}

BOOST_AUTO_TEST_CASE(storm_seconds_are_the_seconds_the_countdowns_run_out) {
  const double window = 8;
  // Each window's countdowns run out in [boundary + 1, boundary + 2); exactly those seconds.
  for (double t = 0; t < 40; t += 0.01) {
    bool storm = false;
    for (double sent = 0; sent < 40; sent += window / 4) {
      const double deadline = sent + storm_timeout_seconds(sent, window);
      storm = storm || (t >= std::floor(deadline) && t < std::floor(deadline) + 1);
    }
    BOOST_TEST_REQUIRE(in_storm_second(t, window) == storm, "at " << t << " s");
  }
  BOOST_TEST(in_storm_second(9.0, 8));
  BOOST_TEST(!in_storm_second(10.0, 8));
  BOOST_TEST(in_storm_second(17.5, 8));
  BOOST_TEST(!in_storm_second(3.0, 0));  // no storm
}

BOOST_AUTO_TEST_CASE(every_scenario_is_known_and_mixed_follows_its_weights) {
  for (const char* name :
       {"offer", "offer-accept", "offer-reject", "timeout-storm", "transfer", "mixed"}) {
    BOOST_TEST(find_scenario(name) != nullptr, name);
  }
  BOOST_TEST(find_scenario("nope") == nullptr);
  const Scenario& mixed = *find_scenario("mixed");
  std::mt19937 random(5);
  int offer_reject = 0;
  for (int i = 0; i < 100000; ++i) {
    const auto& cycle = mixed.pick(random);
    if (cycle.size() == 2 && cycle[1] == Step::reject) ++offer_reject;
  }
  BOOST_TEST(offer_reject > 19000);  // 20%
  BOOST_TEST(offer_reject < 21000);
}

BOOST_AUTO_TEST_SUITE_END()

// The bench writes requests and reads answers by hand: both checked against Beast's own.
BOOST_AUTO_TEST_SUITE(wire)

namespace http = boost::beast::http;

// Feeds `bytes` to `parser` in pieces of `step` bytes, as they might arrive.
template <class Parser>
void feed(Parser& parser, std::string_view bytes, std::size_t step) {
  boost::beast::error_code ec;
  std::string pending;
  for (std::size_t at = 0; at < bytes.size() && !parser.is_done(); at += step) {
    pending.append(bytes.substr(at, step));
    // The parser may take the header and the body in separate calls.
    for (std::size_t used = 1; used > 0 && !pending.empty() && !parser.is_done();) {
      used = parser.put(boost::asio::buffer(pending), ec);
      if (ec == http::error::need_more) ec = {};
      BOOST_REQUIRE(!ec);
      pending.erase(0, used);
    }
  }
  BOOST_REQUIRE(parser.is_done());
}

BOOST_AUTO_TEST_CASE(requests_parse_as_written) {
  std::string bytes;
  format_request(
      bytes,
      {"POST", "/api/now/awa/documents/interaction/abc/offer", "Basic eDp5", "application/json"},
      R"({"queue_id": "q"})");
  http::request_parser<http::string_body> beast;
  feed(beast, bytes, bytes.size());
  const auto& request = beast.get();
  BOOST_TEST(request.method() == http::verb::post);
  BOOST_TEST(request.target() == "/api/now/awa/documents/interaction/abc/offer");
  BOOST_TEST(request.version() == 11u);
  BOOST_TEST(request.keep_alive());
  BOOST_TEST(request[http::field::host] == "bench");
  BOOST_TEST(request[http::field::authorization] == "Basic eDp5");
  BOOST_TEST(request[http::field::content_type] == "application/json");
  BOOST_TEST(request.body() == R"({"queue_id": "q"})");

  // A GET has neither a body nor its headers; the string is reused, not appended to.
  format_request(bytes, {"GET", "/api/now/awa/agents/a", "Basic eDp5", ""}, "");
  http::request_parser<http::string_body> get;
  feed(get, bytes, bytes.size());
  BOOST_TEST(get.get().method() == http::verb::get);
  BOOST_TEST(get.get().target() == "/api/now/awa/agents/a");
  BOOST_TEST(get.get().count(http::field::content_length) == 0u);
  BOOST_TEST(get.get().count(http::field::content_type) == 0u);
  BOOST_TEST(get.get().body().empty());
}

BOOST_AUTO_TEST_CASE(answers_give_status_keep_alive_and_body_in_any_pieces) {
  const std::string sized =
      "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n"
      "{\"a\": \"bc\"}";
  for (const std::size_t step : {std::size_t{1}, std::size_t{7}, sized.size()}) {
    std::string body = "left over";
    ResponseParser parser(body);
    feed(parser, sized, step);
    BOOST_TEST(parser.status() == 201u);
    BOOST_TEST(parser.keep_alive());
    BOOST_TEST(body == R"({"a": "bc"})");
  }
  const std::string chunked =
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
      "4\r\n{\"a\"\r\n5\r\n: 1}\n\r\n0\r\n\r\n";
  std::string body;
  ResponseParser parser(body);
  feed(parser, chunked, 3);
  BOOST_TEST(parser.status() == 200u);
  BOOST_TEST(!parser.keep_alive());
  BOOST_TEST(body == "{\"a\": 1}\n");

  std::string old_body;
  ResponseParser old(old_body);
  feed(old, std::string_view("HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n"), 5);
  BOOST_TEST(old.status() == 404u);
  BOOST_TEST(!old.keep_alive());
  BOOST_TEST(old_body.empty());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(process_usage)

BOOST_AUTO_TEST_CASE(cpu_is_user_plus_system_time_after_the_command) {
  // Fields 14 and 15 (utime 250, stime 75); the command holds spaces and a parenthesis.
  const std::string stat =
      "4242 (awa (x) server) S 1 4242 4242 0 -1 4194560 1200 0 0 0 250 75 0 0 20 0 3 0 100 "
      "1000000 500 18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 17 1 0 0 0 0 0\n";
  BOOST_TEST(cpu_ticks_of_stat(stat).value() == 325u);
}

BOOST_AUTO_TEST_CASE(a_malformed_stat_is_no_figure) {
  BOOST_TEST(!cpu_ticks_of_stat("4242 awa-server S 1").has_value());            // no command
  BOOST_TEST(!cpu_ticks_of_stat("4242 (awa) S 1 4242 4242 0 -1").has_value());  // too short
  BOOST_TEST(!cpu_ticks_of_stat("4242 (awa) S 1 2 3 4 5 6 7 8 9 10 1x 3").has_value());  // text
}

BOOST_AUTO_TEST_CASE(reads_a_live_process_and_not_a_gone_one) {
  const auto self = read_process_usage(::getpid());
  BOOST_REQUIRE(self.has_value());
  BOOST_TEST(self->rss_kib > 0u);
  BOOST_TEST(self->peak_rss_kib >= self->rss_kib);
  BOOST_TEST(self->cpu_seconds >= 0.0);
  // Above any pid_max Linux allows (2^22): no such process.
  constexpr int kNoSuchPid = 1 << 30;
  BOOST_TEST(!read_process_usage(kNoSuchPid).has_value());
  const int pids[] = {::getpid(), kNoSuchPid};
  BOOST_TEST(!read_processes_usage(pids).has_value());
  const int twice[] = {::getpid(), ::getpid()};
  const auto both = read_processes_usage(twice);
  BOOST_REQUIRE(both.has_value());
  BOOST_TEST(both->peak_rss_kib >= 2 * self->peak_rss_kib);  // the peak only grows
}

BOOST_AUTO_TEST_SUITE_END()
