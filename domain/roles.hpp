// The platform roles this server knows, as a small bit set parsed from `sys_user.roles`.
#pragma once

#include <cstdint>
#include <string_view>

namespace awa::domain {

enum class Role : std::uint8_t {
  admin = 1 << 0,
  awa_manager = 1 << 1,
  awa_integration_user = 1 << 2,
  awa_agent = 1 << 3,
  awa_external_user = 1 << 4,
};

class Roles {
public:
  Roles() = default;
  // Comma-separated role names; unknown names and blanks are ignored.
  static Roles parse(std::string_view comma_separated);

  Roles& add(Role r) {
    bits_ |= static_cast<std::uint8_t>(r);
    return *this;
  }
  // admin holds every role, as on the platform.
  bool has(Role r) const {
    return (bits_ & (static_cast<std::uint8_t>(r) | static_cast<std::uint8_t>(Role::admin))) != 0;
  }
  // Without admin's implicit grant: for checks on agents, where admin is not an agent.
  bool has_exactly(Role r) const { return (bits_ & static_cast<std::uint8_t>(r)) != 0; }
  bool any() const { return bits_ != 0; }

private:
  std::uint8_t bits_ = 0;
};

}  // namespace awa::domain
