// The value of an HTTP Basic Authorization header, for tests.
#pragma once

#include <sodium.h>

#include <string>
#include <string_view>

namespace awa::testing {

inline std::string basic_header(std::string_view user_colon_password) {
  std::string out(
      sodium_base64_ENCODED_LEN(user_colon_password.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(),
                    reinterpret_cast<const unsigned char*>(user_colon_password.data()),
                    user_colon_password.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);  // the terminating NUL
  return "Basic " + out;
}

}  // namespace awa::testing
