// The newest events, in memory, for readers that keep up (the events API, its long polls, the
// live stream, webhooks): published by the commit queue once durable, in order; older ones are
// read from the durable log. Bounded by count. Thread-safe.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "domain/event.hpp"

namespace awa::domain {

// Which events a reader gets: by type, and for an agent only those about itself or its work.
struct EventFilter {
  std::uint32_t types = ~0U;  // bit n: EventType n
  std::string agent;          // sys_id; empty: every agent's
  bool matches(const Event& event) const {
    if ((types & (1U << static_cast<unsigned>(event.type))) == 0) return false;
    return agent.empty() || event.agent == agent || event.subject() == agent;
  }
};

using EventPtr = std::shared_ptr<const Event>;

class EventTail {
public:
  static constexpr std::size_t kDefaultCapacity = 16384;
  explicit EventTail(std::size_t capacity = kDefaultCapacity) : capacity_(capacity) {}

  // Where numbering stands at start: the newest event in the log.
  void start_after(std::uint64_t last);
  // Events just made durable, numbered on from last(); wakes whoever waits for them.
  void publish(std::vector<Event>&& events);
  std::uint64_t last() const;

  struct Read {
    bool reached = true;     // false: events after `after` are older than the tail holds
    std::uint64_t next = 0;  // the newest event looked at (or `after`): where to read on from
  };
  // Whether every event after `after` is held here (read() needs no log).
  bool reaches(std::uint64_t after) const;
  // Up to `limit` events after `after` that pass `filter`, appended to `out`.
  Read read(std::uint64_t after, std::size_t limit, const EventFilter& filter,
            std::vector<EventPtr>& out) const;

  // Calls `wake` once, on the publishing thread, when an event after `after` is published (at
  // once, on this thread, if there is one). The handle lets the caller give up waiting; `owner`
  // lets it give up all its waits at once (when it goes away).
  using Wake = std::function<void()>;
  std::uint64_t when_after(std::uint64_t after, Wake wake, const void* owner = nullptr);
  // Once these return, the wake will not be called, nor is it being called.
  void forget(std::uint64_t handle);
  void forget_all_of(const void* owner);

private:
  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::mutex waking_;            // held while wakes are called, so that forgetting one waits for it
  std::deque<EventPtr> events_;  // seq last_ - size + 1 ... last_
  std::uint64_t last_ = 0;
  std::uint64_t next_handle_ = 1;
  struct Waiting {
    Wake wake;
    const void* owner;
  };
  std::map<std::uint64_t, Waiting> waiting_;  // by handle
};

}  // namespace awa::domain
