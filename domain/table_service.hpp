// The Table API subset of contract section 6: get, create, update and delete records (lists are
// TableScan's),
// with the platform's checks on roles, tables, fields and values.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "domain/caller.hpp"
#include "domain/errc.hpp"
#include "domain/transaction.hpp"

namespace awa::domain {

// Field name -> value as the caller sent it; unknown names are ignored, as on the platform.
using FieldValues = std::vector<std::pair<std::string, std::string>>;

// The table named `name`, or why there is none; whether `caller` may read tables.
Outcome<Table> resolve_table(std::string_view name);
std::optional<Failure> check_table_read(const Caller& caller, Table table);
Outcome<Record> get_record(const Transaction& tx, const Caller& caller, std::string_view table,
                           std::string_view sys_id);
// `values` holds password fields already hashed (hashing is slow: done before the lock). A
// webhook delivers the events after `newest_event`, the newest when it was made.
Outcome<Record> create_record(Transaction& tx, SysIdGenerator& ids, const Caller& caller,
                              std::string_view table, const FieldValues& values,
                              std::uint64_t newest_event = 0);
Outcome<Record> update_record(Transaction& tx, const Caller& caller, std::string_view table,
                              std::string_view sys_id, const FieldValues& values);
Outcome<bool> delete_record(Transaction& tx, const Caller& caller, std::string_view table,
                            std::string_view sys_id);

// The table's writable fields whose values must be hashed before create/update.
bool is_password_field(Table table, std::string_view field);
// The checks of values as written, before a password among them is hashed: text without control
// characters (tab, CR and LF aside) and within the field's length, no forbidden character, no
// empty password. Unknown tables and fields are left to create/update.
std::optional<Failure> check_written_values(std::string_view table, const FieldValues& values);

}  // namespace awa::domain
