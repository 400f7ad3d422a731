// The memory a restart loads into: a jemalloc arena of its own whose pages are advised to be
// transparent huge pages, since on virtual machines a 4 KiB page faulted in on first touch is
// costly and a restart touches hundreds of MiB at once (docs/decisions/0004). Only the loading
// threads allocate here, and only while they load: what the server allocates afterwards, as it
// serves, comes from jemalloc's usual arenas in ordinary pages, so an idle server stays small and
// no request waits for a huge page to be backed. The price: a loaded record's memory, freed when
// the record changes, returns to this arena, which nothing allocates from afterwards, so each
// record's first change takes fresh pages. Where jemalloc is not linked (the sanitizer builds) it
// does nothing.
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
