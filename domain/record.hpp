// A record: one row of a table, its values aligned to the table's field list.
#pragma once

#include <string>
#include <vector>

#include "domain/sys_id.hpp"
#include "domain/table_schema.hpp"

namespace awa::domain {

struct Record {
  Table table{};
  SysId id;
  std::vector<std::string> values;

  const std::string& operator[](std::size_t field) const { return values[field]; }
  std::string& operator[](std::size_t field) { return values[field]; }
  bool is_true(std::size_t field) const { return values[field] == "true"; }
};

// A new record of `table` with every field at its default.
inline Record blank_record(Table table, SysId id) {
  Record r{table, id, {}};
  for (const auto& field : spec_of(table).fields) r.values.emplace_back(field.default_value);
  return r;
}

}  // namespace awa::domain
