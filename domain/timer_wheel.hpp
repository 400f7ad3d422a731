// A hashed timing wheel (in the style of Netty's HashedWheelTimer and the Linux kernel's timer
// wheel): a ring of slots, each a list of timers whose deadline falls on that slot's tick.
// Arm and cancel are O(1); advancing visits only the slots of the ticks that passed. Timers more
// than one revolution away wait in their slot and are skipped until their deadline comes.
// Timers fire at their deadline or later, never before. It keeps no thread and reads no clock:
// the caller advances it to "now" and asks when the next wake-up is due.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "domain/clock.hpp"
#include "domain/sys_id.hpp"

namespace awa::domain {

class TimerWheel {
public:
  // Identifies an armed timer; stays safe to cancel after the timer fired or was cancelled.
  using Handle = std::uint64_t;

  explicit TimerWheel(TimePoint start, Milliseconds tick = Milliseconds{10},
                      std::size_t slot_count = 4096);

  Handle arm(TimePoint deadline, const SysId& key);
  // False when the timer already fired or was cancelled.
  bool cancel(Handle handle);

  // Fires (and removes) the timers whose deadline is at or before `now`, at most `limit` of them
  // (the rest stay due for the next call; returns how many fired). `fire` must not arm or cancel
  // timers (collect the keys and act after).
  std::size_t advance(TimePoint now,
                      const std::function<void(const SysId& key, TimePoint deadline)>& fire,
                      std::size_t limit = SIZE_MAX);

  // When advance() may next have something to fire: never later than the earliest deadline, and
  // never in the past unless a timer is due. Empty when nothing is armed.
  std::optional<TimePoint> next_wakeup() const;

  std::size_t size() const { return armed_; }
  // Bytes held per armed timer at the current capacity, for the benchmark.
  std::size_t bytes_per_timer() const;

private:
  static constexpr std::uint32_t kNone = 0xffffffff;
  struct Node {
    std::int64_t deadline_ms;
    SysId key;
    std::uint32_t prev, next;  // within the slot's list, or the free list
    std::uint32_t generation;
    std::uint32_t slot;  // kNone when free
  };

  std::int64_t tick_of(std::int64_t ms) const { return ms / tick_.count(); }
  void link(std::uint32_t index, std::uint32_t slot);
  void unlink(std::uint32_t index);
  void release(std::uint32_t index);

  Milliseconds tick_;
  std::vector<std::uint32_t> heads_;     // first node of each slot's list
  std::vector<std::uint64_t> occupied_;  // one bit per slot, for next_wakeup()
  std::vector<Node> nodes_;
  std::uint32_t free_ = kNone;
  std::int64_t cursor_;  // the tick up to which every slot has been processed
  std::size_t armed_ = 0;
};

}  // namespace awa::domain
