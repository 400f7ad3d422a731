#include "domain/timer_wheel.hpp"

#include <algorithm>
#include <bit>
#include <climits>
#include <memory>
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
  chunks_.push_back(allocate_chunk(std::min<std::size_t>(slot_count, kChunkNodes)));
  for (std::uint32_t slot = 0; slot < slot_count; ++slot) {
    const std::uint32_t index = fresh_node();
    node(index).prev = node(index).next = slot;  // an empty circular list
  }
}

TimerWheel::Chunk TimerWheel::allocate_chunk(std::size_t capacity) {
  return Chunk(memory::HugePageAllocator<Node>{}.allocate(capacity), FreeChunk{capacity});
}

std::uint32_t TimerWheel::fresh_node() {
  if (used_ == capacity()) grow();
  const std::uint32_t index = used_++;
  std::construct_at(&node(index), Node{0, {}, kFree, kNone});
  // From seven eighths of a whole chunk on, the next one is built ahead.
  if (!next_chunk_.valid() && chunks_.back().get_deleter().capacity == kChunkNodes &&
      capacity() - used_ <= kChunkNodes / 8) {
    next_chunk_ = memory::huge_pages::build_ahead([] { return allocate_chunk(kChunkNodes); });
  }
  return index;
}

void TimerWheel::grow() {
  // Indices stay below kFree, which marks a free node.
  if (capacity() > kFree - kChunkNodes) throw std::length_error("TimerWheel: too many timers");
  Chunk& first = chunks_.front();
  if (chunks_.size() == 1 && first.get_deleter().capacity < kChunkNodes) {
    Chunk bigger =
        allocate_chunk(std::min<std::size_t>(2 * first.get_deleter().capacity, kChunkNodes));
    std::uninitialized_copy_n(first.get(), used_, bigger.get());
    first = std::move(bigger);
    return;
  }
  chunks_.push_back(next_chunk_.valid() ? next_chunk_.get() : allocate_chunk(kChunkNodes));
}

TimerWheel::Handle TimerWheel::arm(TimePoint deadline, const SysId& key) {
  std::uint32_t index;
  if (free_ != kNone) {
    index = free_;
    free_ = node(index).next;
  } else {
    index = fresh_node();
  }
  Node& armed = node(index);
  armed.deadline_ms = deadline.time_since_epoch().count();
  armed.key = key;
  // A deadline already past goes in the current slot: it fires on the next advance.
  const std::int64_t tick = std::max(tick_of(armed.deadline_ms), cursor_);
  link(index, static_cast<std::uint32_t>(tick & static_cast<std::int64_t>(slot_count() - 1)));
  ++armed_;
  return index;
}

bool TimerWheel::cancel(Handle handle, const SysId& key) {
  if (handle < slot_count() || handle >= used_) return false;
  const Node& armed = node(handle);
  if (armed.prev == kFree || armed.key != key) return false;
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
    std::uint32_t index = node(slot).next;
    while (index != slot) {
      const std::uint32_t next = node(index).next;
      if (node(index).deadline_ms <= now_ms) {
        if (fired == limit) {
          cursor_ = tick;  // the slots before this one are done; resume here
          return fired;
        }
        ++fired;
        const SysId key = node(index).key;
        const TimePoint deadline{Milliseconds{node(index).deadline_ms}};
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
  for (std::uint32_t i = node(current).next; i != current; i = node(i).next) {
    earliest = std::min(earliest, node(i).deadline_ms);
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
  const std::size_t spare = next_chunk_.valid() ? kChunkNodes : 0;
  return ((capacity() + spare) * sizeof(Node) + occupied_.size() * sizeof(std::uint64_t)) / armed_;
}

void TimerWheel::link(std::uint32_t index, std::uint32_t slot) {
  Node& linked = node(index);
  linked.prev = slot;
  linked.next = node(slot).next;
  node(linked.next).prev = index;
  node(slot).next = index;
  occupied_[slot >> 6] |= std::uint64_t{1} << (slot & 63);
}

void TimerWheel::unlink(std::uint32_t index) {
  const Node& gone = node(index);
  node(gone.prev).next = gone.next;
  node(gone.next).prev = gone.prev;
  // Both neighbours the same node: that is the sentinel, and the slot is now empty.
  if (gone.prev == gone.next) {
    const std::uint32_t slot = gone.prev;
    occupied_[slot >> 6] &= ~(std::uint64_t{1} << (slot & 63));
  }
}

void TimerWheel::release(std::uint32_t index) {
  Node& freed = node(index);
  freed.prev = kFree;
  freed.next = free_;
  free_ = index;
  --armed_;
}

}  // namespace awa::domain
