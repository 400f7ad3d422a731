#include "persistence/record_codec.hpp"

namespace awa::persistence {
namespace {

constexpr char kFormat = 1;

}  // namespace

std::string encode_key(domain::Table table, const domain::SysId& id) {
  std::string key(17, '\0');
  key[0] = static_cast<char>(table);
  for (std::size_t i = 0; i < 16; ++i) key[i + 1] = static_cast<char>(id.bytes()[i]);
  return key;
}

std::string encode_value(const domain::Record& record) {
  std::string out = record.values.serialize();
  out.insert(out.begin(), kFormat);
  return out;
}

std::optional<domain::Record> decode(std::string_view key, std::string_view value) {
  if (key.size() != 17 || static_cast<unsigned char>(key[0]) >= domain::kTableCount) {
    return std::nullopt;
  }
  std::array<std::uint8_t, 16> bytes{};
  for (std::size_t i = 0; i < 16; ++i) bytes[i] = static_cast<std::uint8_t>(key[i + 1]);
  const auto table = static_cast<domain::Table>(key[0]);
  if (value.empty() || value.front() != kFormat) return std::nullopt;
  value.remove_prefix(1);
  auto values = domain::PackedValues::unpack(value);
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
