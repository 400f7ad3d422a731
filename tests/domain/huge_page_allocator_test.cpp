// The allocator behind the state's growing arrays: large arrays land on huge-page boundaries and
// hold what is written to them; small ones come from the heap; a map growing through the
// threshold keeps every entry.
#include "domain/huge_page_allocator.hpp"

#include <boost/test/unit_test.hpp>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <numeric>
#include <vector>

#include "domain/sys_id_map.hpp"

using namespace awa::domain;

namespace {

// How many of the pages of [address, address + bytes) are in memory.
std::size_t resident_pages(const void* address, std::size_t bytes) {
  const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  std::vector<unsigned char> in_core((bytes + page - 1) / page);
  if (::mincore(const_cast<void*>(address), bytes, in_core.data()) != 0) return 0;
  return static_cast<std::size_t>(
      std::count_if(in_core.begin(), in_core.end(), [](unsigned char c) { return c & 1; }));
}

// Whether this kernel populates on advice (MADV_POPULATE_WRITE, Linux 5.14).
bool kernel_populates() {
  void* probe = ::mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (probe == MAP_FAILED) return false;
  const bool populates = ::madvise(probe, 4096, MADV_POPULATE_WRITE) == 0;
  ::munmap(probe, 4096);
  return populates;
}

}  // namespace

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

BOOST_AUTO_TEST_CASE(a_thread_that_populates_gets_its_arrays_in_memory_before_first_use) {
  if (!kernel_populates()) {
    BOOST_TEST_MESSAGE("this kernel does not populate on advice: nothing to check");
    return;
  }
  HugePageAllocator<std::uint64_t> allocator;
  const std::size_t count = 3 * huge_pages::kSize / sizeof(std::uint64_t);
  const std::size_t bytes = count * sizeof(std::uint64_t);
  const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));

  std::uint64_t* lazy = allocator.allocate(count);  // the usual: faulted in as it is touched
  BOOST_TEST(resident_pages(lazy, bytes) == 0u);
  {
    const huge_pages::PopulateOnThisThread populate(std::chrono::milliseconds(0));
    std::uint64_t* ready = allocator.allocate(count);
    BOOST_TEST(resident_pages(ready, bytes) == bytes / page);
    BOOST_TEST(ready[count - 1] == 0u);  // populating wrote nothing
    allocator.deallocate(ready, count);
  }
  std::uint64_t* after = allocator.allocate(count);  // the guard gone, lazy again
  BOOST_TEST(resident_pages(after, bytes) == 0u);
  allocator.deallocate(after, count);
  allocator.deallocate(lazy, count);
}

BOOST_AUTO_TEST_SUITE_END()
