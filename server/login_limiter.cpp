#include "server/login_limiter.hpp"

#include <algorithm>

namespace awa::server {

LoginLimiter::Entry* LoginLimiter::entry(Table& table, std::string_view key,
                                         Clock::time_point now) {
  const std::string name(key);
  if (const auto it = table.find(name); it != table.end()) return &it->second;
  if (table.size() >= limits_.tracked) {
    std::erase_if(table, [now](auto& kept) { return kept.second.idle(now); });
    if (table.size() >= limits_.tracked) return nullptr;
  }
  return &table
              .try_emplace(
                  name, Entry{TokenBucket(limits_.failures_per_second, limits_.failure_burst, now)})
              .first->second;
}

LoginLimiter::Decision LoginLimiter::admit(std::string_view peer, std::string_view user,
                                           Clock::time_point now) {
  std::lock_guard lock(mutex_);
  Entry* from = entry(peers_, peer, now);
  Entry* name = entry(users_, user, now);
  // As many peers (or names) failing at once as the table holds: refused until some refill,
  // rather than forgotten.
  if (from == nullptr || name == nullptr) {
    return {false, Standing::unknown, std::chrono::seconds(1)};
  }
  const auto wait = std::max(from->failures.wait(now), name->failures.wait(now));
  if (wait > Clock::duration::zero()) return {false, Standing::unknown, wait};
  if (from->in_hand >= limits_.in_hand_per_peer) {
    return {false, Standing::unknown, std::chrono::seconds(1)};
  }
  ++from->in_hand;
  const Standing standing =
      !from->failures.full(now) ? Standing::suspect
      : from->succeeded != Clock::time_point{} && now - from->succeeded < kGoodFor
          ? Standing::good
          : Standing::unknown;
  return {true, standing, {}};
}

void LoginLimiter::finished(std::string_view peer, std::string_view user, Result result,
                            Clock::time_point now) {
  std::lock_guard lock(mutex_);
  if (Entry* from = entry(peers_, peer, now)) {
    if (from->in_hand > 0) --from->in_hand;
    if (result == Result::failed) (void)from->failures.take(now);
    if (result == Result::succeeded) from->succeeded = now;
  }
  if (Entry* name = entry(users_, user, now); name && result == Result::failed) {
    (void)name->failures.take(now);
  }
}

std::size_t LoginLimiter::tracked() const {
  std::lock_guard lock(mutex_);
  return peers_.size() + users_.size();
}

}  // namespace awa::server
