// Calls to make after a delay, on one thread of its own, started at the first call: how the
// events API ends a long poll that nothing woke.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <utility>

namespace awa::server {

class DelayedCalls {
public:
  using Clock = std::chrono::steady_clock;
  using Id = std::uint64_t;

  DelayedCalls() = default;
  ~DelayedCalls();
  DelayedCalls(const DelayedCalls&) = delete;
  DelayedCalls& operator=(const DelayedCalls&) = delete;

  // Calls `call` once `delay` has passed, unless cancelled first.
  Id after(Clock::duration delay, std::function<void()> call);
  // No effect once the call has been made (or begun).
  void cancel(Id id);
  // Makes every call waiting now, at once.
  void hurry();

private:
  void run();

  std::mutex mutex_;
  std::condition_variable changed_;
  std::map<std::pair<Clock::time_point, Id>, std::function<void()>> due_;
  std::map<Id, Clock::time_point> when_;
  Id next_id_ = 1;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace awa::server
