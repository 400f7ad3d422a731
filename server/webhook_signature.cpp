#include "server/webhook_signature.hpp"

#include <sodium.h>

#include <array>

namespace awa::server {
namespace {

constexpr std::string_view kPrefix = "whsec_";
constexpr int kBase64 = sodium_base64_VARIANT_ORIGINAL;

std::string base64(const unsigned char* bytes, std::size_t size) {
  std::string out(sodium_base64_ENCODED_LEN(size, kBase64), '\0');
  sodium_bin2base64(out.data(), out.size(), bytes, size, kBase64);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

}  // namespace

std::string new_webhook_secret() {
  std::array<unsigned char, 24> key{};
  randombytes_buf(key.data(), key.size());
  return std::string(kPrefix) + base64(key.data(), key.size());
}

std::optional<std::vector<unsigned char>> webhook_key(std::string_view secret) {
  if (secret.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  const auto text = secret.substr(kPrefix.size());
  std::vector<unsigned char> key(text.size());
  std::size_t size = 0;
  if (sodium_base642bin(key.data(), key.size(), text.data(), text.size(), nullptr, &size, nullptr,
                        kBase64) != 0 ||
      size == 0) {
    return std::nullopt;
  }
  key.resize(size);
  return key;
}

std::string webhook_signature(const std::vector<unsigned char>& key, std::string_view id,
                              std::int64_t timestamp, std::string_view body) {
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, key.data(), key.size());
  const std::string head = std::string(id) + "." + std::to_string(timestamp) + ".";
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(head.data()),
                                head.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(body.data()),
                                body.size());
  std::array<unsigned char, crypto_auth_hmacsha256_BYTES> mac{};
  crypto_auth_hmacsha256_final(&state, mac.data());
  return "v1," + base64(mac.data(), mac.size());
}

}  // namespace awa::server
