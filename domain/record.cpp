#include "domain/record.hpp"

#include <array>

namespace awa::domain {

const memory::PackedValues& default_values(Table table) {
  static const auto defaults = [] {
    std::array<memory::PackedValues, kTableCount> all;
    for (std::size_t t = 0; t < kTableCount; ++t) {
      for (const auto& field : spec_of(static_cast<Table>(t)).fields) {
        all[t].push_back(field.default_value);
      }
    }
    return all;
  }();
  return defaults[static_cast<std::size_t>(table)];
}

}  // namespace awa::domain
