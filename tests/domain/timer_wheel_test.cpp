// The timer wheel on a manual clock: never early, exactly once, cancel, long timers, wake-ups.
#include "domain/timer_wheel.hpp"

#include <boost/test/unit_test.hpp>

#include <map>
#include <random>

#include "domain/time_format.hpp"

using namespace awa::domain;
using namespace std::chrono_literals;

namespace {

const TimePoint kStart = *parse_offer_time("2026-01-01T12:00:00.000");

SysId key(int n) {
  std::array<std::uint8_t, 16> bytes{};
  bytes[0] = static_cast<std::uint8_t>(n);
  bytes[1] = static_cast<std::uint8_t>(n >> 8);
  bytes[2] = static_cast<std::uint8_t>(n >> 16);
  return SysId::from_bytes(bytes);
}

struct Fired {
  std::vector<std::pair<SysId, TimePoint>> timers;
  std::function<void(const SysId&, TimePoint)> sink() {
    return [this](const SysId& k, TimePoint d) { timers.emplace_back(k, d); };
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(timer_wheel)

BOOST_AUTO_TEST_CASE(fires_at_the_deadline_never_before) {
  TimerWheel wheel(kStart);
  wheel.arm(kStart + 1234ms, key(1));
  Fired fired;
  wheel.advance(kStart + 1233ms, fired.sink());
  BOOST_TEST(fired.timers.empty());
  wheel.advance(kStart + 1234ms, fired.sink());
  BOOST_REQUIRE(fired.timers.size() == 1u);
  BOOST_TEST(fired.timers[0].first == key(1));
  BOOST_TEST((fired.timers[0].second == kStart + 1234ms));
  wheel.advance(kStart + 5000ms, fired.sink());
  BOOST_TEST(fired.timers.size() == 1u);  // once
  BOOST_TEST(wheel.size() == 0u);
}

BOOST_AUTO_TEST_CASE(within_one_tick_only_the_due_ones_fire) {
  TimerWheel wheel(kStart);
  wheel.arm(kStart + 3ms, key(1));
  wheel.arm(kStart + 8ms, key(2));  // same 10 ms slot
  Fired fired;
  wheel.advance(kStart + 5ms, fired.sink());
  BOOST_REQUIRE(fired.timers.size() == 1u);
  BOOST_TEST(fired.timers[0].first == key(1));
  wheel.advance(kStart + 8ms, fired.sink());
  BOOST_TEST(fired.timers.size() == 2u);
}

BOOST_AUTO_TEST_CASE(a_limited_advance_leaves_the_rest_due_for_the_next) {
  TimerWheel wheel(kStart);
  for (int i = 0; i < 5; ++i) wheel.arm(kStart + std::chrono::milliseconds(10 * i), key(i));
  wheel.arm(kStart + 90ms, key(9));  // later than now: never part of the batches
  Fired fired;
  BOOST_TEST(wheel.advance(kStart + 50ms, fired.sink(), 2) == 2u);
  BOOST_TEST(fired.timers.size() == 2u);
  const auto wake = wheel.next_wakeup();
  BOOST_REQUIRE(wake);
  BOOST_TEST((*wake <= kStart + 50ms));  // the rest are due now
  BOOST_TEST(wheel.advance(kStart + 50ms, fired.sink(), 2) == 2u);
  BOOST_TEST(wheel.advance(kStart + 50ms, fired.sink(), 2) == 1u);
  BOOST_TEST(wheel.advance(kStart + 50ms, fired.sink(), 2) == 0u);
  BOOST_REQUIRE(fired.timers.size() == 5u);
  for (int i = 0; i < 5; ++i) BOOST_TEST(fired.timers[i].first == key(i));  // in deadline order
  BOOST_TEST(wheel.size() == 1u);
}

BOOST_AUTO_TEST_CASE(cancelled_timers_do_not_fire_and_stale_handles_are_harmless) {
  TimerWheel wheel(kStart);
  const auto a = wheel.arm(kStart + 100ms, key(1));
  const auto b = wheel.arm(kStart + 100ms, key(2));
  BOOST_TEST(wheel.cancel(a, key(1)));
  BOOST_TEST(!wheel.cancel(a, key(1)));
  Fired fired;
  wheel.advance(kStart + 200ms, fired.sink());
  BOOST_REQUIRE(fired.timers.size() == 1u);
  BOOST_TEST(fired.timers[0].first == key(2));
  BOOST_TEST(!wheel.cancel(b, key(2)));              // already fired
  const auto c = wheel.arm(kStart + 300ms, key(3));  // reuses a freed node
  BOOST_TEST(!wheel.cancel(a, key(1)));              // another key's timer now
  BOOST_TEST(!wheel.cancel(12345, key(3)));          // no such timer
  BOOST_TEST(!wheel.cancel(0, key(3)));              // not a timer at all
  BOOST_TEST(wheel.size() == 1u);
  BOOST_TEST(wheel.cancel(c, key(3)));
  BOOST_TEST(!wheel.next_wakeup());
}

BOOST_AUTO_TEST_CASE(timers_beyond_one_revolution_wait_their_turn) {
  TimerWheel wheel(kStart, 10ms, 64);  // one revolution is 640 ms
  wheel.arm(kStart + 2000ms, key(1));
  Fired fired;
  for (auto t = 10ms; t < 2000ms; t += 10ms) wheel.advance(kStart + t, fired.sink());
  BOOST_TEST(fired.timers.empty());
  wheel.advance(kStart + 2000ms, fired.sink());
  BOOST_TEST(fired.timers.size() == 1u);
}

BOOST_AUTO_TEST_CASE(a_long_pause_fires_everything_due) {
  TimerWheel wheel(kStart, 10ms, 64);
  for (int i = 0; i < 1000; ++i) wheel.arm(kStart + std::chrono::milliseconds(i * 7), key(i));
  Fired fired;
  wheel.advance(kStart + 1h, fired.sink());  // many revolutions at once
  BOOST_TEST(fired.timers.size() == 1000u);
}

BOOST_AUTO_TEST_CASE(a_deadline_in_the_past_fires_on_the_next_advance) {
  TimerWheel wheel(kStart);
  Fired fired;
  wheel.advance(kStart + 10s, fired.sink());
  wheel.arm(kStart + 1s, key(1));  // already due: e.g. re-armed after a restart
  BOOST_TEST((*wheel.next_wakeup() <= kStart + 10s));
  wheel.advance(kStart + 10s, fired.sink());
  BOOST_TEST(fired.timers.size() == 1u);
}

BOOST_AUTO_TEST_CASE(next_wakeup_is_never_after_the_earliest_deadline_and_never_spins) {
  TimerWheel wheel(kStart);
  BOOST_TEST(!wheel.next_wakeup());
  wheel.arm(kStart + 2345ms, key(1));
  wheel.arm(kStart + 9000ms, key(2));
  auto wake = *wheel.next_wakeup();
  BOOST_TEST((wake <= kStart + 2345ms));
  BOOST_TEST((wake > kStart));
  // Waking then, the next wake-up is the deadline itself, not a time already past.
  Fired fired;
  wheel.advance(wake, fired.sink());
  wake = *wheel.next_wakeup();
  BOOST_TEST((wake == kStart + 2345ms));
  wheel.advance(wake, fired.sink());
  BOOST_TEST(fired.timers.size() == 1u);
  BOOST_TEST((*wheel.next_wakeup() <= kStart + 9000ms));
  BOOST_TEST((*wheel.next_wakeup() > kStart + 2345ms));
}

BOOST_AUTO_TEST_CASE(matches_a_reference_queue_under_random_use) {
  std::mt19937 random(42);
  TimerWheel wheel(kStart, 10ms, 256);
  std::map<int, std::pair<TimerWheel::Handle, TimePoint>> live;  // key -> handle, deadline
  Fired fired;
  TimePoint now = kStart;
  int next_key = 0;
  for (int step = 0; step < 20000; ++step) {
    const auto action = random() % 10;
    if (action < 5) {
      const TimePoint deadline = now + std::chrono::milliseconds(random() % 5000);
      live[next_key] = {wheel.arm(deadline, key(next_key)), deadline};
      ++next_key;
    } else if (action < 7 && !live.empty()) {
      auto it = std::next(live.begin(), static_cast<long>(random() % live.size()));
      BOOST_REQUIRE(wheel.cancel(it->second.first, key(it->first)));
      live.erase(it);
    } else {
      now += std::chrono::milliseconds(random() % 50);
      fired.timers.clear();
      wheel.advance(now, fired.sink());
      std::size_t due = 0;
      for (const auto& [k, v] : live) due += v.second <= now ? 1 : 0;
      BOOST_REQUIRE(fired.timers.size() == due);
      for (const auto& [k, deadline] : fired.timers) {
        BOOST_REQUIRE((deadline <= now));
        const int n = k.bytes()[0] | (k.bytes()[1] << 8) | (k.bytes()[2] << 16);
        BOOST_REQUIRE(live.count(n) == 1u);
        live.erase(n);
      }
      if (!live.empty()) {
        TimePoint earliest = live.begin()->second.second;
        for (const auto& [k, v] : live) earliest = std::min(earliest, v.second);
        BOOST_REQUIRE((*wheel.next_wakeup() <= earliest));
      }
    }
    BOOST_REQUIRE(wheel.size() == live.size());
  }
}

// The nodes grow a 2 MiB chunk at a time (65,536 nodes, the first 4,096 being the sentinels of
// the default wheel): timers in every chunk fire and cancel as in one array.
BOOST_AUTO_TEST_CASE(timers_across_many_chunks_fire_and_cancel_as_in_one_array) {
  TimerWheel wheel(kStart);
  constexpr int kTimers = 300'000;  // five chunks
  std::vector<TimerWheel::Handle> handles;
  for (int i = 0; i < kTimers; ++i) {
    handles.push_back(wheel.arm(kStart + std::chrono::milliseconds(1000 + i % 7000), key(i)));
  }
  for (int i = 0; i < kTimers; i += 3) BOOST_REQUIRE(wheel.cancel(handles[i], key(i)));
  BOOST_TEST(!wheel.cancel(handles[0], key(0)));  // once
  Fired fired;
  wheel.advance(kStart + 1h, fired.sink());
  BOOST_REQUIRE(fired.timers.size() == static_cast<std::size_t>(kTimers - (kTimers + 2) / 3));
  std::vector<bool> seen(kTimers);
  for (const auto& [k, deadline] : fired.timers) {
    const int n = k.bytes()[0] | (k.bytes()[1] << 8) | (k.bytes()[2] << 16);
    BOOST_REQUIRE(n % 3 != 0);
    BOOST_REQUIRE(!seen[n]);
    seen[n] = true;
    BOOST_REQUIRE((deadline == kStart + std::chrono::milliseconds(1000 + n % 7000)));
  }
  BOOST_TEST(wheel.size() == 0u);
}

BOOST_AUTO_TEST_CASE(the_next_chunk_is_built_from_seven_eighths_full_and_taken_when_full) {
  TimerWheel wheel(kStart);  // 4,096 sentinels; the first chunk doubles until it is whole
  int armed = 0;
  while (!wheel.chunk_prepared()) {
    wheel.arm(kStart + 1s, key(armed++));
    BOOST_REQUIRE(armed <= 65'536);
  }
  // Seven eighths of the first whole chunk: 57,344 nodes, 4,096 of them sentinels.
  BOOST_TEST(armed == 57'344 - 4'096);
  wheel.wait_for_chunk();
  while (armed < 65'536 - 4'096) wheel.arm(kStart + 1s, key(armed++));
  BOOST_TEST(wheel.chunk_prepared());  // the first chunk is exactly full: not needed yet
  wheel.arm(kStart + 1s, key(armed++));
  BOOST_TEST(!wheel.chunk_prepared());  // the growth took it
  Fired fired;
  wheel.advance(kStart + 1s, fired.sink());
  BOOST_TEST(fired.timers.size() == static_cast<std::size_t>(armed));
}

BOOST_AUTO_TEST_SUITE_END()
