#include "bench/latency_histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace awa::bench {

std::size_t LatencyHistogram::index_of(std::uint64_t value) {
  // Values below 64 get a bucket each; above, the top 6 bits after the leading one choose the
  // sub-bucket within the value's power of two.
  if (value < (1u << kSubBits)) return static_cast<std::size_t>(value);
  const int magnitude =
      static_cast<int>(std::bit_width(value)) - 1;  // value in [2^magnitude, 2^(magnitude+1))
  const int range = magnitude - kSubBits + 1;
  if (range >= kRanges) return (static_cast<std::size_t>(kRanges) << kSubBits) - 1;
  const std::uint64_t sub = (value >> (magnitude - kSubBits)) & ((1u << kSubBits) - 1);
  const std::size_t index = (static_cast<std::size_t>(range) << kSubBits) + sub;
  return std::min(index, (static_cast<std::size_t>(kRanges) << kSubBits) - 1);
}

std::uint64_t LatencyHistogram::upper_bound_of(std::size_t index) {
  const std::size_t range = index >> kSubBits;
  const std::uint64_t sub = index & ((1u << kSubBits) - 1);
  if (range == 0) return sub;
  const int magnitude = static_cast<int>(range) + kSubBits - 1;
  const std::uint64_t base = std::uint64_t{1} << magnitude;
  const std::uint64_t width = std::uint64_t{1} << (magnitude - kSubBits);
  return base + sub * width + width - 1;
}

void LatencyHistogram::record(std::uint64_t microseconds) {
  ++buckets_[index_of(microseconds)];
  ++count_;
  sum_ += microseconds;
  max_ = std::max(max_, microseconds);
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
  for (std::size_t i = 0; i < buckets_.size(); ++i) buckets_[i] += other.buckets_[i];
  count_ += other.count_;
  sum_ += other.sum_;
  max_ = std::max(max_, other.max_);
}

std::uint64_t LatencyHistogram::percentile(double q) const {
  if (count_ == 0) return 0;
  const auto wanted = static_cast<std::uint64_t>(std::ceil(std::clamp(q, 0.0, 1.0) * count_));
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < buckets_.size(); ++i) {
    seen += buckets_[i];
    if (seen < std::max<std::uint64_t>(wanted, 1)) continue;
    // The last bucket also holds everything past the range: only the max bounds it.
    return i + 1 == buckets_.size() ? max_ : std::min(upper_bound_of(i), max_);
  }
  return max_;
}

}  // namespace awa::bench
