// Sleeps until the next offer deadline and then expires what is due. The wake-up time comes from
// the timer wheel, and an earlier deadline armed meanwhile wakes it early: no polling.
// A storm of timeouts is expired in bounded rounds, at most two of them waiting to be written:
// requests queue behind two rounds at most, never behind the whole storm, while the writer
// writes one round as the next is applied.
#pragma once

#include <condition_variable>
#include <mutex>
#include <thread>

#include "domain/instance.hpp"

namespace awa::server {

class TimeoutDriver final : public domain::TimeoutListener {
public:
  explicit TimeoutDriver(domain::Instance& instance);
  ~TimeoutDriver() override;

  // Starts the thread; offers that ran out while the server was down expire at once.
  void start();
  // Stops the thread; idempotent.
  void stop();

  void timeout_armed(domain::TimePoint deadline) override;

private:
  void run();

  domain::Instance& instance_;
  std::mutex mutex_;
  std::condition_variable wake_;
  domain::TimePoint planned_ = domain::TimePoint::max();
  domain::TimePoint earliest_armed_ = domain::TimePoint::max();
  bool stopping_ = false;
  unsigned rounds_unwritten_ = 0;  // expiry rounds queued but not yet durable
  std::thread thread_;
};

}  // namespace awa::server
