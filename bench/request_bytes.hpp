// A request as the bytes that go on the wire, written into a string the connection reuses: the
// bench sends the same few shapes of request all run long, and formatting them by hand costs a
// fraction of Beast's serializer (a fields container, then a walk of it for each write).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace awa::bench {

struct RequestHead {
  std::string_view method;  // "POST", "PUT", "GET"
  std::string_view target;
  std::string_view authorization;
  std::string_view content_type;  // empty: none, and no body
};

// "Basic " and base64 of "user:password": the value of an Authorization header.
inline std::string basic_authorization(std::string_view user, std::string_view password) {
  static constexpr char kTable[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string in(user);
  in.append(":").append(password);
  std::string out = "Basic ";
  std::uint32_t bits = 0;
  int count = 0;
  for (const unsigned char c : in) {
    bits = (bits << 8) | c;
    count += 8;
    while (count >= 6) out += kTable[(bits >> (count -= 6)) & 63];
  }
  if (count > 0) out += kTable[(bits << (6 - count)) & 63];
  while ((out.size() - 6) % 4 != 0) out += '=';
  return out;
}

// HTTP/1.1, kept alive (the default), with Host and Content-Length.
inline void format_request(std::string& out, const RequestHead& head, std::string_view body) {
  out.clear();
  out.append(head.method).append(" ").append(head.target).append(" HTTP/1.1\r\nHost: bench\r\n");
  out.append("Authorization: ").append(head.authorization).append("\r\n");
  if (!head.content_type.empty()) {
    out.append("Content-Type: ").append(head.content_type).append("\r\n");
    out.append("Content-Length: ").append(std::to_string(body.size())).append("\r\n");
  }
  out.append("\r\n").append(body);
}

}  // namespace awa::bench
