// The timer wheel against a std::multimap timer queue (the usual ordered-map design), in one run:
//  - arm and cancel cost with 1,000,000 pending timers,
//  - the longest single arm while they are armed (the queue growing: what a request would wait),
//  - memory per pending timer,
//  - expiry lateness (p50/p99/max) when 100,000 timers fire within one second, on the real
//    clock, each queue driven by a thread that sleeps until its next wake-up.
// Usage: timer_wheel_bench [pending=1000000] [storm=100000]
#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>
#include <thread>
#include <vector>

#include "domain/timer_wheel.hpp"

using namespace awa::domain;
using WallClock = std::chrono::system_clock;
using std::chrono::duration_cast;
using std::chrono::nanoseconds;

namespace {

TimePoint now_ms() {
  return std::chrono::time_point_cast<Milliseconds>(WallClock::now());
}

SysId key(std::uint32_t n) {
  std::array<std::uint8_t, 16> bytes{};
  for (int i = 0; i < 4; ++i) bytes[i] = static_cast<std::uint8_t>(n >> (8 * i));
  return SysId::from_bytes(bytes);
}

std::size_t heap_in_use() {
  return mallinfo2().uordblks;
}

// The reference: deadline-ordered multimap; cancel erases by the iterator arm returned.
struct MultimapQueue {
  MultimapQueue() = default;
  explicit MultimapQueue(TimePoint) {}
  using Map = std::multimap<TimePoint, SysId>;
  Map timers;
  Map::iterator arm(TimePoint deadline, const SysId& k) { return timers.emplace(deadline, k); }
  void cancel(Map::iterator it) { timers.erase(it); }
  template <class Fire>
  void advance(TimePoint now, Fire&& fire) {
    while (!timers.empty() && timers.begin()->first <= now) {
      fire(timers.begin()->second, timers.begin()->first);
      timers.erase(timers.begin());
    }
  }
  std::optional<TimePoint> next_wakeup() const {
    if (timers.empty()) return std::nullopt;
    return timers.begin()->first;
  }
};

struct CostFigures {
  double arm_ns, cancel_ns, bytes_per_timer;
};

// The memory a queue holds per pending timer: the wheel counts its own arrays exactly; for the
// multimap it is the heap growth, nodes and malloc's overhead included.
double bytes_per_timer(const TimerWheel& wheel, std::size_t) {
  return static_cast<double>(wheel.bytes_per_timer());
}
double bytes_per_timer(const MultimapQueue& map, std::size_t heap_growth) {
  return static_cast<double>(heap_growth) / static_cast<double>(map.timers.size());
}

template <class Queue, class Arm, class Cancel>
CostFigures measure_costs(std::size_t n, const std::vector<TimePoint>& deadlines,
                          const std::vector<std::size_t>& cancel_order, Queue& queue, Arm arm,
                          Cancel cancel) {
  const std::size_t heap_before = heap_in_use();
  using Handle = decltype(arm(queue, deadlines[0], key(0)));
  std::vector<Handle> handles;
  handles.reserve(n);
  const auto start = WallClock::now();
  for (std::size_t i = 0; i < n; ++i)
    handles.push_back(arm(queue, deadlines[i], key(static_cast<std::uint32_t>(i))));
  const auto armed = WallClock::now();
  const double bytes =
      bytes_per_timer(queue, heap_in_use() - heap_before - handles.capacity() * sizeof(Handle));
  const auto cancel_start = WallClock::now();
  for (const std::size_t i : cancel_order) cancel(queue, handles[i]);
  const auto cancelled = WallClock::now();
  return {static_cast<double>(duration_cast<nanoseconds>(armed - start).count()) / n,
          static_cast<double>(duration_cast<nanoseconds>(cancelled - cancel_start).count()) / n,
          bytes};
}

// Arms a timer for each deadline into a fresh queue, timing each arm on its own; returns the
// longest.
template <class Queue, class Arm>
double longest_arm_ms(const std::vector<TimePoint>& deadlines, Arm arm) {
  Queue queue(deadlines.front());
  std::chrono::steady_clock::duration longest{};
  for (std::size_t i = 0; i < deadlines.size(); ++i) {
    const auto before = std::chrono::steady_clock::now();
    arm(queue, deadlines[i], key(static_cast<std::uint32_t>(i)));
    longest = std::max(longest, std::chrono::steady_clock::now() - before);
  }
  return std::chrono::duration<double, std::milli>(longest).count();
}

struct Lateness {
  double p50_ms, p99_ms, max_ms;
  std::size_t fired;
};

// Arms `n` timers due within [now+200ms, now+1200ms) and fires them on the real clock, sleeping
// until each next wake-up; lateness is the time of firing minus the deadline.
template <class Queue>
Lateness measure_lateness(std::size_t n, Queue& queue) {
  std::mt19937_64 random(7);
  const TimePoint base = now_ms() + Milliseconds{200};
  for (std::size_t i = 0; i < n; ++i) {
    queue.arm(base + Milliseconds{static_cast<long>(random() % 1000)},
              key(static_cast<std::uint32_t>(i)));
  }
  std::vector<double> late;
  late.reserve(n);
  while (late.size() < n) {
    const auto wake = queue.next_wakeup();
    if (!wake) break;
    std::this_thread::sleep_until(*wake);
    const auto fired_at = WallClock::now();
    queue.advance(std::chrono::time_point_cast<Milliseconds>(fired_at), [&](const SysId&,
                                                                            TimePoint deadline) {
      late.push_back(static_cast<double>(
                         duration_cast<std::chrono::microseconds>(fired_at - deadline).count()) /
                     1000.0);
    });
  }
  std::sort(late.begin(), late.end());
  const auto at = [&](double q) {
    return late[std::min(late.size() - 1, static_cast<std::size_t>(q * late.size()))];
  };
  return {at(0.50), at(0.99), late.back(), late.size()};
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t pending = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1'000'000;
  const std::size_t storm = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 100'000;

  // Offer countdowns of 1 to 120 seconds, cancelled in random order (accepts, rejects).
  std::mt19937_64 random(42);
  const TimePoint start = now_ms();
  std::vector<TimePoint> deadlines(pending);
  for (auto& d : deadlines) d = start + Milliseconds{1000 + static_cast<long>(random() % 119'000)};
  std::vector<std::size_t> order(pending);
  for (std::size_t i = 0; i < pending; ++i) order[i] = i;
  std::shuffle(order.begin(), order.end(), random);

  std::printf("timer_wheel_bench: %zu pending timers, %zu firing within one second\n\n", pending,
              storm);
  TimerWheel wheel(start);
  const auto w = measure_costs(
      pending, deadlines, order, wheel,
      [](TimerWheel& q, TimePoint d, const SysId& k) { return std::make_pair(q.arm(d, k), k); },
      [](TimerWheel& q, const std::pair<TimerWheel::Handle, SysId>& h) {
        q.cancel(h.first, h.second);
      });
  MultimapQueue map;
  const auto m = measure_costs(
      pending, deadlines, order, map,
      [](MultimapQueue& q, TimePoint d, const SysId& k) { return q.arm(d, k); },
      [](MultimapQueue& q, MultimapQueue::Map::iterator it) { q.cancel(it); });

  std::printf("%-26s %14s %14s %10s\n", "", "timer wheel", "std::multimap", "ratio");
  std::printf("%-26s %11.1f ns %11.1f ns %9.1fx\n", "arm (1M pending)", w.arm_ns, m.arm_ns,
              m.arm_ns / w.arm_ns);
  std::printf("%-26s %11.1f ns %11.1f ns %9.1fx\n", "cancel (1M pending)", w.cancel_ns, m.cancel_ns,
              m.cancel_ns / w.cancel_ns);
  const double wheel_longest = longest_arm_ms<TimerWheel>(
      deadlines, [](TimerWheel& q, TimePoint d, const SysId& k) { q.arm(d, k); });
  const double map_longest = longest_arm_ms<MultimapQueue>(
      deadlines, [](MultimapQueue& q, TimePoint d, const SysId& k) { q.arm(d, k); });
  std::printf("%-26s %11.2f ms %11.2f ms %9.1fx\n", "longest single arm", wheel_longest,
              map_longest, map_longest / wheel_longest);
  std::printf("%-26s %12.1f B %12.1f B %9.1fx\n", "memory per timer", w.bytes_per_timer,
              m.bytes_per_timer, m.bytes_per_timer / w.bytes_per_timer);

  TimerWheel storm_wheel(now_ms());
  const auto wl = measure_lateness(storm, storm_wheel);
  MultimapQueue storm_map;
  const auto ml = measure_lateness(storm, storm_map);
  std::printf("\nexpiry lateness, %zu timers due within 1 s (ms):\n", storm);
  std::printf("%-26s %8s %8s %8s %8s\n", "", "fired", "p50", "p99", "max");
  std::printf("%-26s %8zu %8.2f %8.2f %8.2f\n", "timer wheel (10 ms tick)", wl.fired, wl.p50_ms,
              wl.p99_ms, wl.max_ms);
  std::printf("%-26s %8zu %8.2f %8.2f %8.2f\n", "std::multimap", ml.fired, ml.p50_ms, ml.p99_ms,
              ml.max_ms);
  return 0;
}
