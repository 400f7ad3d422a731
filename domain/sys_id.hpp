// SysId: the platform's 32-hex-digit record identifier, held as 16 bytes.
#pragma once

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

namespace awa::domain {

class SysId {
public:
  SysId() = default;

  // Accepts exactly 32 hex digits (either case); anything else is not a sys_id.
  static std::optional<SysId> parse(std::string_view text);
  static SysId from_bytes(const std::array<std::uint8_t, 16>& bytes);

  std::string str() const;  // 32 lowercase hex digits
  const std::array<std::uint8_t, 16>& bytes() const { return bytes_; }
  bool empty() const { return *this == SysId{}; }

  // Two 8-byte loads, where the defaulted comparison of the array called memcmp: ids are
  // compared on every hash-table probe, on the hot path.
  friend bool operator==(const SysId& a, const SysId& b) {
    return ((a.native_word(0) ^ b.native_word(0)) | (a.native_word(1) ^ b.native_word(1))) == 0;
  }
  // Byte order (the order RocksDB keeps records in), compared as two big-endian words rather
  // than through memcmp: ordered maps of records compare ids on every step.
  friend std::strong_ordering operator<=>(const SysId& a, const SysId& b) {
    if (const auto c = a.word(0) <=> b.word(0); std::is_neq(c)) return c;
    return a.word(1) <=> b.word(1);
  }

private:
  std::uint64_t native_word(int half) const {
    std::uint64_t w;
    std::memcpy(&w, bytes_.data() + static_cast<std::size_t>(half) * 8, sizeof w);
    return w;
  }
  std::uint64_t word(int half) const {
    std::uint64_t w = 0;
    for (int i = 0; i < 8; ++i) w = (w << 8) | bytes_[half * 8 + i];
    return w;
  }

  std::array<std::uint8_t, 16> bytes_{};
};

inline std::ostream& operator<<(std::ostream& out, const SysId& id) {
  return out << id.str();
}

// Generates random sys_ids; not thread-safe (callers hold the instance lock).
class SysIdGenerator {
public:
  SysIdGenerator();
  SysId next();

private:
  std::uint64_t state_[2] = {};
};

}  // namespace awa::domain

template <>
struct std::hash<awa::domain::SysId> {
  std::size_t operator()(const awa::domain::SysId& id) const noexcept {
    // The bytes are random already; fold them rather than hashing again.
    std::uint64_t a = 0;
    std::uint64_t b = 0;
    for (int i = 0; i < 8; ++i) {
      a = (a << 8) | id.bytes()[i];
      b = (b << 8) | id.bytes()[i + 8];
    }
    return static_cast<std::size_t>(a ^ (b * 0x9e3779b97f4a7c15ULL));
  }
};
