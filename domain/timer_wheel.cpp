#include "domain/timer_wheel.hpp"

#include <algorithm>
#include <bit>
#include <climits>
#include <stdexcept>

namespace awa::domain {

TimerWheel::TimerWheel(TimePoint start, Milliseconds tick, std::size_t slot_count)
    : tick_(tick),
      occupied_((slot_count + 63) / 64, 0),
      cursor_(tick_of(start.time_since_epoch().count())) {
  if (tick.count() <= 0 || slot_count < 64 || (slot_count & (slot_count - 1)) != 0 ||
      slot_count > (std::size_t{1} << 24)) {
    throw std::invalid_argument("TimerWheel: tick must be positive, slots a power of two >= 64");
  }
  nodes_.resize(slot_count);
  for (std::uint32_t slot = 0; slot < slot_count; ++slot) {
    nodes_[slot].prev = nodes_[slot].next = slot;  // an empty circular list
  }
}

TimerWheel::Handle TimerWheel::arm(TimePoint deadline, const SysId& key) {
  std::uint32_t index;
  if (free_ != kNone) {
    index = free_;
    free_ = nodes_[index].next;
  } else {
    if (nodes_.size() >= kFree) throw std::length_error("TimerWheel: too many timers");
    index = static_cast<std::uint32_t>(nodes_.size());
    nodes_.push_back(Node{0, {}, kFree, kNone});
  }
  Node& node = nodes_[index];
  node.deadline_ms = deadline.time_since_epoch().count();
  node.key = key;
  // A deadline already past goes in the current slot: it fires on the next advance.
  const std::int64_t tick = std::max(tick_of(node.deadline_ms), cursor_);
  link(index, static_cast<std::uint32_t>(tick & static_cast<std::int64_t>(slot_count() - 1)));
  ++armed_;
  return index;
}

bool TimerWheel::cancel(Handle handle, const SysId& key) {
  if (handle < slot_count() || handle >= nodes_.size()) return false;
  const Node& node = nodes_[handle];
  if (node.prev == kFree || node.key != key) return false;
  unlink(handle);
  release(handle);
  return true;
}

std::size_t TimerWheel::advance(TimePoint now,
                                const std::function<void(const SysId&, TimePoint)>& fire,
                                std::size_t limit) {
  const std::int64_t now_ms = now.time_since_epoch().count();
  const std::int64_t now_tick = tick_of(now_ms);
  if (now_tick < cursor_) return 0;
  std::size_t fired = 0;
  const auto slots = static_cast<std::int64_t>(slot_count());
  // After a long pause every slot is due once; one revolution covers them all.
  const std::int64_t first = std::max(cursor_, now_tick - slots + 1);
  for (std::int64_t tick = first; tick <= now_tick; ++tick) {
    const auto slot = static_cast<std::uint32_t>(tick & (slots - 1));
    std::uint32_t index = nodes_[slot].next;
    while (index != slot) {
      const std::uint32_t next = nodes_[index].next;
      if (nodes_[index].deadline_ms <= now_ms) {
        if (fired == limit) {
          cursor_ = tick;  // the slots before this one are done; resume here
          return fired;
        }
        ++fired;
        const SysId key = nodes_[index].key;
        const TimePoint deadline{Milliseconds{nodes_[index].deadline_ms}};
        unlink(index);
        release(index);
        fire(key, deadline);
      }
      index = next;
    }
  }
  // The current tick's slot may hold timers due later within this tick: revisit it next time.
  cursor_ = now_tick;
  return fired;
}

std::optional<TimePoint> TimerWheel::next_wakeup() const {
  if (armed_ == 0) return std::nullopt;
  const std::size_t slots = slot_count();
  const auto current = static_cast<std::uint32_t>(static_cast<std::size_t>(cursor_) & (slots - 1));
  // The current slot's tick has begun: its earliest deadline is the time to wake (the slot start
  // would be in the past and make the caller spin).
  std::int64_t earliest = INT64_MAX;
  for (std::uint32_t i = nodes_[current].next; i != current; i = nodes_[i].next) {
    earliest = std::min(earliest, nodes_[i].deadline_ms);
  }
  // Any later slot: the start of its tick, which is no later than any deadline in it.
  for (std::size_t scanned = 1; scanned < slots;) {
    const std::size_t slot = (current + scanned) & (slots - 1);
    const std::size_t bit = slot & 63;
    const std::uint64_t word = occupied_[slot >> 6] >> bit;
    if (word == 0) {
      scanned += 64 - bit;
      continue;
    }
    const std::size_t found = scanned + static_cast<std::size_t>(std::countr_zero(word));
    if (found < slots) {
      earliest = std::min(earliest, (cursor_ + static_cast<std::int64_t>(found)) * tick_.count());
    }
    break;
  }
  return TimePoint{Milliseconds{earliest}};
}

std::size_t TimerWheel::bytes_per_timer() const {
  if (armed_ == 0) return 0;
  return (nodes_.capacity() * sizeof(Node) + occupied_.size() * sizeof(std::uint64_t)) / armed_;
}

void TimerWheel::link(std::uint32_t index, std::uint32_t slot) {
  Node& node = nodes_[index];
  node.prev = slot;
  node.next = nodes_[slot].next;
  nodes_[node.next].prev = index;
  nodes_[slot].next = index;
  occupied_[slot >> 6] |= std::uint64_t{1} << (slot & 63);
}

void TimerWheel::unlink(std::uint32_t index) {
  const Node& node = nodes_[index];
  nodes_[node.prev].next = node.next;
  nodes_[node.next].prev = node.prev;
  // Both neighbours the same node: that is the sentinel, and the slot is now empty.
  if (node.prev == node.next) {
    const std::uint32_t slot = node.prev;
    occupied_[slot >> 6] &= ~(std::uint64_t{1} << (slot & 63));
  }
}

void TimerWheel::release(std::uint32_t index) {
  Node& node = nodes_[index];
  node.prev = kFree;
  node.next = free_;
  free_ = index;
  --armed_;
}

}  // namespace awa::domain
