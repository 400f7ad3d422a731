#include "persistence/record_codec.hpp"

#include <array>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <vector>

#include "domain/time_format.hpp"
#include "memory/varint.hpp"

namespace awa::persistence {
namespace {

// Format 1: each value as its text. Read, no longer written.
constexpr char kTextFormat = 1;
// Format 2: each value as a varint header, kind in the low three bits, and what the kind needs.
constexpr char kCompactFormat = 2;

enum Kind : std::uint64_t {
  kText = 0,       // n bytes of text follow
  kSysId = 1,      // 32 lower-case hex digits, as the 16 bytes that follow (n is 0)
  kTableTime = 2,  // yyyy-MM-dd HH:mm:ss, n seconds after 1970 began
  kOfferTime = 3,  // yyyy-MM-dd'T'HH:mm:ss.SSS, n milliseconds after 1970 began
  kWord = 4,       // kWords[n]
  kInteger = 5,    // n in decimal, no leading zero
  kRepeat = 6,     // the previous value again (n is 0)
};
constexpr int kKindBits = 3;
constexpr std::uint64_t kLastSecond = 253402300799;  // 9999-12-31 23:59:59, the last 4-digit year

// Values that recur in every record. Append only: a stored index must keep its word.
constexpr std::array<std::string_view, 12> kWords{
    "true",        "false", "pending_accept", "accepted",    "queued", "cancelled",
    "interaction", "task",  "open",           "transferred", "ended",  "blind"};

char* put_header(char* out, Kind kind, std::uint64_t n) {
  return memory::put_varint(out, n << kKindBits | kind);
}

// A hex digit's value; 16 for anything else, upper case included (it would come back lower).
constexpr std::array<std::uint8_t, 256> kHexValue = [] {
  std::array<std::uint8_t, 256> table{};
  table.fill(16);
  for (int c = '0'; c <= '9'; ++c) table[c] = static_cast<std::uint8_t>(c - '0');
  for (int c = 'a'; c <= 'f'; ++c) table[c] = static_cast<std::uint8_t>(c - 'a' + 10);
  return table;
}();

char* put_sys_id(char* out, std::string_view value) {
  std::uint8_t bytes[16];
  unsigned invalid = 0;
  for (std::size_t i = 0; i < 16; ++i) {
    const std::uint8_t high = kHexValue[static_cast<unsigned char>(value[2 * i])];
    const std::uint8_t low = kHexValue[static_cast<unsigned char>(value[2 * i + 1])];
    invalid |= (high | low) & 16u;
    bytes[i] = static_cast<std::uint8_t>(high << 4 | (low & 15));
  }
  if (invalid) return nullptr;
  out = put_header(out, kSysId, 0);
  std::memcpy(out, bytes, sizeof bytes);
  return out + sizeof bytes;
}

// A stamp goes as a number only when formatting that number gives the same text back: the
// parsers are strict and the formats fixed-width, so that holds from 1970 to 9999.
char* put_time(char* out, std::string_view value) {
  const bool table_form = value.size() == 19;
  const auto t = table_form ? domain::parse_table_time(value) : domain::parse_offer_time(value);
  if (!t || t->time_since_epoch().count() < 0) return nullptr;
  const auto ms = static_cast<std::uint64_t>(t->time_since_epoch().count());
  return table_form ? put_header(out, kTableTime, ms / 1000) : put_header(out, kOfferTime, ms);
}

char* put_word(char* out, std::string_view value) {
  for (std::size_t i = 0; i < kWords.size(); ++i) {
    if (kWords[i] == value) return put_header(out, kWord, i);
  }
  return nullptr;
}

// "0", or up to 18 digits not starting with 0 (so that printing the number gives it back).
char* put_integer(char* out, std::string_view value) {
  if (value.size() > 18 || (value[0] == '0' && value.size() > 1)) return nullptr;
  std::uint64_t n = 0;
  for (const char c : value) {
    if (c < '0' || c > '9') return nullptr;
    n = n * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return put_header(out, kInteger, n);
}

// Writes one value at `out`, at most memory::kMaxVarint + its size bytes; returns the end.
char* put_value(char* out, std::string_view value, std::string_view previous, bool first) {
  if (!first && value.size() > 1 && value == previous) return put_header(out, kRepeat, 0);
  if (value.empty()) return put_header(out, kText, 0);
  char* end = nullptr;
  switch (value.size()) {
    case 32:
      end = put_sys_id(out, value);
      break;
    case 19:
    case 23:
      end = put_time(out, value);
      break;
    default:
      end = value[0] >= '0' && value[0] <= '9' ? put_integer(out, value) : put_word(out, value);
  }
  if (end != nullptr) return end;
  out = put_header(out, kText, value.size());
  std::memcpy(out, value.data(), value.size());
  return out + value.size();
}

// Reads one compact item from `in` and appends its value to `text` as the text form has it (a
// varint length, then the bytes); `previous` is the previous value's bytes. Returns the value's
// length, or nothing if the item is malformed.
std::optional<std::size_t> append_compact_value(std::string_view& in, std::string& text,
                                                std::string_view previous) {
  const auto header = memory::get_varint(in);
  if (!header) return std::nullopt;
  const std::uint64_t n = *header >> kKindBits;
  const auto append = [&text](std::string_view value) {
    memory::put_varint(text, value.size());
    text.append(value);
    return value.size();
  };
  switch (*header & ((1u << kKindBits) - 1)) {
    case kText: {
      if (n > in.size()) return std::nullopt;
      const auto size = append(in.substr(0, n));
      in.remove_prefix(n);
      return size;
    }
    case kSysId: {
      if (n != 0 || in.size() < 16) return std::nullopt;
      static constexpr char kHex[] = "0123456789abcdef";
      char digits[32];
      for (std::size_t i = 0; i < 16; ++i) {
        const auto byte = static_cast<unsigned char>(in[i]);
        digits[2 * i] = kHex[byte >> 4];
        digits[2 * i + 1] = kHex[byte & 15];
      }
      in.remove_prefix(16);
      return append({digits, sizeof digits});
    }
    case kTableTime:
      if (n > kLastSecond) return std::nullopt;
      return append(domain::format_table_time(
          domain::TimePoint{std::chrono::seconds{static_cast<std::int64_t>(n)}}));
    case kOfferTime:
      if (n > kLastSecond * 1000 + 999) return std::nullopt;
      return append(domain::format_offer_time(
          domain::TimePoint{std::chrono::milliseconds{static_cast<std::int64_t>(n)}}));
    case kWord:
      if (n >= kWords.size()) return std::nullopt;
      return append(kWords[n]);
    case kInteger: {
      if (n >= 1'000'000'000'000'000'000u) return std::nullopt;  // more than 18 digits
      char digits[20];
      const auto end = std::to_chars(digits, digits + sizeof digits, n).ptr;
      return append({digits, static_cast<std::size_t>(end - digits)});
    }
    case kRepeat:
      if (n != 0 || previous.data() == nullptr) return std::nullopt;
      return append(std::string(previous));  // a copy: `previous` is in `text`, which may move
    default:
      return std::nullopt;
  }
}

// Writes into `text` the text form (format 1's body) of a compact body; false if malformed.
bool compact_to_text(std::string_view in, std::string& text) {
  text.clear();
  const auto count = memory::get_varint(in);
  if (!count || *count > in.size()) return false;  // each value takes a byte at least
  memory::put_varint(text, *count);
  std::optional<std::size_t> previous_size;  // the previous value ends `text`
  for (std::uint64_t i = 0; i < *count; ++i) {
    const std::string_view previous =
        previous_size ? std::string_view(text).substr(text.size() - *previous_size)
                      : std::string_view();
    previous_size = append_compact_value(in, text, previous);
    if (!previous_size) return false;
  }
  return in.empty();
}

}  // namespace

std::string encode_key(domain::Table table, const domain::SysId& id) {
  std::string key(17, '\0');
  key[0] = static_cast<char>(table);
  for (std::size_t i = 0; i < 16; ++i) key[i + 1] = static_cast<char>(id.bytes()[i]);
  return key;
}

std::string encode_value(const domain::Record& record) {
  thread_local std::vector<std::string_view> values;
  record.values.values(values);
  std::size_t bound = 1 + memory::kMaxVarint;
  for (const auto value : values) bound += memory::kMaxVarint + value.size();
  std::string out(bound, '\0');
  char* end = out.data();
  *end++ = kCompactFormat;
  end = memory::put_varint(end, values.size());
  std::string_view previous;
  for (std::size_t i = 0; i < values.size(); ++i) {
    end = put_value(end, values[i], previous, i == 0);
    previous = values[i];
  }
  out.resize(static_cast<std::size_t>(end - out.data()));
  return out;
}

std::optional<domain::Record> decode(std::string_view key, std::string_view value,
                                     const memory::ValueDictionary& dictionary) {
  if (key.size() != 17 || static_cast<unsigned char>(key[0]) >= domain::kTableCount) {
    return std::nullopt;
  }
  std::array<std::uint8_t, 16> bytes{};
  for (std::size_t i = 0; i < 16; ++i) bytes[i] = static_cast<std::uint8_t>(key[i + 1]);
  const auto table = static_cast<domain::Table>(key[0]);
  if (value.empty()) return std::nullopt;
  const char format = value.front();
  value.remove_prefix(1);
  std::optional<memory::PackedValues> values;
  if (format == kTextFormat) {
    values = memory::PackedValues::unpack(value, dictionary);
  } else if (format == kCompactFormat) {
    thread_local std::string text;  // reused: a restart decodes millions of records
    if (compact_to_text(value, text)) values = memory::PackedValues::unpack(text, dictionary);
    if (text.capacity() > std::size_t{16} * 1024)
      std::string().swap(text);  // after a large record, let go
  }
  if (!values) return std::nullopt;
  domain::Record record{table, domain::SysId::from_bytes(bytes), std::move(*values)};
  // A record written before a field was added reads with that field's default; one written by
  // a newer version with more fields keeps the fields this version knows.
  const auto& defaults = domain::default_values(table);
  if (record.values.size() != defaults.size()) {
    const auto stored = record.values.size();
    record.values.resize(defaults.size());
    for (auto i = stored; i < defaults.size(); ++i) record.values[i] = defaults[i];
  }
  return record;
}

}  // namespace awa::persistence
