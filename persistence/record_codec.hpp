// How a record is laid out in RocksDB. Key: one byte of table, then the 16 bytes of sys_id.
// Value: a format byte, the field count, then each field as varint length + bytes.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "domain/record.hpp"

namespace awa::persistence {

std::string encode_key(domain::Table table, const domain::SysId& id);
std::string encode_value(const domain::Record& record);
// Empty when the bytes are not a record of this format.
std::optional<domain::Record> decode(std::string_view key, std::string_view value);

}  // namespace awa::persistence
