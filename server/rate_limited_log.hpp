// Log lines of one kind (RocksDB's, failed logins) under a token bucket: a fault that repeats
// every second, or a flood of bad credentials, cannot fill the log. What was dropped is counted
// and said on the next line that is written.
#pragma once

#include <mutex>
#include <string>

#include "server/log.hpp"
#include "server/token_bucket.hpp"

namespace awa::server {

class RateLimitedLog {
public:
  RateLimitedLog(double lines_per_second, double burst)
      : bucket_(lines_per_second, burst, TokenBucket::Clock::now()) {}

  void write(LogLevel level, std::string_view line,
             TokenBucket::Clock::time_point now = TokenBucket::Clock::now()) {
    if (!log::enabled(level)) return;
    std::uint64_t dropped = 0;
    {
      std::lock_guard lock(mutex_);
      if (!bucket_.take(now)) {
        ++dropped_;
        return;
      }
      dropped = dropped_;
      dropped_ = 0;
    }
    if (dropped == 0) return log::write(level, line);
    log::write(level, std::string(line) + " (" + std::to_string(dropped) +
                          " more such lines were dropped before this one)");
  }

private:
  std::mutex mutex_;
  TokenBucket bucket_;
  std::uint64_t dropped_ = 0;
};

}  // namespace awa::server
