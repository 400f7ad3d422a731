#include "persistence/record_codec.hpp"

namespace awa::persistence {
namespace {

constexpr char kFormat = 1;

void put_varint(std::string& out, std::uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

std::optional<std::uint64_t> get_varint(std::string_view& in) {
  std::uint64_t v = 0;
  for (int shift = 0; shift < 64 && !in.empty(); shift += 7) {
    const auto byte = static_cast<unsigned char>(in.front());
    in.remove_prefix(1);
    v |= std::uint64_t{byte & 0x7fu} << shift;
    if ((byte & 0x80) == 0) return v;
  }
  return std::nullopt;
}

}  // namespace

std::string encode_key(domain::Table table, const domain::SysId& id) {
  std::string key(17, '\0');
  key[0] = static_cast<char>(table);
  for (std::size_t i = 0; i < 16; ++i) key[i + 1] = static_cast<char>(id.bytes()[i]);
  return key;
}

std::string encode_value(const domain::Record& record) {
  std::string out;
  out.push_back(kFormat);
  put_varint(out, record.values.size());
  for (const auto& v : record.values) {
    put_varint(out, v.size());
    out.append(v);
  }
  return out;
}

std::optional<domain::Record> decode(std::string_view key, std::string_view value) {
  if (key.size() != 17 || static_cast<unsigned char>(key[0]) >= domain::kTableCount) {
    return std::nullopt;
  }
  std::array<std::uint8_t, 16> bytes{};
  for (std::size_t i = 0; i < 16; ++i) bytes[i] = static_cast<std::uint8_t>(key[i + 1]);
  const auto table = static_cast<domain::Table>(key[0]);
  // Start from defaults, so a record written before a field was added reads with its default.
  domain::Record record = domain::blank_record(table, domain::SysId::from_bytes(bytes));

  if (value.empty() || value.front() != kFormat) return std::nullopt;
  value.remove_prefix(1);
  const auto count = get_varint(value);
  if (!count) return std::nullopt;
  for (std::uint64_t i = 0; i < *count; ++i) {
    const auto length = get_varint(value);
    if (!length || *length > value.size()) return std::nullopt;
    if (i < record.values.size()) record.values[i].assign(value.substr(0, *length));
    value.remove_prefix(*length);
  }
  if (!value.empty()) return std::nullopt;
  return record;
}

}  // namespace awa::persistence
