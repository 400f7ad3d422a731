#include "server/huge_page_load_arena.hpp"

#include <jemalloc/jemalloc.h>
#include <sys/mman.h>

// Weak: the sanitizer builds link this without jemalloc (they bring their own allocator), and
// there mallctl is null.
#pragma weak mallctl

namespace awa::server {

namespace {

extent_hooks_t* default_hooks = nullptr;
extent_hooks_t huge_page_hooks;  // jemalloc's own, but for alloc

// jemalloc's own mapping, then the advice. Advice only: where huge pages are off it changes
// nothing, and the memory is as good.
void* alloc_in_huge_pages(extent_hooks_t*, void* new_addr, std::size_t size, std::size_t alignment,
                          bool* zero, bool* commit, unsigned arena_index) {
  void* pages =
      default_hooks->alloc(default_hooks, new_addr, size, alignment, zero, commit, arena_index);
  if (pages != nullptr) ::madvise(pages, size, MADV_HUGEPAGE);
  return pages;
}

std::optional<unsigned> create_arena() {
  if (mallctl == nullptr) return std::nullopt;
  // NOLINTNEXTLINE(bugprone-sizeof-expression): mallctl wants the pointer's size
  std::size_t size = sizeof(default_hooks);
  if (mallctl("arena.0.extent_hooks", &default_hooks, &size, nullptr, 0) != 0 ||
      default_hooks == nullptr || default_hooks->alloc == nullptr) {
    return std::nullopt;
  }
  huge_page_hooks = *default_hooks;
  huge_page_hooks.alloc = alloc_in_huge_pages;
  extent_hooks_t* hooks = &huge_page_hooks;
  unsigned index = 0;
  size = sizeof(index);
  // NOLINTNEXTLINE(bugprone-sizeof-expression): mallctl wants the pointer's size
  if (mallctl("arenas.create", &index, &size, &hooks, sizeof(hooks)) != 0) return std::nullopt;
  return index;
}

// The arena the calling thread used before enter(), while it is in ours.
thread_local std::optional<unsigned> arena_before;

// Small objects this thread freed sit in its cache, whichever arena they came from; emptied on
// the way in and out, the thread's allocations come from the arena it is bound to.
void flush_thread_cache() {
  mallctl("thread.tcache.flush", nullptr, nullptr, nullptr, 0);
}

}  // namespace

std::optional<unsigned> HugePageLoadArena::index() {
  // Made on first use: an arena's own bookkeeping takes a couple of MiB in huge pages, which a
  // server that never loads much (a new data directory, the demo data) does without.
  static const std::optional<unsigned> arena = create_arena();
  return arena;
}

void HugePageLoadArena::enter() {
  const auto arena = index();
  if (!arena || arena_before) return;
  unsigned before = 0;
  std::size_t size = sizeof(before);
  unsigned ours = *arena;
  flush_thread_cache();
  if (mallctl("thread.arena", &before, &size, &ours, sizeof(ours)) == 0) arena_before = before;
}

void HugePageLoadArena::leave() noexcept {
  if (!arena_before) return;
  unsigned before = *arena_before;
  arena_before.reset();
  flush_thread_cache();
  mallctl("thread.arena", nullptr, nullptr, &before, sizeof(before));
}

}  // namespace awa::server
