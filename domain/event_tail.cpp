#include "domain/event_tail.hpp"

#include <algorithm>

namespace awa::domain {

void EventTail::start_after(std::uint64_t last) {
  std::lock_guard lock(mutex_);
  events_.clear();
  last_ = last;
}

void EventTail::publish(std::vector<Event>&& events) {
  if (events.empty()) return;
  std::lock_guard waking(waking_);
  std::map<std::uint64_t, Waiting> woken;
  {
    std::lock_guard lock(mutex_);
    for (auto& event : events) {
      last_ = event.seq;
      events_.push_back(std::make_shared<const Event>(std::move(event)));
    }
    while (events_.size() > capacity_) events_.pop_front();
    woken.swap(waiting_);
  }
  for (auto& [handle, waiting] : woken) waiting.wake();
}

std::uint64_t EventTail::last() const {
  std::lock_guard lock(mutex_);
  return last_;
}

bool EventTail::reaches(std::uint64_t after) const {
  std::lock_guard lock(mutex_);
  return after + 1 >= last_ - events_.size() + 1;
}

EventTail::Read EventTail::read(std::uint64_t after, std::size_t limit, const EventFilter& filter,
                                std::vector<EventPtr>& out) const {
  std::lock_guard lock(mutex_);
  Read read{true, after};
  const std::uint64_t first = last_ - events_.size() + 1;  // the oldest held
  if (after + 1 < first) {
    read.reached = false;
    return read;
  }
  std::size_t taken = 0;
  for (std::size_t i = after + 1 - first; i < events_.size() && taken < limit; ++i) {
    const EventPtr& event = events_[i];
    read.next = event->seq;
    if (!filter.matches(*event)) continue;
    out.push_back(event);
    ++taken;
  }
  return read;
}

std::uint64_t EventTail::when_after(std::uint64_t after, Wake wake, const void* owner) {
  std::unique_lock lock(mutex_);
  if (last_ > after) {
    lock.unlock();
    wake();
    return 0;
  }
  const std::uint64_t handle = next_handle_++;
  waiting_.emplace(handle, Waiting{std::move(wake), owner});
  return handle;
}

void EventTail::forget(std::uint64_t handle) {
  std::lock_guard waking(waking_);
  std::lock_guard lock(mutex_);
  waiting_.erase(handle);
}

void EventTail::forget_all_of(const void* owner) {
  std::lock_guard waking(waking_);
  std::lock_guard lock(mutex_);
  std::erase_if(waiting_, [owner](const auto& entry) { return entry.second.owner == owner; });
}

}  // namespace awa::domain
