// An outcome event as a CloudEvents 1.0 JSON object (the structured mode): specversion, id (its
// number), source, type, time (RFC 3339, UTC, milliseconds), subject, datacontenttype, and as
// data the record as the Table API shows it, with previous_state or previous_presence.
#pragma once

#include <boost/json/object.hpp>

#include <string>

#include "domain/event.hpp"

namespace awa::server {

boost::json::object cloud_event(const domain::Event& event);

}  // namespace awa::server
