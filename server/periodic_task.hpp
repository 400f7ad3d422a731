// A call made every interval, on a thread of its own, until stopped: the snapshot schedule and
// the events' retention.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace awa::server {

class PeriodicTask {
public:
  PeriodicTask() = default;
  ~PeriodicTask() { stop(); }
  PeriodicTask(const PeriodicTask&) = delete;
  PeriodicTask& operator=(const PeriodicTask&) = delete;

  // Calls `work` every `interval` (the first time one interval from now) until stop().
  void start(std::chrono::milliseconds interval, std::function<void()> work);
  // Waits for a call in progress; idempotent.
  void stop();

private:
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace awa::server
