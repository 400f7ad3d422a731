// The allocator behind the state's growing arrays: large arrays land on huge-page boundaries and
// hold what is written to them; small ones come from the heap; a map growing through the
// threshold keeps every entry.
#include "memory/huge_page_allocator.hpp"

#include <boost/test/unit_test.hpp>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <numeric>
#include <string>
#include <vector>

using namespace awa::memory;

namespace {

// Whether `address` is the first byte of one of this process's mappings (/proc/self/maps).
bool starts_a_mapping(const void* address) {
  std::ifstream maps("/proc/self/maps");
  std::string line;
  const auto wanted = reinterpret_cast<std::uintptr_t>(address);
  while (std::getline(maps, line)) {
    if (std::stoull(line.substr(0, line.find('-')), nullptr, 16) == wanted) return true;
  }
  return false;
}

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

BOOST_AUTO_TEST_CASE(a_small_array_comes_from_the_heap_a_large_one_from_its_own_mapping) {
  HugePageAllocator<std::uint64_t> allocator;
  const std::size_t small_count = 1000;
  const std::size_t large_count = huge_pages::kSize / sizeof(std::uint64_t);
  std::uint64_t* small = allocator.allocate(small_count);
  std::uint64_t* large = allocator.allocate(large_count);
  // The heap's allocations sit inside its mappings, after the allocator's own header; a huge-page
  // mapping starts on a huge page.
  BOOST_TEST(!starts_a_mapping(small));
  BOOST_TEST(reinterpret_cast<std::uintptr_t>(small) % huge_pages::kSize != 0u);
  BOOST_TEST(reinterpret_cast<std::uintptr_t>(large) % huge_pages::kSize == 0u);
  std::fill(small, small + small_count, 3);
  BOOST_TEST(std::accumulate(small, small + small_count, std::uint64_t{0}) == 3000u);
  allocator.deallocate(large, large_count);
  allocator.deallocate(small, small_count);
}

BOOST_AUTO_TEST_CASE(an_impossible_size_is_refused) {
  HugePageAllocator<std::uint64_t> allocator;
  BOOST_CHECK_THROW(allocator.allocate(std::size_t(-1) / 4), std::bad_array_new_length);
}

// Skipped, and reported so, where the kernel does not populate on advice (before Linux 5.14).
BOOST_AUTO_TEST_CASE(a_thread_that_populates_gets_its_arrays_in_memory_before_first_use,
                     *boost::unit_test::precondition([](boost::unit_test::test_unit_id) {
                       return kernel_populates();
                     })) {
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
