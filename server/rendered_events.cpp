#include "server/rendered_events.hpp"

#include <boost/json/serialize.hpp>

#include "server/cloud_event.hpp"

namespace awa::server {

std::shared_ptr<const std::string> RenderedEvents::text(const domain::Event& event) {
  Slot& slot = slots_[event.seq % slots_.size()];
  {
    std::lock_guard lock(slot.mutex);
    if (slot.seq == event.seq && slot.text) return slot.text;
  }
  // Rendered outside the lock: two readers at once may both render it, and both are right.
  auto text = std::make_shared<const std::string>(boost::json::serialize(cloud_event(event)));
  std::lock_guard lock(slot.mutex);
  if (slot.seq <= event.seq) {
    slot.seq = event.seq;
    slot.text = text;
  }
  return text;
}

}  // namespace awa::server
