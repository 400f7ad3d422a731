// The newest events as CloudEvents JSON text, rendered once for all their readers (streams and
// webhooks) rather than once each: a fixed ring of slots by event number, so it holds the few
// thousand that readers who keep up ask for, and a reader far behind renders its own.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "domain/event.hpp"

namespace awa::server {

class RenderedEvents {
public:
  explicit RenderedEvents(std::size_t slots = 4096) : slots_(slots) {}

  // `event` as serialised cloud_event(), from the ring when a reader rendered it before.
  std::shared_ptr<const std::string> text(const domain::Event& event);

private:
  struct Slot {
    std::mutex mutex;
    std::uint64_t seq = 0;
    std::shared_ptr<const std::string> text;
  };
  std::vector<Slot> slots_;
};

}  // namespace awa::server
