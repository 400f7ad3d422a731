// A hashed timing wheel (in the style of Netty's HashedWheelTimer and the Linux kernel's timer
// wheel): a ring of slots, each a list of timers whose deadline falls on that slot's tick.
// Arm and cancel are O(1); advancing visits only the slots of the ticks that passed. Timers more
// than one revolution away wait in their slot and are skipped until their deadline comes.
// Timers fire at their deadline or later, never before. It keeps no thread and reads no clock:
// the caller advances it to "now" and asks when the next wake-up is due.
#pragma once

#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <vector>

#include "domain/clock.hpp"
#include "domain/sys_id.hpp"
#include "memory/huge_page_allocator.hpp"

namespace awa::domain {

class TimerWheel {
public:
  // Identifies an armed timer, together with its key (see cancel()).
  using Handle = std::uint32_t;

  explicit TimerWheel(TimePoint start, Milliseconds tick = Milliseconds{10},
                      std::size_t slot_count = 4096);

  Handle arm(TimePoint deadline, const SysId& key);
  // Cancels the timer `handle` names if it is still armed for `key`; false when it fired or was
  // cancelled. (A stale handle may name a later timer of the same key that reused its node: keep
  // one handle per key, the latest, as an index by key does.)
  bool cancel(Handle handle, const SysId& key);

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

  // Test hooks: whether the next chunk is being built or waits built; wait until it is built.
  bool chunk_prepared() const { return next_chunk_.valid(); }
  void wait_for_chunk() const {
    if (next_chunk_.valid()) next_chunk_.wait();
  }

private:
  // 32 bytes: a million timers take 32 MB. Each slot's list is circular through a sentinel node
  // (nodes_[slot] for slot < slot count), so a node needs no record of its slot.
  // Nodes live in raw chunks and are written whole when armed.
  // NOLINTNEXTLINE(cppcoreguidelines-pro-type-member-init)
  struct Node {
    std::int64_t deadline_ms;
    SysId key;
    std::uint32_t prev;  // kFree when the node is free
    std::uint32_t next;  // within the slot's list, or the free list
  };
  static_assert(sizeof(Node) == 32);
  static constexpr std::uint32_t kFree = 0xffffffff;
  static constexpr std::uint32_t kNone = 0xffffffff;

  // Nodes live in chunks of 65,536 (2 MiB: one huge page), so that growing adds a chunk and
  // moves nothing (doubling one array made a request wait while the new one was faulted in and
  // filled). The next chunk is built ahead on a helper thread (see
  // memory::huge_pages::build_ahead), so at most one spare 2 MiB chunk is held. Only the first
  // chunk may be smaller: it starts at the sentinels' size and doubles until it is whole, so a
  // small wheel takes no more than it uses.
  static constexpr unsigned kChunkShift = 16;
  static constexpr std::uint32_t kChunkNodes = std::uint32_t{1} << kChunkShift;
  struct FreeChunk {
    std::size_t capacity = 0;
    void operator()(Node* nodes) const noexcept {
      memory::HugePageAllocator<Node>{}.deallocate(nodes, capacity);
    }
  };
  using Chunk = std::unique_ptr<Node[], FreeChunk>;
  static Chunk allocate_chunk(std::size_t capacity);

  Node& node(std::uint32_t index) {
    return chunks_[index >> kChunkShift][index & (kChunkNodes - 1)];
  }
  const Node& node(std::uint32_t index) const {
    return chunks_[index >> kChunkShift][index & (kChunkNodes - 1)];
  }
  std::size_t capacity() const {
    return (chunks_.size() - 1) * kChunkNodes + chunks_.back().get_deleter().capacity;
  }
  std::uint32_t fresh_node();
  void grow();

  std::int64_t tick_of(std::int64_t ms) const { return ms / tick_.count(); }
  std::uint32_t slot_count() const { return static_cast<std::uint32_t>(occupied_.size() * 64); }
  void link(std::uint32_t index, std::uint32_t slot);
  void unlink(std::uint32_t index);
  void release(std::uint32_t index);

  Milliseconds tick_;
  std::vector<std::uint64_t> occupied_;  // one bit per slot, for next_wakeup()
  std::vector<Chunk> chunks_;            // the nodes: the sentinels, then the timers
  std::uint32_t used_ = 0;               // nodes handed out so far (the rest were never used)
  std::future<Chunk> next_chunk_;        // the next chunk, built ahead on a helper thread
  std::uint32_t free_ = kNone;
  std::int64_t cursor_;  // the tick up to which every slot has been processed
  std::size_t armed_ = 0;
};

}  // namespace awa::domain
