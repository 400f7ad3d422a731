// awa-bench --spin: open-loop sends wait here for their intended time, and the thread, spinning
// on its loop, releases them when due, instead of arming a timer for each and sleeping. A
// sleeping client is late by its own wake-up, and that lateness is counted as the server's
// latency. The price is a core per client thread, always, taken from the server when they share
// a machine.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <queue>
#include <vector>

namespace awa::bench {

class SendPacer {
public:
  using Time = std::chrono::steady_clock::time_point;
  using Send = std::function<void()>;

  void add(Time due, Send send) { waiting_.push({due, next_++, std::move(send)}); }
  bool empty() const { return waiting_.empty(); }

  // Runs, in order of their due times (then of their adding), the sends due at `now`; a send
  // added meanwhile runs too when due. Returns how many ran.
  std::size_t release_due(Time now) {
    std::size_t ran = 0;
    while (!waiting_.empty() && waiting_.top().due <= now) {
      Send send = std::move(const_cast<Entry&>(waiting_.top()).send);
      waiting_.pop();
      send();
      ++ran;
    }
    return ran;
  }

private:
  struct Entry {
    Time due;
    std::uint64_t order;
    Send send;
    bool operator>(const Entry& other) const {
      return due != other.due ? due > other.due : order > other.order;
    }
  };
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> waiting_;
  std::uint64_t next_ = 0;
};

}  // namespace awa::bench
