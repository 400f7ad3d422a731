// The allocator behind the state's growing arrays: large arrays land on huge-page boundaries and
// hold what is written to them; small ones come from the heap; a map growing through the
// threshold keeps every entry.
#include "domain/huge_page_allocator.hpp"

#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <numeric>
#include <vector>

#include "domain/sys_id_map.hpp"

using namespace awa::domain;

BOOST_AUTO_TEST_SUITE(huge_page_allocator)

BOOST_AUTO_TEST_CASE(a_large_array_is_aligned_to_a_huge_page_and_holds_its_contents) {
  HugePageAllocator<std::uint64_t> allocator;
  const std::size_t count = 3 * (huge_pages::kSize / sizeof(std::uint64_t)) + 5;  // not whole pages
  std::uint64_t* array = allocator.allocate(count);
  BOOST_TEST(reinterpret_cast<std::uintptr_t>(array) % huge_pages::kSize == 0u);
  std::iota(array, array + count, std::uint64_t{7});
  BOOST_TEST(array[0] == 7u);
  BOOST_TEST(array[count - 1] == count + 6);
  allocator.deallocate(array, count);
}

BOOST_AUTO_TEST_CASE(a_small_array_comes_from_the_heap) {
  std::vector<int, HugePageAllocator<int>> small(1000, 3);
  BOOST_TEST(std::accumulate(small.begin(), small.end(), 0) == 3000);
}

BOOST_AUTO_TEST_CASE(an_impossible_size_is_refused) {
  HugePageAllocator<std::uint64_t> allocator;
  BOOST_CHECK_THROW(allocator.allocate(std::size_t(-1) / 4), std::bad_array_new_length);
}

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
