#include "persistence/event_codec.hpp"

#include "memory/varint.hpp"
#include "persistence/record_codec.hpp"

namespace awa::persistence {
namespace {

constexpr char kEventFormat = 1;

void put_text(std::string& out, std::string_view text) {
  memory::put_varint(out, text.size());
  out.append(text);
}

std::optional<std::string_view> get_text(std::string_view& in) {
  const auto size = memory::get_varint(in);
  if (!size || *size > in.size()) return std::nullopt;
  const std::string_view text = in.substr(0, *size);
  in.remove_prefix(*size);
  return text;
}

// Format, type, then the time: what decode_event_time() reads.
struct Head {
  domain::EventType type;
  domain::TimePoint time;
};

std::optional<Head> get_head(std::string_view& in) {
  if (in.size() < 2 || in[0] != kEventFormat) return std::nullopt;
  const auto type = static_cast<std::uint8_t>(in[1]);
  if (type == 0 || type >= domain::kEventTypeCount) return std::nullopt;
  in.remove_prefix(2);
  const auto millis = memory::get_varint(in);
  if (!millis) return std::nullopt;
  return Head{static_cast<domain::EventType>(type),
              domain::TimePoint{domain::Milliseconds{static_cast<std::int64_t>(*millis)}}};
}

}  // namespace

std::string encode_event_key(std::uint64_t seq) {
  std::string key(8, '\0');
  for (int i = 7; i >= 0; --i, seq >>= 8)
    key[static_cast<std::size_t>(i)] = static_cast<char>(seq & 0xff);
  return key;
}

std::optional<std::uint64_t> decode_event_key(std::string_view key) {
  if (key.size() != 8) return std::nullopt;
  std::uint64_t seq = 0;
  for (const char byte : key) seq = seq << 8 | static_cast<unsigned char>(byte);
  return seq;
}

std::string encode_event(const domain::RecordChange& change, std::string_view record_value) {
  const domain::Record& record = *change.after;
  const domain::EventFacts facts = domain::facts_of(change);
  std::string out;
  out.reserve(64 + facts.previous.size() + facts.agent.size() + record_value.size());
  out.push_back(kEventFormat);
  out.push_back(static_cast<char>(change.event));
  memory::put_varint(out, static_cast<std::uint64_t>(change.at.time_since_epoch().count()));
  put_text(out, facts.previous);
  put_text(out, facts.agent);
  put_text(out, encode_key(record.table, record.id));
  out.append(record_value);
  return out;
}

std::optional<domain::Event> decode_event(std::string_view key, std::string_view value) {
  const auto seq = decode_event_key(key);
  const auto head = get_head(value);
  if (!seq || !head) return std::nullopt;
  const auto previous = get_text(value);
  const auto agent = previous ? get_text(value) : std::nullopt;
  const auto record_key = agent ? get_text(value) : std::nullopt;
  if (!record_key) return std::nullopt;
  auto record = decode(*record_key, value);
  if (!record) return std::nullopt;
  return domain::Event{*seq,
                       head->type,
                       head->time,
                       std::move(*record),
                       std::string(*previous),
                       std::string(*agent)};
}

std::optional<domain::TimePoint> decode_event_time(std::string_view value) {
  const auto head = get_head(value);
  if (!head) return std::nullopt;
  return head->time;
}

}  // namespace awa::persistence
