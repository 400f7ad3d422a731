#include "server/sodium_password_hasher.hpp"

#include <sodium.h>

#include <stdexcept>
#include <string>

namespace awa::server {
namespace {

// Argon2id at 7 MiB and 5 passes, one of OWASP's equivalent settings (with 19 MiB and 2, 12
// and 3, 9 and 4): the same work, in the least memory, which each concurrent hash holds while
// it runs. Hashes made with other settings still verify: they carry their own.
constexpr unsigned long long kOpsLimit = 5;
constexpr std::size_t kMemLimit = 7u << 20;

}  // namespace

SodiumPasswordHasher::SodiumPasswordHasher() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
}

std::string SodiumPasswordHasher::hash(std::string_view password) const {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), kOpsLimit, kMemLimit) != 0) {
    throw std::runtime_error("out of memory while hashing a password");
  }
  return out;
}

bool SodiumPasswordHasher::verify(std::string_view stored_hash, std::string_view password) const {
  // libsodium wants a NUL-terminated hash of bounded length.
  if (stored_hash.empty() || stored_hash.size() >= crypto_pwhash_STRBYTES) return false;
  const std::string terminated(stored_hash);
  return crypto_pwhash_str_verify(terminated.c_str(), password.data(), password.size()) == 0;
}

std::string random_password(std::size_t length) {
  static constexpr char alphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::string out;
  for (std::size_t i = 0; i < length; ++i) {
    out += alphabet[randombytes_uniform(sizeof alphabet - 1)];
  }
  return out;
}

}  // namespace awa::server
