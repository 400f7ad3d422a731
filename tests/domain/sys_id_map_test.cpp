// The sys_id maps behind the state's indexes: growing past the size at which their arrays move to
// huge pages (memory::HugePageAllocator), they keep every entry.
#include "domain/sys_id_map.hpp"

#include <boost/test/unit_test.hpp>

#include <vector>

using namespace awa::domain;

BOOST_AUTO_TEST_SUITE(sys_id_map)

BOOST_AUTO_TEST_CASE(a_map_growing_past_the_threshold_keeps_every_entry) {
  SysIdMap<std::uint32_t> map;
  constexpr std::uint32_t kCount = 200'000;  // slots of 20+ bytes: several MiB
  SysIdGenerator ids;
  std::vector<SysId> keys;
  for (std::uint32_t i = 0; i < kCount; ++i) {
    keys.push_back(ids.next());
    map.try_emplace(keys.back(), i);
  }
  BOOST_TEST(map.size() == kCount);
  bool all_found = true;
  for (std::uint32_t i = 0; i < kCount; ++i) {
    const auto* entry = map.find(keys[i]);
    all_found = all_found && entry && entry->second == i;
  }
  BOOST_TEST(all_found);
}

BOOST_AUTO_TEST_SUITE_END()
