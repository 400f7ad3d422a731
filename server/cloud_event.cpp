#include "server/cloud_event.hpp"

#include "domain/time_format.hpp"
#include "server/message_codec.hpp"

namespace awa::server {

boost::json::object cloud_event(const domain::Event& event) {
  boost::json::object data = message::record_object(event.record);
  if (!event.previous.empty()) {
    const bool presence = event.type == domain::EventType::presence_changed;
    data[presence ? "previous_presence" : "previous_state"] = event.previous;
  }
  return {
      {"specversion", "1.0"},
      {"id", std::to_string(event.seq)},
      {"source", "/awa-server"},
      {"type", domain::event_type_name(event.type)},
      {"time", domain::format_offer_time(event.time) + "Z"},
      {"subject", event.subject()},
      {"datacontenttype", "application/json"},
      {"data", std::move(data)},
  };
}

}  // namespace awa::server
