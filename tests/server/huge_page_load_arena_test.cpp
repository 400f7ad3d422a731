// The memory a restart loads into, on the real jemalloc (this test is built without sanitizers,
// which bring their own allocator): while a thread is in it, what it allocates comes from the
// arena, in mappings advised to be huge pages; once it leaves, from the arena it had before.
#define BOOST_TEST_MODULE load_arena
#include "server/huge_page_load_arena.hpp"

#include <boost/test/unit_test.hpp>
#include <jemalloc/jemalloc.h>

#include <cstdint>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

using awa::server::HugePageLoadArena;

namespace {

unsigned arena_of(const void* allocation) {
  unsigned index = 0;
  std::size_t size = sizeof(index);
  BOOST_REQUIRE(mallctl("arenas.lookup", &index, &size, &allocation, sizeof(allocation)) == 0);
  return index;
}

unsigned this_threads_arena() {
  unsigned index = 0;
  std::size_t size = sizeof(index);
  BOOST_REQUIRE(mallctl("thread.arena", &index, &size, nullptr, 0) == 0);
  return index;
}

// Whether the mapping that holds `address` was advised to be huge pages (VmFlags `hg`).
bool advised_huge(const void* address) {
  const auto at = reinterpret_cast<std::uintptr_t>(address);
  std::ifstream smaps("/proc/self/smaps");
  std::string line;
  bool inside = false;
  while (std::getline(smaps, line)) {
    std::uintptr_t start = 0, end = 0;
    char dash = 0;
    std::istringstream range(line);
    if (range >> std::hex >> start >> dash >> end && dash == '-') {
      inside = start <= at && at < end;
    } else if (inside && line.starts_with("VmFlags:")) {
      return (line + " ").find(" hg ") != std::string::npos;
    }
  }
  return false;
}

// A restart's allocations in miniature: many small records, 4 MiB in all.
std::vector<std::unique_ptr<char[]>> allocate_records() {
  std::vector<std::unique_ptr<char[]>> records;
  for (int i = 0; i < 4096; ++i) records.push_back(std::make_unique<char[]>(1000));
  return records;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_thread_in_the_arena_allocates_there_in_huge_page_mappings) {
  const auto arena = HugePageLoadArena::index();
  BOOST_REQUIRE(arena.has_value());
  HugePageLoadArena memory;
  const unsigned before = this_threads_arena();
  BOOST_REQUIRE(before != *arena);

  memory.enter();
  BOOST_TEST(this_threads_arena() == *arena);
  auto records = allocate_records();
  memory.leave();

  for (const auto& record : records) BOOST_TEST_REQUIRE(arena_of(record.get()) == *arena);
  BOOST_TEST(advised_huge(records.front().get()));
  BOOST_TEST(advised_huge(records.back().get()));
  // Back where it was: what it allocates now is ordinary memory.
  BOOST_TEST(this_threads_arena() == before);
  const auto after = std::make_unique<char[]>(1000);
  BOOST_TEST(arena_of(after.get()) == before);
  BOOST_TEST(!advised_huge(after.get()));
}

BOOST_AUTO_TEST_CASE(two_threads_load_at_once_and_their_records_are_freed_elsewhere) {
  const auto arena = HugePageLoadArena::index();
  BOOST_REQUIRE(arena.has_value());
  HugePageLoadArena memory;
  std::vector<std::unique_ptr<char[]>> loaded[2];
  unsigned arena_after[2] = {};
  unsigned arena_before[2] = {};
  std::vector<std::thread> loaders;
  for (int t = 0; t < 2; ++t) {
    loaders.emplace_back([&, t] {
      arena_before[t] = this_threads_arena();
      memory.enter();
      memory.enter();  // a second enter changes nothing; one leave still restores
      loaded[t] = allocate_records();
      memory.leave();
      arena_after[t] = this_threads_arena();
    });
  }
  for (auto& loader : loaders) loader.join();
  for (int t = 0; t < 2; ++t) {
    BOOST_TEST(arena_after[t] == arena_before[t]);
    for (const auto& record : loaded[t]) BOOST_TEST_REQUIRE(arena_of(record.get()) == *arena);
    loaded[t].clear();  // freed on this thread, as the server frees records on any
  }
}

BOOST_AUTO_TEST_CASE(leaving_without_entering_changes_nothing) {
  const unsigned before = this_threads_arena();
  HugePageLoadArena().leave();
  BOOST_TEST(this_threads_arena() == before);
}
