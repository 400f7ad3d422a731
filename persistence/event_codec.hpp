// How an event is stored: its number as the key (8 bytes, big-endian, so keys sort by number),
// and as the value its type, time, previous state and agent, then its record as the record codec
// writes it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "domain/event.hpp"

namespace awa::persistence {

std::string encode_event_key(std::uint64_t seq);
std::optional<std::uint64_t> decode_event_key(std::string_view key);
// The event `change` makes (domain::makes_event), numbered by its key; `record_value` is
// encode_value(*change.after), which the write has made already.
std::string encode_event(const domain::RecordChange& change, std::string_view record_value);
// Empty when the bytes are not an event of this format. Its record is coded against
// ValueDictionary::fixed().
std::optional<domain::Event> decode_event(std::string_view key, std::string_view value);
// The event's time alone (retention reads only that).
std::optional<domain::TimePoint> decode_event_time(std::string_view value);

}  // namespace awa::persistence
