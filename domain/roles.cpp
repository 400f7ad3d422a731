#include "domain/roles.hpp"

#include <array>
#include <utility>

namespace awa::domain {
namespace {

constexpr std::array<std::pair<std::string_view, Role>, 5> kRoleNames{{
    {"admin", Role::admin},
    {"awa_manager", Role::awa_manager},
    {"awa_integration_user", Role::awa_integration_user},
    {"awa_agent", Role::awa_agent},
    {"awa_external_user", Role::awa_external_user},
}};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

Roles Roles::parse(std::string_view comma_separated) {
  Roles roles;
  while (!comma_separated.empty()) {
    const auto comma = comma_separated.find(',');
    const auto name = trim(comma_separated.substr(0, comma));
    for (const auto& [known, role] : kRoleNames) {
      if (name == known) roles.add(role);
    }
    if (comma == std::string_view::npos) break;
    comma_separated.remove_prefix(comma + 1);
  }
  return roles;
}

}  // namespace awa::domain
