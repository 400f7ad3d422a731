// The memory a restart loads into: a jemalloc arena of its own whose pages are advised to be
// transparent huge pages. A restart with a million work items allocates some 450 MiB in a few
// seconds, and on the virtual machines this server runs on each 4 KiB page that first touch faults
// in costs about 15 us (0.8-0.9 us a page faulted in bulk, 1.1 us in 2 MiB pages): 74,596 faults,
// over a second of the restart. In huge pages, 6,287 faults, and the restart took 2.11-3.26 s
// against 2.75-3.73 in six alternated pairs (see README, "Benchmarking"). Only the loading threads
// allocate here, and only while they load: what the server allocates afterwards, as it serves,
// comes from jemalloc's usual arenas in ordinary pages, so an idle server stays small and no
// request waits for a huge page to be backed. The price: a loaded record's memory, freed when the
// record changes, returns to this arena, which nothing allocates from afterwards, so each record's
// first change takes fresh pages (expiring a million offers after a restart: about 0.3 us more a
// record). Where jemalloc is not linked (the sanitizer builds) it does nothing.
#pragma once

#include <optional>

#include "domain/load_memory.hpp"

namespace awa::server {

class HugePageLoadArena final : public domain::LoadMemory {
public:
  // Binds the calling thread to the arena, until leave().
  void enter() override;
  void leave() noexcept override;

  // The arena's jemalloc index, made once per process on first use; none where jemalloc is not
  // linked or would not make it.
  static std::optional<unsigned> index();
};

}  // namespace awa::server
