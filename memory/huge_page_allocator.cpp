#include "memory/huge_page_allocator.hpp"

#include <sys/mman.h>

#include <chrono>
#include <cstdint>
#include <thread>

namespace awa::memory::huge_pages {

namespace {
std::size_t whole_pages(std::size_t bytes) {
  return (bytes + kSize - 1) / kSize * kSize;
}
// Set: this thread's mappings are faulted in as they are made, with this pause between pages.
thread_local std::optional<std::chrono::milliseconds> populate_pause;
}  // namespace

PopulateOnThisThread::PopulateOnThisThread(std::chrono::milliseconds pause) : was_(populate_pause) {
  populate_pause = pause;
}

PopulateOnThisThread::~PopulateOnThisThread() {
  populate_pause = was_;
}

void* map(std::size_t bytes) {
  const std::size_t length = whole_pages(bytes);
  // One huge page more than needed, then the unaligned ends are given back.
  void* raw =
      ::mmap(nullptr, length + kSize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED) throw std::bad_alloc();
  const auto start = reinterpret_cast<std::uintptr_t>(raw);
  const auto aligned = (start + kSize - 1) / kSize * kSize;
  if (aligned > start) ::munmap(raw, aligned - start);
  const auto end = start + length + kSize;
  if (end > aligned + length) {
    ::munmap(reinterpret_cast<void*>(aligned + length), end - (aligned + length));
  }
  // Advice only: with huge pages off (or refused) the mapping is still good memory.
  ::madvise(reinterpret_cast<void*>(aligned), length, MADV_HUGEPAGE);
  // Also advice: a kernel without it leaves the pages to fault on first touch.
  if (populate_pause) {
    for (std::size_t offset = 0; offset < length; offset += kSize) {
      if (offset > 0) std::this_thread::sleep_for(*populate_pause);
      ::madvise(reinterpret_cast<void*>(aligned + offset), kSize, MADV_POPULATE_WRITE);
    }
  }
  return reinterpret_cast<void*>(aligned);
}

void unmap(void* address, std::size_t bytes) noexcept {
  ::munmap(address, whole_pages(bytes));
}

}  // namespace awa::memory::huge_pages
