// Where the threads that rebuild the state at start allocate. A restart allocates most of the
// process's memory at once, a million records' worth in a few seconds; the server points those
// threads at memory suited to that (see server/huge_page_load_arena.hpp). The domain itself only
// says when a thread starts and stops loading, and allocates as it always does.
#pragma once

namespace awa::domain {

class LoadMemory {
public:
  virtual ~LoadMemory() = default;
  // On a loading thread, before it allocates what the state keeps; leave() once it is done.
  virtual void enter() = 0;
  virtual void leave() noexcept = 0;
};

}  // namespace awa::domain
