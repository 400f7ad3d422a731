// Keeps the outcome events within --event-retention-hours and --event-retention-count: trims them
// once at start (before the server answers) and then every minute, on the commit queue's writer
// between writes.
#pragma once

#include <chrono>
#include <cstdint>

#include "domain/instance.hpp"
#include "server/periodic_task.hpp"

namespace awa::server {

class EventRetention {
public:
  static constexpr std::chrono::minutes kEvery{1};

  EventRetention(domain::Instance& instance, const domain::Clock& clock, std::chrono::hours hours,
                 std::uint64_t count);
  ~EventRetention();
  EventRetention(const EventRetention&) = delete;
  EventRetention& operator=(const EventRetention&) = delete;

  // Trims once, waiting for it, then starts the thread; the first trim's error, if any.
  std::error_code start();
  void stop();

private:
  std::error_code trim();

  domain::Instance& instance_;
  const domain::Clock& clock_;
  const std::chrono::hours hours_;
  const std::uint64_t count_;
  PeriodicTask every_minute_;
};

}  // namespace awa::server
