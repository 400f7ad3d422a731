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
  every_minute_.start(kEvery, [this] {
    if (const auto failed = trim()) {
      log::warn("trimming old events failed (they stay until it works): " + failed.message());
    }
  });
  return error;
}

void EventRetention::stop() {
  every_minute_.stop();
}

}  // namespace awa::server
