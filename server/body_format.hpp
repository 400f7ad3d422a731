// The two formats bodies travel in (contract section 8): choosing them from Content-Type and
// Accept, parsing request bodies into message trees, rendering answers from them.
#pragma once

#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <string_view>

#include "domain/errc.hpp"

namespace awa::server {

enum class BodyFormat { json, xml };

// Nesting deeper than this is refused in either format.
inline constexpr std::size_t kMaxBodyDepth = 32;

// The format of a request body; JSON when no Content-Type is given; empty when unsupported.
std::optional<BodyFormat> request_format(std::string_view content_type);
// The first format the Accept header takes; JSON when none is given; empty when unsupported.
std::optional<BodyFormat> response_format(std::string_view accept);
std::string_view media_type(BodyFormat format);

// The body as an object of fields, or 400 `Request body is not valid JSON|XML`. A JSON body's
// tree takes its memory from `memory` (the default resource when not given).
domain::Outcome<boost::json::object> parse_body(std::string_view body, BodyFormat format,
                                                boost::json::storage_ptr memory = {});
std::string render_body(const boost::json::value& message, BodyFormat format);

}  // namespace awa::server
