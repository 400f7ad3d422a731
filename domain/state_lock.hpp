// The instance's one lock, which also tells how it is used: how often a thread found it taken,
// and how long it is held (one acquisition in kSampleEvery timed), for the stats endpoint and the
// decision record behind it (docs/decisions). And whether a thread waits for it, so a long read
// working in steps can step aside between them.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>

namespace awa::domain {

class StateLock {
public:
  static constexpr std::uint64_t kSampleEvery = 8;

  void lock() {
    if (!mutex_.try_lock()) {
      contended_.fetch_add(1, std::memory_order_relaxed);
      waiting_.fetch_add(1, std::memory_order_relaxed);
      mutex_.lock();
      waiting_.fetch_sub(1, std::memory_order_relaxed);
    }
    on_acquired();
  }
  bool try_lock() {
    if (!mutex_.try_lock()) return false;
    on_acquired();
    return true;
  }
  void unlock() {
    if (timing_) record_hold(std::chrono::steady_clock::now() - held_since_);
    mutex_.unlock();
  }
  // Whether another thread is waiting for the lock now.
  bool others_waiting() const { return waiting_.load(std::memory_order_relaxed) > 0; }

  struct Stats {
    std::uint64_t acquisitions = 0;
    std::uint64_t contended = 0;  // acquisitions that found the lock taken and waited
    std::uint64_t timed = 0;      // acquisitions whose hold time was measured
    double hold_p50_us = 0, hold_p99_us = 0, hold_max_us = 0;
  };
  // Call with the lock held.
  Stats stats() const;

private:
  void on_acquired() {
    timing_ = (++acquisitions_ % kSampleEvery) == 0;
    if (timing_) held_since_ = std::chrono::steady_clock::now();
  }
  void record_hold(std::chrono::steady_clock::duration held);

  // Hold times by bucket: four per power of two nanoseconds, up to about 70 s.
  static constexpr std::size_t kBuckets = std::size_t{4} * 36;
  static std::size_t bucket_of(std::uint64_t ns);
  static double bucket_upper_us(std::size_t bucket);

  std::mutex mutex_;
  std::atomic<std::uint32_t> waiting_{0};
  std::atomic<std::uint64_t> contended_{0};
  // Under the lock:
  std::uint64_t acquisitions_ = 0;
  bool timing_ = false;
  std::chrono::steady_clock::time_point held_since_;
  std::array<std::uint64_t, kBuckets> holds_{};
  std::uint64_t timed_ = 0;
  std::uint64_t max_ns_ = 0;
};

}  // namespace awa::domain
