#include "domain/sys_id.hpp"

#include <array>
#include <cstdint>
#include <random>

namespace awa::domain {
namespace {

// Each byte's value as a hex digit, or -1: one load a digit (ids are parsed on every lookup).
constexpr std::array<std::int8_t, 256> kHexValue = [] {
  std::array<std::int8_t, 256> table{};
  table.fill(-1);
  for (int d = 0; d < 10; ++d) table['0' + d] = static_cast<std::int8_t>(d);
  for (int d = 0; d < 6; ++d) {
    table['a' + d] = static_cast<std::int8_t>(10 + d);
    table['A' + d] = static_cast<std::int8_t>(10 + d);
  }
  return table;
}();

int hex_value(char c) {
  return kHexValue[static_cast<unsigned char>(c)];
}

// xoroshiro128+ : fast, and seeded from the OS so ids do not repeat across runs.
std::uint64_t rotl(std::uint64_t x, int k) {
  return (x << k) | (x >> (64 - k));
}

}  // namespace

std::optional<SysId> SysId::parse(std::string_view text) {
  if (text.size() != 32) return std::nullopt;
  SysId id;
  for (std::size_t i = 0; i < 16; ++i) {
    const int hi = hex_value(text[2 * i]);
    const int lo = hex_value(text[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    id.bytes_[i] = static_cast<std::uint8_t>(hi * 16 + lo);
  }
  return id;
}

SysId SysId::from_bytes(const std::array<std::uint8_t, 16>& bytes) {
  SysId id;
  id.bytes_ = bytes;
  return id;
}

std::string SysId::str() const {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out(32, '0');
  for (std::size_t i = 0; i < 16; ++i) {
    out[2 * i] = digits[bytes_[i] >> 4];
    out[2 * i + 1] = digits[bytes_[i] & 0xf];
  }
  return out;
}

SysIdGenerator::SysIdGenerator() {
  std::random_device device;
  state_[0] = (std::uint64_t{device()} << 32) | device();
  state_[1] = (std::uint64_t{device()} << 32) | device();
  if (state_[0] == 0 && state_[1] == 0) state_[1] = 1;
}

SysId SysIdGenerator::next() {
  std::array<std::uint8_t, 16> bytes{};
  for (int half = 0; half < 2; ++half) {
    const std::uint64_t s0 = state_[0];
    std::uint64_t s1 = state_[1];
    const std::uint64_t value = s0 + s1;
    s1 ^= s0;
    state_[0] = rotl(s0, 24) ^ s1 ^ (s1 << 16);
    state_[1] = rotl(s1, 37);
    for (int i = 0; i < 8; ++i) bytes[half * 8 + i] = static_cast<std::uint8_t>(value >> (8 * i));
  }
  return SysId::from_bytes(bytes);
}

}  // namespace awa::domain
