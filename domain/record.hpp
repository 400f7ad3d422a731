// A record: one row of a table, its values aligned to the table's field list.
#pragma once

#include "domain/sys_id.hpp"
#include "domain/table_schema.hpp"
#include "memory/packed_values.hpp"

namespace awa::domain {

struct Record {
  Table table{};
  SysId id;
  memory::PackedValues values;

  std::string_view operator[](std::size_t field) const { return values[field]; }
  memory::PackedValues::Ref operator[](std::size_t field) { return values[field]; }
  bool is_true(std::size_t field) const { return values[field] == "true"; }
};

// Every field of `table` at its default (computed once per table).
const memory::PackedValues& default_values(Table table);

// A new record of `table` with every field at its default, coded against `dictionary` (rules
// take State::blank, which keeps one per table ready).
inline Record blank_record(
    Table table, SysId id,
    const memory::ValueDictionary& dictionary = memory::ValueDictionary::fixed()) {
  Record r{table, id, default_values(table)};
  r.values.recode(dictionary);
  return r;
}

}  // namespace awa::domain
