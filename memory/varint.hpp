// Unsigned LEB128 varints: seven bits a byte, low bits first, the high bit set on every byte but
// the last. The packed values of records in memory and the records stored in RocksDB use them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace awa::memory {

inline constexpr std::size_t kMaxVarint = 10;  // bytes a 64-bit value can take

// Appends `v`. Inlined, with a branch for the one-byte case: every value of every record a change
// writes takes one.
[[gnu::always_inline]] inline void put_varint(std::string& out, std::uint64_t v) {
  if (v < 0x80) {
    out.push_back(static_cast<char>(v));
    return;
  }
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

// Writes `v` at `out`, which has room for kMaxVarint bytes; returns the end.
[[gnu::always_inline]] inline char* put_varint(char* out, std::uint64_t v) {
  while (v >= 0x80) {
    *out++ = static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  *out++ = static_cast<char>(v);
  return out;
}

// Reads one from the front of `in`; nothing if `in` ends inside it or it runs past 64 bits.
inline std::optional<std::uint64_t> get_varint(std::string_view& in) {
  std::uint64_t v = 0;
  for (int shift = 0; shift < 64 && !in.empty(); shift += 7) {
    const auto byte = static_cast<unsigned char>(in.front());
    in.remove_prefix(1);
    v |= std::uint64_t{byte & 0x7fu} << shift;
    if ((byte & 0x80) == 0) return v;
  }
  return std::nullopt;
}

}  // namespace awa::memory
