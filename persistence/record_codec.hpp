// How a record is laid out in RocksDB. Key: one byte of table, then the 16 bytes of sys_id.
// Value: a format byte, the field count, then each field. Format 2, written now: each field a
// varint header whose low three bits give its kind (text, a sys_id as 16 bytes, a stamp or a
// whole number as the number, one of a fixed list of words, the previous value again), exactly
// the text it stood for when read back: a change takes about half the bytes it did as text, so
// RocksDB flushes (and syncs) half as often (docs/decisions/0005). Format 1, read still: each
// field as varint length + bytes.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "domain/record.hpp"

namespace awa::persistence {

std::string encode_key(domain::Table table, const domain::SysId& id);
std::string encode_value(const domain::Record& record);
// Empty when the bytes are not a record of this format. Its values are coded against
// `dictionary`.
std::optional<domain::Record> decode(
    std::string_view key, std::string_view value,
    const memory::ValueDictionary& dictionary = memory::ValueDictionary::fixed());

}  // namespace awa::persistence
