#include "domain/state_lock.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace awa::domain {

std::size_t StateLock::bucket_of(std::uint64_t ns) {
  if (ns < 4) return static_cast<std::size_t>(ns);
  const auto power = static_cast<std::size_t>(std::bit_width(ns) - 1);  // ns in [2^p, 2^(p+1))
  const auto quarter = static_cast<std::size_t>((ns >> (power - 2)) & 3);
  return std::min(kBuckets - 1, 4 * (power - 1) + quarter);
}

double StateLock::bucket_upper_us(std::size_t bucket) {
  if (bucket < 4) return static_cast<double>(bucket + 1) / 1000.0;
  const std::size_t power = bucket / 4 + 1;
  const double quarter = static_cast<double>(bucket % 4 + 1);
  return std::ldexp(1.0 + quarter / 4.0, static_cast<int>(power)) / 1000.0;
}

void StateLock::record_hold(std::chrono::steady_clock::duration held) {
  const auto ns = static_cast<std::uint64_t>(std::max<std::int64_t>(
      0, std::chrono::duration_cast<std::chrono::nanoseconds>(held).count()));
  ++holds_[bucket_of(ns)];
  ++timed_;
  max_ns_ = std::max(max_ns_, ns);
}

StateLock::Stats StateLock::stats() const {
  Stats out;
  out.acquisitions = acquisitions_;
  out.contended = contended_.load(std::memory_order_relaxed);
  out.timed = timed_;
  out.hold_max_us = static_cast<double>(max_ns_) / 1000.0;
  const auto percentile = [this](double fraction) {
    const auto wanted =
        static_cast<std::uint64_t>(std::ceil(fraction * static_cast<double>(timed_)));
    std::uint64_t seen = 0;
    for (std::size_t b = 0; b < kBuckets; ++b) {
      seen += holds_[b];
      if (seen >= wanted && seen > 0) return bucket_upper_us(b);
    }
    return 0.0;
  };
  out.hold_p50_us = std::min(percentile(0.50), out.hold_max_us);
  out.hold_p99_us = std::min(percentile(0.99), out.hold_max_us);
  return out;
}

}  // namespace awa::domain
