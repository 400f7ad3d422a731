#include "domain/table_service.hpp"

#include <algorithm>
#include <cctype>
#include <limits>

#include "domain/event_type.hpp"
#include "domain/field_value.hpp"

namespace awa::domain {
namespace {

Failure no_record() {
  return fail(errc::not_found, "No Record found");
}

std::optional<Failure> check_write(const Caller& caller, Table table) {
  if (!caller.roles.has_exactly(Role::admin)) return fail(errc::forbidden, "User Not Authorized");
  if (!spec_of(table).writable) {
    return fail(errc::method_not_allowed,
                "Table " + std::string(spec_of(table).name) + " is read-only");
  }
  return std::nullopt;
}

Failure invalid_value(const FieldSpec& field, std::string_view why) {
  return fail(errc::bad_request,
              "Invalid value for field " + std::string(field.name) + ": " + std::string(why));
}

// "http://host..." or "https://host...": the scheme, then a host.
bool is_web_url(std::string_view url) {
  const auto lower = [](std::string_view text) {
    std::string out(text);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
  };
  for (const std::string_view scheme : {"http://", "https://"}) {
    if (url.size() > scheme.size() && lower(url.substr(0, scheme.size())) == scheme) {
      const auto host = url.substr(scheme.size());
      return host.front() != '/' && host.front() != ':' && host.front() != '?' &&
             host.find_first_of(" \t") == std::string_view::npos;
    }
  }
  return false;
}

// "whsec_" and the base64 of 24 to 64 bytes, as Standard Webhooks' secrets are.
bool is_webhook_secret(std::string_view secret) {
  constexpr std::string_view prefix = "whsec_";
  if (secret.substr(0, prefix.size()) != prefix) return false;
  const auto key = secret.substr(prefix.size());
  if (key.size() < 32 || key.size() > 88 || key.size() % 4 != 0) return false;
  const auto padding = key.find('=');
  if (padding != std::string_view::npos && padding < key.size() - 2) return false;
  return std::all_of(key.begin(),
                     key.begin() + static_cast<std::ptrdiff_t>(std::min(padding, key.size())),
                     [](char c) {
                       return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/';
                     }) &&
         std::all_of(key.begin() + static_cast<std::ptrdiff_t>(std::min(padding, key.size())),
                     key.end(), [](char c) { return c == '='; });
}

// "a, b" -> "a,b", each a known event type; empty stays empty (every type).
Outcome<std::string> event_type_list(const FieldSpec& field, std::string_view list) {
  std::string out;
  while (!trim_blanks(list).empty()) {
    const auto comma = list.find(',');
    const auto name = trim_blanks(list.substr(0, comma));
    if (!event_type_named(name)) {
      return invalid_value(field, "unknown event type " + std::string(name) +
                                      " (for example awa.work_item.offered)");
    }
    if (!out.empty()) out += ',';
    out += name;
    list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
  }
  return out;
}

// Checks and normalises one written value; empty optional means "ignore this field".
Outcome<std::optional<std::string>> normalise(const FieldSpec& field, const std::string& value) {
  if (field.read_only) return std::optional<std::string>{};  // set by the server
  switch (field.kind) {
    case FieldKind::timestamp:
      return std::optional<std::string>{};  // set by the server
    case FieldKind::boolean: {
      const auto b = parse_bool(value);
      if (!b) break;
      return std::optional<std::string>{std::string(bool_text(*b))};
    }
    case FieldKind::integer: {
      const auto n = parse_integer(value);
      if (!n) break;
      if (*n < field.min_value || *n > field.max_value) {
        return invalid_value(field, "a whole number from " + std::to_string(field.min_value) +
                                        " to " + std::to_string(field.max_value));
      }
      return std::optional<std::string>{std::to_string(*n)};
    }
    case FieldKind::url:
      if (!is_web_url(value)) return invalid_value(field, "an http:// or https:// URL");
      return std::optional<std::string>{value};
    case FieldKind::event_types: {
      auto list = event_type_list(field, value);
      if (!list) return list.failure();
      return std::optional<std::string>{std::move(list.value())};
    }
    case FieldKind::secret:
      if (!is_webhook_secret(value)) {
        return invalid_value(field, "whsec_ followed by the base64 of 24 to 64 random bytes");
      }
      return std::optional<std::string>{value};
    case FieldKind::reference: {
      if (value.empty()) return std::optional<std::string>{std::string{}};
      const auto id = SysId::parse(value);
      if (!id) break;
      return std::optional<std::string>{id->str()};
    }
    case FieldKind::password:  // given already hashed (Instance::hash_passwords)
    case FieldKind::text:
      return std::optional<std::string>{value};
  }
  return fail(errc::bad_request,
              "Invalid value for field " + std::string(field.name) + ": " + value);
}

// Applies `values` to `record`, checking each value and the unique fields.
std::optional<Failure> assign(const Transaction& tx, Record& record, const FieldValues& values) {
  const auto& spec = spec_of(record.table);
  for (const auto& [name, value] : values) {
    const auto index = field_index(record.table, name);
    if (!index) continue;
    auto normalised = normalise(spec.fields[*index], value);
    if (!normalised) return normalised.failure();
    if (normalised.value()) record[*index] = std::move(*normalised.value());
  }
  for (std::size_t f = 0; f < spec.fields.size(); ++f) {
    if (!spec.fields[f].unique || record[f].empty()) continue;
    const Record* holder = tx.state().find_unique(record.table, f, record[f]);
    if (holder != nullptr && holder->id != record.id) {
      return fail(errc::conflict, "Duplicate value for unique field " +
                                      std::string(spec.fields[f].name) + ": " + record[f].str());
    }
  }
  if (!spec.required_field.empty()) {
    const auto required = *field_index(record.table, spec.required_field);
    if (record[required].empty()) {
      return fail(errc::bad_request, "Missing required field: " + std::string(spec.required_field));
    }
  }
  return std::nullopt;
}

}  // namespace

Outcome<Table> resolve_table(std::string_view name) {
  if (const auto table = table_named(name)) return *table;
  return fail(errc::bad_request, "Invalid table " + std::string(name));
}

std::optional<Failure> check_table_read(const Caller& caller, Table table) {
  if (spec_of(table).admin_only) {
    if (caller.roles.has(Role::admin)) return std::nullopt;
    return fail(errc::forbidden, "User Not Authorized");
  }
  if (caller.roles.has(Role::awa_manager) || caller.roles.has(Role::awa_integration_user)) {
    return std::nullopt;
  }
  return fail(errc::forbidden, "User Not Authorized");
}

std::optional<Failure> check_written_values(std::string_view table_name,
                                            const FieldValues& values) {
  const auto table = table_named(table_name);
  if (!table) return std::nullopt;
  const auto& spec = spec_of(*table);
  for (const auto& [name, value] : values) {
    const auto index = field_index(*table, name);
    if (!index) continue;
    const FieldSpec& field = spec.fields[*index];
    if (field.kind == FieldKind::timestamp) continue;  // set by the server, whatever is sent
    if (const auto at = value.find_first_of(field.forbidden); at != std::string::npos) {
      return invalid_value(field, "it may not hold '" + value.substr(at, 1) + "' (" +
                                      std::string(field.forbidden_because) + ")");
    }
    if (has_control_character(value)) {
      return invalid_value(field, "control characters are not allowed");
    }
    if (value.size() > field.max_length) {
      return invalid_value(field,
                           "longer than " + std::to_string(field.max_length) + " characters");
    }
    // A user may have no password (and then never signs in), but an empty one is never set.
    if (field.kind == FieldKind::password && value.empty()) {
      return invalid_value(field, "a password may not be empty");
    }
  }
  return std::nullopt;
}

bool is_password_field(Table table, std::string_view field) {
  const auto index = field_index(table, field);
  return index && spec_of(table).fields[*index].kind == FieldKind::password;
}

Outcome<Record> get_record(const Transaction& tx, const Caller& caller, std::string_view table_name,
                           std::string_view sys_id) {
  auto table = resolve_table(table_name);
  if (!table) return table.failure();
  if (auto denied = check_table_read(caller, table.value())) return *denied;
  const Record* record = tx.state().find(table.value(), sys_id);
  if (record == nullptr) return no_record();
  return *record;
}

Outcome<Record> create_record(Transaction& tx, SysIdGenerator& ids, const Caller& caller,
                              std::string_view table_name, const FieldValues& values,
                              std::uint64_t newest_event) {
  auto table = resolve_table(table_name);
  if (!table) return table.failure();
  if (auto denied = check_write(caller, table.value())) return *denied;

  SysId id = ids.next();
  for (const auto& [name, value] : values) {
    if (name != "sys_id" || value.empty()) continue;
    const auto given = SysId::parse(value);
    if (!given) return fail(errc::bad_request, "Invalid value for field sys_id: " + value);
    if (tx.state().find(table.value(), *given) != nullptr) {
      return fail(errc::conflict, "Record with sys_id " + given->str() + " already exists");
    }
    id = *given;
  }
  Record record = tx.state().blank(table.value(), id);
  if (auto refused = assign(tx, record, values)) return *refused;
  const bool document = table.value() == Table::interaction || table.value() == Table::task;
  if (document && record[document_field::number].empty()) {
    record[document_field::number] = tx.state().next_document_number(table.value());
  }
  if (table.value() == Table::awa_webhook) {
    record[webhook_field::delivered_seq] = std::to_string(newest_event);
  }
  tx.put(record);
  return *tx.state().find(table.value(), id);
}

Outcome<Record> update_record(Transaction& tx, const Caller& caller, std::string_view table_name,
                              std::string_view sys_id, const FieldValues& values) {
  auto table = resolve_table(table_name);
  if (!table) return table.failure();
  if (auto denied = check_write(caller, table.value())) return *denied;
  const Record* existing = tx.state().find(table.value(), sys_id);
  if (existing == nullptr) return no_record();
  Record record = *existing;
  if (auto refused = assign(tx, record, values)) return *refused;
  const SysId id = record.id;
  tx.put(std::move(record));
  return *tx.state().find(table.value(), id);
}

Outcome<bool> delete_record(Transaction& tx, const Caller& caller, std::string_view table_name,
                            std::string_view sys_id) {
  auto table = resolve_table(table_name);
  if (!table) return table.failure();
  if (auto denied = check_write(caller, table.value())) return *denied;
  const Record* existing = tx.state().find(table.value(), sys_id);
  if (existing == nullptr) return no_record();
  tx.erase(table.value(), existing->id);
  return true;
}

}  // namespace awa::domain
