// An allocator for the arrays that grow with the state (hash tables' slots, the timer wheel's
// nodes): once an array reaches 2 MiB it is mapped in transparent huge pages. On virtual
// machines a 4 KiB page fault is costly, and a table that doubles faults its whole new array in
// while every request waits; in 2 MiB pages the same array takes a few faults. Smaller arrays
// come from the ordinary heap. Huge pages still
// fault in at milliseconds each on such machines, so a structure can have an array it will soon
// need built ahead on a helper thread (build_ahead, below).
#pragma once

#include <chrono>
#include <cstddef>
#include <future>
#include <memory>
#include <new>
#include <optional>
#include <system_error>

namespace awa::memory {

namespace huge_pages {
inline constexpr std::size_t kSize = std::size_t{2} << 20;
// A fresh mapping of `bytes` (rounded up to whole huge pages), aligned to a huge page and advised
// to be backed by them; where the system has huge pages off, it is backed by ordinary pages.
void* map(std::size_t bytes);
void unmap(void* address, std::size_t bytes) noexcept;

// While one is alive, the mappings its thread makes are faulted in before map() returns
// (MADV_POPULATE_WRITE, Linux 5.14; elsewhere they fault on first touch as usual), one huge page
// at a time with `pause` between pages: for arrays built ahead of need on a helper thread. On a
// virtual machine the host backs a fresh page while the virtual CPU that touched it waits, some
// milliseconds for a huge page, so faulting a whole array in at once took a CPU from the request
// threads for tens of milliseconds; a page at a time leaves it to them in between.
class PopulateOnThisThread {
public:
  explicit PopulateOnThisThread(std::chrono::milliseconds pause);
  ~PopulateOnThisThread();
  PopulateOnThisThread(const PopulateOnThisThread&) = delete;
  PopulateOnThisThread& operator=(const PopulateOnThisThread&) = delete;

private:
  std::optional<std::chrono::milliseconds> was_;
};

// Between the pages of an array built ahead: short enough that the array is ready well before
// the inserts that fill the last eighth of its table, long enough to leave the CPU to requests.
inline constexpr std::chrono::milliseconds kBuildAheadPause{5};

template <class Build>
auto build_ahead(Build build) -> std::future<decltype(build())> {
  try {
    return std::async(std::launch::async, [build = std::move(build)] {
      const PopulateOnThisThread populate(kBuildAheadPause);
      return build();
    });
  } catch (const std::system_error&) {
    return {};
  }
}
}  // namespace huge_pages

template <class T>
class HugePageAllocator {
public:
  using value_type = T;

  HugePageAllocator() noexcept = default;
  template <class U>
  HugePageAllocator(const HugePageAllocator<U>&) noexcept {}

  T* allocate(std::size_t count) {
    if (count > std::size_t(-1) / sizeof(T)) throw std::bad_array_new_length();
    const std::size_t bytes = count * sizeof(T);
    if (bytes < huge_pages::kSize) return std::allocator<T>{}.allocate(count);
    return static_cast<T*>(huge_pages::map(bytes));
  }

  void deallocate(T* address, std::size_t count) noexcept {
    const std::size_t bytes = count * sizeof(T);
    if (bytes < huge_pages::kSize) return std::allocator<T>{}.deallocate(address, count);
    huge_pages::unmap(address, bytes);
  }

  template <class U>
  bool operator==(const HugePageAllocator<U>&) const noexcept {
    return true;
  }
};

}  // namespace awa::memory
