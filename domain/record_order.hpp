// A table's records grouped by the leading bits of their sys_id: the ranges come in sys_id order,
// so a scan can walk them in order, a few ranges at a time, letting go of the instance lock
// between steps. Pointers to the records, 8 bytes each; a range is sorted only when it is read.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <vector>

#include "domain/record.hpp"

namespace awa::domain {

class RecordOrder {
public:
  // Ranges of sys_ids, each holding the ids that start with the same 12 bits. Ids are random,
  // so a million records make ranges of about 250.
  static constexpr std::size_t kRanges = 4096;
  static std::size_t range_of(const SysId& id) {
    return (std::size_t{id.bytes()[0]} << 4) | (id.bytes()[1] >> 4);
  }

  void add(const Record* record) { ranges_[range_of(record->id)].push_back(record); }
  void remove(const Record* record) {
    auto& range = ranges_[range_of(record->id)];
    const auto it = std::find(range.begin(), range.end(), record);
    if (it == range.end()) return;
    *it = range.back();
    range.pop_back();
  }
  // The records of range `r`, in no particular order.
  const std::vector<const Record*>& range(std::size_t r) const { return ranges_[r]; }

private:
  std::array<std::vector<const Record*>, kRanges> ranges_;
};

}  // namespace awa::domain
