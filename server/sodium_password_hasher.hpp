// Argon2id password hashing from libsodium, with one of OWASP's minimum settings (7 MiB, 5
// passes; docs/decisions/0008): slow for an attacker, tens of milliseconds for a sign-in.
#pragma once

#include "domain/durable_log.hpp"

namespace awa::server {

class SodiumPasswordHasher final : public domain::PasswordHasher {
public:
  SodiumPasswordHasher();  // initialises libsodium
  std::string hash(std::string_view password) const override;
  bool verify(std::string_view stored_hash, std::string_view password) const override;
};

// `length` random characters from [A-Za-z0-9], from the OS's CSPRNG.
std::string random_password(std::size_t length);

}  // namespace awa::server
