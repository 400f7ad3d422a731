// How punctually offer countdowns fire: how late each timer fired after its deadline (whole
// milliseconds, exact up to a second, beyond that only the maximum), and the most deadlines that
// fell within any one second (a sliding window). For the timeout-storm benchmark and the stats
// endpoint.
#pragma once

#include <array>
#include <cstdint>
#include <deque>

#include "domain/clock.hpp"

namespace awa::domain {

class TimeoutStats {
public:
  void record(TimePoint deadline, TimePoint fired_at);

  std::uint64_t fired() const { return fired_; }
  // The lateness below which `fraction` (0..1] of the timers fired; the maximum when the
  // percentile lies beyond the exact range.
  std::int64_t lateness_percentile_ms(double fraction) const;
  std::int64_t max_lateness_ms() const { return max_ms_; }
  std::uint64_t peak_due_in_one_second() const { return peak_per_second_; }

private:
  static constexpr std::size_t kExactMs = 1024;
  std::array<std::uint64_t, kExactMs> counts_{};
  std::uint64_t beyond_ = 0;
  std::uint64_t fired_ = 0;
  std::int64_t max_ms_ = 0;
  std::deque<std::int64_t> last_second_;  // deadlines (ms) within a second of the newest
  std::uint64_t peak_per_second_ = 0;
};

}  // namespace awa::domain
