// Standard Webhooks' signing (standardwebhooks.com): a secret is "whsec_" and the base64 of its
// key; a delivery carries `webhook-signature: v1,<base64 of HMAC-SHA256 over
// "{webhook-id}.{webhook-timestamp}.{body}">`. With libsodium.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace awa::server {

// A new secret: "whsec_" and the base64 of 24 random bytes.
std::string new_webhook_secret();
// The key a secret stands for; empty when it is not one.
std::optional<std::vector<unsigned char>> webhook_key(std::string_view secret);
// "v1," and the signature of a delivery.
std::string webhook_signature(const std::vector<unsigned char>& key, std::string_view id,
                              std::int64_t timestamp, std::string_view body);

}  // namespace awa::server
