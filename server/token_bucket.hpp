// A token bucket: up to `burst` events at once, then `per_second` on average. Time is passed
// in, so tests move it by hand. Not thread-safe: its owner locks.
#pragma once

#include <algorithm>
#include <chrono>

namespace awa::server {

class TokenBucket {
public:
  using Clock = std::chrono::steady_clock;

  TokenBucket(double per_second, double burst, Clock::time_point now)
      : per_second_(per_second), burst_(burst), tokens_(burst), updated_(now) {}

  // Takes a token if there is one.
  bool take(Clock::time_point now) {
    refill(now);
    if (tokens_ < 1.0) return false;
    tokens_ -= 1.0;
    return true;
  }
  // How long until a token is there (zero when one is now).
  Clock::duration wait(Clock::time_point now) {
    refill(now);
    if (tokens_ >= 1.0) return Clock::duration::zero();
    return std::chrono::duration_cast<Clock::duration>(
        std::chrono::duration<double>((1.0 - tokens_) / per_second_));
  }
  // Whether it has refilled whole: then it remembers nothing and can be forgotten.
  bool full(Clock::time_point now) const { return level(now) >= burst_; }

private:
  double level(Clock::time_point now) const {
    if (now <= updated_) return tokens_;
    return std::min(burst_,
                    tokens_ + std::chrono::duration<double>(now - updated_).count() * per_second_);
  }
  void refill(Clock::time_point now) {
    tokens_ = level(now);
    updated_ = std::max(updated_, now);
  }

  double per_second_;
  double burst_;
  double tokens_;
  Clock::time_point updated_;
};

}  // namespace awa::server
