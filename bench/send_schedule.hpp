// When each request is meant to be sent. Open loop: request k of a run at `rate` per second,
// spread over `connections`, is due at start + k / rate, whatever happened to earlier requests;
// latency is measured from that intended time, so a server that stalls cannot hide the wait
// (no coordinated omission). Closed loop: each request is due when the previous one answered.
#pragma once

#include <chrono>
#include <cstdint>

namespace awa::bench {

using SteadyTime = std::chrono::steady_clock::time_point;

class SendSchedule {
public:
  // rate 0: closed loop.
  SendSchedule(SteadyTime start, double rate_per_second, unsigned connections)
      : start_(start), rate_(rate_per_second), connections_(connections) {}

  bool open_loop() const { return rate_ > 0; }

  // The intended send time of the `sequence`-th request (0, 1, 2, ...) of `connection`; requests
  // of all connections interleave evenly.
  SteadyTime due(unsigned connection, std::uint64_t sequence) const {
    const double slot = static_cast<double>(sequence) * connections_ + connection;
    return start_ + std::chrono::duration_cast<SteadyTime::duration>(
                        std::chrono::duration<double>(slot / rate_));
  }

  // How late, in whole microseconds, a request due at `due` left at `sent`: the client's own
  // delay, which the latency from the intended time includes. 0 when on time (or early).
  static std::uint64_t lateness_us(SteadyTime due, SteadyTime sent) {
    if (sent <= due) return 0;
    return static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::microseconds>(sent - due).count());
  }

private:
  SteadyTime start_;
  double rate_;
  unsigned connections_;
};

}  // namespace awa::bench
