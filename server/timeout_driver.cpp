#include "server/timeout_driver.hpp"

#include "server/log.hpp"

namespace awa::server {

TimeoutDriver::TimeoutDriver(domain::Instance& instance) : instance_(instance) {
  instance_.set_timeout_listener(this);
}

TimeoutDriver::~TimeoutDriver() {
  stop();
  instance_.set_timeout_listener(nullptr);
}

void TimeoutDriver::start() {
  thread_ = std::thread([this] { run(); });
}

void TimeoutDriver::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
  // Rounds still being written call back into this object: wait for them.
  std::unique_lock lock(mutex_);
  wake_.wait(lock, [this] { return rounds_unwritten_ == 0; });
}

void TimeoutDriver::timeout_armed(domain::TimePoint deadline) {
  std::lock_guard lock(mutex_);
  if (deadline < earliest_armed_) earliest_armed_ = deadline;
  if (earliest_armed_ < planned_) wake_.notify_one();
}

void TimeoutDriver::run() {
  for (;;) {
    // Ask the instance without holding our lock: it calls timeout_armed() under its own.
    const auto next = instance_.next_timeout();
    {
      std::unique_lock lock(mutex_);
      // Deadlines armed since the question are not in its answer.
      planned_ = std::min(next.value_or(domain::TimePoint::max()), earliest_armed_);
      earliest_armed_ = domain::TimePoint::max();
      const auto woken = [this] { return stopping_ || earliest_armed_ < planned_; };
      if (planned_ == domain::TimePoint::max()) {
        wake_.wait(lock, woken);
      } else {
        wake_.wait_until(lock, planned_, woken);
      }
      if (stopping_) return;
    }
    // Bounded rounds: between them requests take the instance lock; a round that left timers
    // due comes back at once, once fewer than two rounds wait for the writer.
    constexpr std::size_t kRound = 256;
    constexpr unsigned kRoundsUnwritten = 2;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || rounds_unwritten_ < kRoundsUnwritten; });
      if (stopping_) return;
      ++rounds_unwritten_;
    }
    const auto round = instance_.expire_due(kRound);
    // The writer thread writes the round while this thread computes the next one.
    instance_.when_durable(
        round.ticket,
        [this](std::error_code) {
          {
            std::lock_guard lock(mutex_);
            --rounds_unwritten_;
          }
          wake_.notify_all();
        },
        domain::CommitQueue::Lead::writer_thread);
    if (round.outcome.ok() && round.outcome->expired > 0 && log::enabled(LogLevel::debug)) {
      log::debug("expired " + std::to_string(round.outcome->expired) + " offers");
    }
  }
}

}  // namespace awa::server
