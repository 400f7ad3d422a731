#include "domain/table_service.hpp"

#include <algorithm>
#include <limits>

#include "domain/field_value.hpp"

namespace awa::domain {
namespace {

Failure no_record() {
  return fail(errc::not_found, "No Record found");
}

Outcome<Table> resolve(std::string_view name) {
  if (const auto table = table_named(name)) return *table;
  return fail(errc::bad_request, "Invalid table " + std::string(name));
}

std::optional<Failure> check_read(const Caller& caller) {
  if (caller.roles.has(Role::awa_manager) || caller.roles.has(Role::awa_integration_user)) {
    return std::nullopt;
  }
  return fail(errc::forbidden, "User Not Authorized");
}

std::optional<Failure> check_write(const Caller& caller, Table table) {
  if (!caller.roles.has_exactly(Role::admin)) return fail(errc::forbidden, "User Not Authorized");
  if (!spec_of(table).writable) {
    return fail(errc::method_not_allowed,
                "Table " + std::string(spec_of(table).name) + " is read-only");
  }
  return std::nullopt;
}

Outcome<std::size_t> count_parameter(const std::optional<std::string>& text, std::string_view name,
                                     std::size_t default_value,
                                     std::size_t most = std::numeric_limits<std::size_t>::max()) {
  if (!text || text->empty()) return default_value;
  const auto value = parse_integer(*text);
  if (!value || *value < 0) {
    return fail(errc::bad_request, "Invalid value for " + std::string(name) + ": " + *text);
  }
  if (static_cast<std::size_t>(*value) > most) {
    return fail(errc::bad_request, "Invalid value for " + std::string(name) + ": " + *text +
                                       " (at most " + std::to_string(most) + ")");
  }
  return static_cast<std::size_t>(*value);
}

// A term of sysparm_query: the field (npos for sys_id) and the value it must equal.
struct Term {
  std::size_t field;
  std::string value;
};
constexpr std::size_t kSysIdField = static_cast<std::size_t>(-1);

Outcome<std::vector<Term>> parse_query(Table table, std::string_view query) {
  std::vector<Term> terms;
  while (!query.empty()) {
    const auto caret = query.find('^');
    const std::string_view term = query.substr(0, caret);
    query = caret == std::string_view::npos ? std::string_view{} : query.substr(caret + 1);
    if (term.empty()) continue;
    const auto equals = term.find('=');
    const std::string_view name = term.substr(0, equals);
    const bool plain_name = !name.empty() && name.find_first_of("!<>^ ") == std::string_view::npos;
    if (equals == std::string_view::npos || !plain_name) {
      return fail(errc::bad_request, "Unsupported sysparm_query term " + std::string(term) +
                                         ": only field=value terms are supported");
    }
    const std::string value(term.substr(equals + 1));
    if (name == "sys_id") {
      terms.push_back({kSysIdField, value});
      continue;
    }
    const auto field = field_index(table, name);
    if (!field || spec_of(table).fields[*field].kind == FieldKind::password) {
      return fail(errc::bad_request, "Invalid field " + std::string(name) + " in sysparm_query");
    }
    terms.push_back({*field, value});
  }
  return terms;
}

bool matches(const Record& record, const std::vector<Term>& terms) {
  return std::all_of(terms.begin(), terms.end(), [&](const Term& t) {
    return t.field == kSysIdField ? record.id.str() == t.value : record[t.field] == t.value;
  });
}

Failure invalid_value(const FieldSpec& field, std::string_view why) {
  return fail(errc::bad_request,
              "Invalid value for field " + std::string(field.name) + ": " + std::string(why));
}

// Checks and normalises one written value; empty optional means "ignore this field".
Outcome<std::optional<std::string>> normalise(const FieldSpec& field, const std::string& value) {
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
      return std::optional<std::string>{std::to_string(*n)};
    }
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

Outcome<std::vector<Record>> list_records(const Transaction& tx, const Caller& caller,
                                          const ListRequest& request) {
  auto table = resolve(request.table);
  if (!table) return table.failure();
  if (auto denied = check_read(caller)) return *denied;
  auto limit = count_parameter(request.limit, "sysparm_limit", kDefaultListLimit, kMaxListLimit);
  if (!limit) return limit.failure();
  auto offset = count_parameter(request.offset, "sysparm_offset", 0);
  if (!offset) return offset.failure();
  auto terms = parse_query(table.value(), request.query.value_or(""));
  if (!terms) return terms.failure();

  // The matches in sys_id order, so that paging is stable; only the requested page is sorted.
  std::vector<const Record*> matching;
  for (const Record& record : tx.state().rows(table.value())) {
    if (matches(record, terms.value())) matching.push_back(&record);
  }
  const std::size_t begin = std::min<std::size_t>(offset.value(), matching.size());
  const std::size_t end = std::min<std::size_t>(begin + limit.value(), matching.size());
  const auto by_id = [](const Record* a, const Record* b) { return a->id < b->id; };
  std::partial_sort(matching.begin(), matching.begin() + static_cast<std::ptrdiff_t>(end),
                    matching.end(), by_id);
  std::vector<Record> found;
  found.reserve(end - begin);
  for (std::size_t i = begin; i < end; ++i) found.push_back(*matching[i]);
  return found;
}

Outcome<Record> get_record(const Transaction& tx, const Caller& caller, std::string_view table_name,
                           std::string_view sys_id) {
  auto table = resolve(table_name);
  if (!table) return table.failure();
  if (auto denied = check_read(caller)) return *denied;
  const Record* record = tx.state().find(table.value(), sys_id);
  if (record == nullptr) return no_record();
  return *record;
}

Outcome<Record> create_record(Transaction& tx, SysIdGenerator& ids, const Caller& caller,
                              std::string_view table_name, const FieldValues& values) {
  auto table = resolve(table_name);
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
  Record record = blank_record(table.value(), id);
  if (auto refused = assign(tx, record, values)) return *refused;
  const bool document = table.value() == Table::interaction || table.value() == Table::task;
  if (document && record[document_field::number].empty()) {
    record[document_field::number] = tx.state().next_document_number(table.value());
  }
  tx.put(record);
  return *tx.state().find(table.value(), id);
}

Outcome<Record> update_record(Transaction& tx, const Caller& caller, std::string_view table_name,
                              std::string_view sys_id, const FieldValues& values) {
  auto table = resolve(table_name);
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
  auto table = resolve(table_name);
  if (!table) return table.failure();
  if (auto denied = check_write(caller, table.value())) return *denied;
  const Record* existing = tx.state().find(table.value(), sys_id);
  if (existing == nullptr) return no_record();
  tx.erase(table.value(), existing->id);
  return true;
}

}  // namespace awa::domain
