// A latency histogram in the style of HdrHistogram: each power-of-two range of microseconds is
// split into 64 equal buckets, so any percentile is reported within 1/64 (1.6%) of the true
// value, from 1 µs to over a day, in a fixed 27 KiB. Max and count are exact.
#pragma once

#include <array>
#include <cstdint>

namespace awa::bench {

class LatencyHistogram {
public:
  void record(std::uint64_t microseconds);
  void merge(const LatencyHistogram& other);

  std::uint64_t count() const { return count_; }
  std::uint64_t max() const { return max_; }
  double mean() const { return count_ == 0 ? 0.0 : static_cast<double>(sum_) / count_; }
  // The smallest recorded value v such that a fraction q of the values are <= v (to 1.6%);
  // 0 when empty.
  std::uint64_t percentile(double q) const;

private:
  static constexpr int kSubBits = 6;  // 64 buckets per power of two
  static constexpr int kRanges = 40;  // up to 2^40 µs
  static std::size_t index_of(std::uint64_t value);
  static std::uint64_t upper_bound_of(std::size_t index);

  std::array<std::uint64_t, kRanges << kSubBits> buckets_{};
  std::uint64_t count_ = 0;
  std::uint64_t sum_ = 0;
  std::uint64_t max_ = 0;
};

}  // namespace awa::bench
