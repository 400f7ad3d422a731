// HTTP Basic authentication. A verified Authorization header is cached under a keyed hash of
// the header (never the header itself), together with the user's credential version, so the
// slow password hash runs once per credential rather than once per request; any change to the
// user (password, roles, active) makes the entry stale.
#pragma once

#include <array>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "domain/caller.hpp"
#include "domain/instance.hpp"

namespace awa::server {

struct BasicCredentials {
  std::string user_name;
  std::string password;
};

// `Basic base64(user:password)`; empty when the header is anything else.
std::optional<BasicCredentials> parse_basic_authorization(std::string_view header);

class Authenticator {
public:
  Authenticator(const domain::Instance& instance, const domain::PasswordHasher& hasher,
                std::size_t cache_capacity = 10'000);

  // Cheap: the caller, when this header was verified before and the user has not changed.
  std::optional<domain::Caller> cached(std::string_view authorization) const;
  // Slow (a password hash): run it off the I/O threads. Unknown users cost the same as known
  // ones, so timing does not tell which user names exist.
  std::optional<domain::Caller> verify(std::string_view authorization);

private:
  // SipHash-2-4 with a 128-bit output under a random key, a keyed function made for short
  // inputs: on every request it costs a small part of the 1.9k instructions BLAKE2b took on a
  // header, and a forged header matches a cached one's key with odds of 2^-128 per try.
  using Key = std::array<unsigned char, 16>;
  struct KeyHash {
    std::size_t operator()(const Key& k) const noexcept;
  };
  struct Entry {
    domain::SysId user;
    std::uint64_t version = 0;
    domain::Roles roles;
    // Instance::users_clock() when the entry was last checked: unchanged, no user has changed,
    // so the entry holds without asking the instance (and taking its lock).
    std::uint64_t users_clock = 0;
  };
  Key key_of(std::string_view authorization) const;

  const domain::Instance& instance_;
  const domain::PasswordHasher& hasher_;
  const std::size_t capacity_;
  std::array<unsigned char, 16> secret_{};
  std::string dummy_hash_;
  mutable std::mutex mutex_;
  mutable std::unordered_map<Key, Entry, KeyHash> cache_;
};

}  // namespace awa::server
