// Records for the persistence tests to write and read back.
#pragma once

#include <string>

#include "domain/record.hpp"
#include "domain/sys_id.hpp"
#include "domain/table_schema.hpp"

namespace awa::testing {

// A queue with a fresh sys_id and the given name, its other fields at their defaults.
inline domain::Record queue_record(const std::string& name) {
  domain::Record r =
      domain::blank_record(domain::Table::awa_queue, domain::SysIdGenerator{}.next());
  r.values[domain::queue_field::name] = name;
  return r;
}

}  // namespace awa::testing
