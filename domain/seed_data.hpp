// What a new data directory starts with: the out-of-box presence states and the admin user,
// and with --demo the records of the vendor's own example and a few more to try things with.
#pragma once

#include <string_view>

#include "domain/durable_log.hpp"
#include "domain/transaction.hpp"

namespace awa::domain {

// Demo users' password, printed in the README; for trying things out only.
inline constexpr std::string_view kDemoPassword = "demo";
inline constexpr std::string_view kAdminUserName = "admin";

void seed_presence_states(Transaction& tx);
void seed_admin(Transaction& tx, SysIdGenerator& ids, const std::string& password_hash);
void seed_demo(Transaction& tx, SysIdGenerator& ids, const PasswordHasher& hasher);

}  // namespace awa::domain
