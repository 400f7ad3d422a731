// Who may try a password now. A sign-in that needs the slow password hash is admitted only while
// its peer address and its user name each have a failure token (token buckets: a burst, then a
// slow refill; a failure takes one from both, a success none) and its peer has few sign-ins in
// hand; otherwise it is refused at once, without hashing, with how long to wait. An admitted
// sign-in comes with its peer's standing, which orders the hashing: a peer that signed in lately
// and has not failed since first, then one never seen, then one that failed lately; so a flood
// from addresses that fail, or from many new ones, does not delay the sign-ins of a client in
// good standing. Memory is bounded: entries that remember nothing are dropped when the table
// fills (their standing with them).
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "server/token_bucket.hpp"

namespace awa::server {

struct LoginLimits {
  double failure_burst = 5;          // failures at once, per peer and per user
  double failures_per_second = 0.2;  // then one every 5 s
  unsigned in_hand_per_peer = 4;     // sign-ins waiting for or running their hash
  std::size_t tracked = 10'000;      // peers, and user names, remembered at most
};

class LoginLimiter {
public:
  using Clock = TokenBucket::Clock;

  using Limits = LoginLimits;

  enum class Standing {
    good,     // signed in within kGoodFor, no failure since
    unknown,  // neither
    suspect,  // failed lately (its failure bucket is not full)
  };
  static constexpr std::chrono::hours kGoodFor{1};

  struct Decision {
    bool admitted = false;
    Standing standing = Standing::unknown;  // admitted: of its peer
    Clock::duration retry_after;            // refused: how long until it may be tried
  };

  explicit LoginLimiter(Limits limits = {}) : limits_(limits) {}

  // Before a hash. When admitted, finished() must follow, once.
  Decision admit(std::string_view peer, std::string_view user, Clock::time_point now);
  enum class Result { succeeded, failed, abandoned };
  void finished(std::string_view peer, std::string_view user, Result result, Clock::time_point now);

  // How many peers and user names it remembers (for tests of its bound).
  std::size_t tracked() const;

private:
  struct Entry {
    TokenBucket failures;
    unsigned in_hand = 0;              // peers only
    Clock::time_point succeeded = {};  // peers only: the last success
    bool idle(Clock::time_point now) const { return in_hand == 0 && failures.full(now); }
  };
  using Table = std::unordered_map<std::string, Entry>;
  // The entry of `key`, made if there is room; null when the table is full of entries that
  // still remember something.
  Entry* entry(Table& table, std::string_view key, Clock::time_point now);

  Limits limits_;
  mutable std::mutex mutex_;
  Table peers_;
  Table users_;
};

}  // namespace awa::server
