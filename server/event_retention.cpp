#include "server/event_retention.hpp"

#include <future>

#include "server/log.hpp"

namespace awa::server {

EventRetention::EventRetention(domain::Instance& instance, const domain::Clock& clock,
                               std::chrono::hours hours, std::uint64_t count)
    : instance_(instance), clock_(clock), hours_(hours), count_(count) {}

EventRetention::~EventRetention() {
  stop();
}

std::error_code EventRetention::trim() {
  const auto ticket = instance_.trim_events(clock_.now() - hours_, count_);
  std::promise<std::error_code> done;
  instance_.when_durable(
      ticket, [&done](std::error_code error) { done.set_value(error); },
      domain::CommitQueue::Lead::writer_thread);
  return done.get_future().get();
}

std::error_code EventRetention::start() {
  const auto error = trim();
  thread_ = std::thread([this] {
    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, kEvery, [this] { return stopping_; })) {
      lock.unlock();
      if (const auto failed = trim()) {
        log::warn("trimming old events failed (they stay until it works): " + failed.message());
      }
      lock.lock();
    }
  });
  return error;
}

void EventRetention::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace awa::server
