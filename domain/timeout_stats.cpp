#include "domain/timeout_stats.hpp"

#include <algorithm>
#include <cmath>

namespace awa::domain {

void TimeoutStats::record(TimePoint deadline, TimePoint fired_at) {
  const std::int64_t late = std::max<std::int64_t>(0, (fired_at - deadline).count());
  ++fired_;
  max_ms_ = std::max(max_ms_, late);
  if (late < static_cast<std::int64_t>(kExactMs)) {
    ++counts_[static_cast<std::size_t>(late)];
  } else {
    ++beyond_;
  }
  // Timers fire in deadline order (within a wheel tick), so the window only moves forward.
  const std::int64_t at = deadline.time_since_epoch().count();
  last_second_.push_back(at);
  while (last_second_.front() <= at - 1000) last_second_.pop_front();
  peak_per_second_ = std::max<std::uint64_t>(peak_per_second_, last_second_.size());
}

std::int64_t TimeoutStats::lateness_percentile_ms(double fraction) const {
  if (fired_ == 0) return 0;
  const auto rank = static_cast<std::uint64_t>(std::ceil(fraction * static_cast<double>(fired_)));
  std::uint64_t seen = 0;
  for (std::size_t ms = 0; ms < kExactMs; ++ms) {
    seen += counts_[ms];
    if (seen >= std::max<std::uint64_t>(rank, 1)) return static_cast<std::int64_t>(ms);
  }
  return max_ms_;
}

}  // namespace awa::domain
