#include "server/delayed_calls.hpp"

namespace awa::server {

DelayedCalls::~DelayedCalls() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  if (thread_.joinable()) thread_.join();
}

DelayedCalls::Id DelayedCalls::after(Clock::duration delay, std::function<void()> call) {
  std::lock_guard lock(mutex_);
  if (!thread_.joinable()) thread_ = std::thread([this] { run(); });
  const Id id = next_id_++;
  const auto when = Clock::now() + delay;
  due_.emplace(std::make_pair(when, id), std::move(call));
  when_.emplace(id, when);
  changed_.notify_all();
  return id;
}

void DelayedCalls::cancel(Id id) {
  std::lock_guard lock(mutex_);
  const auto it = when_.find(id);
  if (it == when_.end()) return;
  due_.erase({it->second, id});
  when_.erase(it);
}

void DelayedCalls::hurry() {
  std::lock_guard lock(mutex_);
  const auto now = Clock::time_point::min();
  decltype(due_) hurried;
  for (auto& [key, call] : due_) {
    hurried.emplace(std::make_pair(now, key.second), std::move(call));
    when_[key.second] = now;
  }
  due_.swap(hurried);
  changed_.notify_all();
}

void DelayedCalls::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (due_.empty()) {
      changed_.wait(lock);
      continue;
    }
    const auto first = due_.begin();
    const Clock::time_point when = first->first.first;  // a copy: the map may change meanwhile
    if (when > Clock::now()) {
      changed_.wait_until(lock, when);
      continue;
    }
    auto call = std::move(first->second);
    when_.erase(first->first.second);
    due_.erase(first);
    lock.unlock();
    call();
    lock.lock();
  }
}

}  // namespace awa::server
