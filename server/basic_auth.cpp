#include "server/basic_auth.hpp"

#include <sodium.h>

#include <cstring>

#include "domain/field_value.hpp"

namespace awa::server {

std::optional<BasicCredentials> parse_basic_authorization(std::string_view header) {
  constexpr std::string_view scheme = "basic ";
  if (header.size() <= scheme.size()) return std::nullopt;
  for (std::size_t i = 0; i < scheme.size(); ++i) {
    const char c = header[i];
    if ((c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c) != scheme[i]) {
      return std::nullopt;
    }
  }
  const std::string_view encoded = domain::trim_blanks(header.substr(scheme.size()));
  if (encoded.empty() || encoded.size() > 4096) return std::nullopt;

  std::string decoded(encoded.size(), '\0');
  std::size_t length = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(decoded.data()), decoded.size(),
                        encoded.data(), encoded.size(), nullptr, &length, &end,
                        sodium_base64_VARIANT_ORIGINAL) != 0 ||
      end != encoded.data() + encoded.size()) {
    return std::nullopt;
  }
  decoded.resize(length);
  const auto colon = decoded.find(':');
  if (colon == std::string::npos || colon == 0) return std::nullopt;
  return BasicCredentials{decoded.substr(0, colon), decoded.substr(colon + 1)};
}

Authenticator::Authenticator(const domain::Instance& instance, const domain::PasswordHasher& hasher,
                             std::size_t cache_capacity)
    : instance_(instance), hasher_(hasher), capacity_(cache_capacity) {
  randombytes_buf(secret_.data(), secret_.size());
  // Verified against when the user does not exist, so that costs a hash too.
  dummy_hash_ = hasher_.hash("no such user: a password nobody has");
}

std::size_t Authenticator::KeyHash::operator()(const Key& k) const noexcept {
  std::size_t h;
  std::memcpy(&h, k.data(), sizeof h);  // already a keyed hash
  return h;
}

Authenticator::Key Authenticator::key_of(std::string_view authorization) const {
  static_assert(sizeof(Key) == crypto_shorthash_siphashx24_BYTES);
  static_assert(sizeof(secret_) == crypto_shorthash_siphashx24_KEYBYTES);
  Key key;
  crypto_shorthash_siphashx24(key.data(),
                              reinterpret_cast<const unsigned char*>(authorization.data()),
                              authorization.size(), secret_.data());
  return key;
}

std::optional<domain::Caller> Authenticator::cached(std::string_view authorization) const {
  const Key key = key_of(authorization);
  Entry entry;
  {
    std::lock_guard lock(mutex_);
    const auto it = cache_.find(key);
    if (it == cache_.end()) return std::nullopt;
    entry = it->second;
  }
  const std::uint64_t users_clock = instance_.users_clock();
  if (entry.users_clock == users_clock) return domain::Caller{entry.user, entry.roles};
  // Some user changed since: is it this one?
  const auto roles = instance_.current_roles(entry.user, entry.version);
  std::lock_guard lock(mutex_);
  const auto it = cache_.find(key);
  if (!roles) {
    if (it != cache_.end()) cache_.erase(it);
    return std::nullopt;
  }
  if (it != cache_.end()) {
    it->second.roles = *roles;
    it->second.users_clock = users_clock;
  }
  return domain::Caller{entry.user, *roles};
}

std::optional<domain::Caller> Authenticator::verify(std::string_view authorization) {
  const auto credentials = parse_basic_authorization(authorization);
  if (!credentials) return std::nullopt;
  const auto credential = instance_.credential(credentials->user_name);
  // No user, a user without a password, or an empty one given: never signed in, at the cost of a
  // hash all the same, so timing does not tell which.
  if (!credential || credential->password_hash.empty() || credentials->password.empty()) {
    (void)hasher_.verify(dummy_hash_, credentials->password);
    return std::nullopt;
  }
  if (!hasher_.verify(credential->password_hash, credentials->password)) return std::nullopt;

  const Key key = key_of(authorization);
  std::lock_guard lock(mutex_);
  if (cache_.size() >= capacity_) cache_.erase(cache_.begin());
  cache_[key] = {credential->user, credential->version, credential->roles, credential->users_clock};
  return domain::Caller{credential->user, credential->roles};
}

}  // namespace awa::server
