#include "domain/roles.hpp"

#include <array>
#include <utility>

#include "domain/field_value.hpp"

namespace awa::domain {
namespace {

constexpr std::array<std::pair<std::string_view, Role>, 5> kRoleNames{{
    {"admin", Role::admin},
    {"awa_manager", Role::awa_manager},
    {"awa_integration_user", Role::awa_integration_user},
    {"awa_agent", Role::awa_agent},
    {"awa_external_user", Role::awa_external_user},
}};

}  // namespace

Roles Roles::parse(std::string_view comma_separated) {
  Roles roles;
  while (!comma_separated.empty()) {
    const auto comma = comma_separated.find(',');
    const auto name = trim_blanks(comma_separated.substr(0, comma));
    for (const auto& [known, role] : kRoleNames) {
      if (name == known) roles.add(role);
    }
    if (comma == std::string_view::npos) break;
    comma_separated.remove_prefix(comma + 1);
  }
  return roles;
}

}  // namespace awa::domain
