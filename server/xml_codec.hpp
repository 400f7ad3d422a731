// XML bodies (contract section 8), parsed with pugixml into the same trees JSON bodies become:
// a `<request>` root, one element per field, nested elements for objects, repeated `<entry>`
// elements for arrays. DTDs are refused (so no entity can expand), as is nesting deeper than
// JSON bodies may go. Answers are written as `<response>` documents.
#pragma once

#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace awa::server::xml {

// The request's fields as an object; empty when the body is not an acceptable XML request.
std::optional<boost::json::object> parse_request(std::string_view body);

// `<?xml ...?><response>...</response>` with the members of `message` (an envelope object)
// as its children; objects' members in name order, as the platform writes them.
std::string render_response(const boost::json::value& message);
// `<name>value</name>` appended to `out`, as render_response writes each element.
void append_element(std::string& out, std::string_view name, const boost::json::value& value);

}  // namespace awa::server::xml
