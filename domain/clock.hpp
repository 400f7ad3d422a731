// The clock the domain reads time from: the system's in production, a manual one in tests.
#pragma once

#include <atomic>
#include <chrono>

namespace awa::domain {

using TimePoint = std::chrono::time_point<std::chrono::system_clock, std::chrono::milliseconds>;
using Milliseconds = std::chrono::milliseconds;

class Clock {
public:
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
};

class SystemClock final : public Clock {
public:
  TimePoint now() const override {
    return std::chrono::time_point_cast<Milliseconds>(std::chrono::system_clock::now());
  }
};

// Time moves only when a test says so.
class ManualClock final : public Clock {
public:
  explicit ManualClock(TimePoint start) : now_(start.time_since_epoch().count()) {}
  TimePoint now() const override { return TimePoint{Milliseconds{now_.load()}}; }
  void advance(Milliseconds by) { now_ += by.count(); }
  void set(TimePoint to) { now_ = to.time_since_epoch().count(); }

private:
  std::atomic<long long> now_;
};

}  // namespace awa::domain
