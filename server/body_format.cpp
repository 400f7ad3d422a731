#include "server/body_format.hpp"

#include <boost/json.hpp>

#include <cmath>

#include "domain/field_value.hpp"
#include "server/xml_codec.hpp"

namespace awa::server {
namespace {

// The media type of a Content-Type or Accept entry, without parameters, lower case.
std::string media_type_of(std::string_view entry) {
  std::string out(domain::trim_blanks(entry.substr(0, entry.find(';'))));
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Whether every number in `value` is finite: the parser reads 1e999 as infinity, which no JSON
// answer could carry back (found by the body fuzzer).
bool numbers_are_finite(const boost::json::value& value) {
  switch (value.kind()) {
    case boost::json::kind::double_:
      return std::isfinite(value.get_double());
    case boost::json::kind::array:
      for (const auto& item : value.get_array()) {
        if (!numbers_are_finite(item)) return false;
      }
      return true;
    case boost::json::kind::object:
      for (const auto& member : value.get_object()) {
        if (!numbers_are_finite(member.value())) return false;
      }
      return true;
    default:
      return true;
  }
}

std::optional<BodyFormat> format_of(const std::string& type) {
  if (type == "application/json") return BodyFormat::json;
  if (type == "application/xml" || type == "text/xml") return BodyFormat::xml;
  return std::nullopt;
}

}  // namespace

std::optional<BodyFormat> request_format(std::string_view content_type) {
  if (domain::trim_blanks(content_type).empty()) return BodyFormat::json;
  return format_of(media_type_of(content_type));
}

std::optional<BodyFormat> response_format(std::string_view accept) {
  if (domain::trim_blanks(accept).empty()) return BodyFormat::json;
  while (!accept.empty()) {
    const auto comma = accept.find(',');
    const std::string type = media_type_of(accept.substr(0, comma));
    if (const auto format = format_of(type)) return format;
    if (type == "application/*" || type == "*/*") return BodyFormat::json;
    if (comma == std::string_view::npos) break;
    accept.remove_prefix(comma + 1);
  }
  return std::nullopt;
}

std::string_view media_type(BodyFormat format) {
  return format == BodyFormat::xml ? "application/xml" : "application/json";
}

domain::Outcome<boost::json::object> parse_body(std::string_view body, BodyFormat format,
                                                boost::json::storage_ptr memory) {
  if (format == BodyFormat::xml) {
    if (auto object = xml::parse_request(body)) return std::move(*object);
    return domain::fail(domain::errc::bad_request, "Request body is not valid XML");
  }
  boost::json::parse_options options;
  options.max_depth = kMaxBodyDepth;
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(body, ec, std::move(memory), options);
  if (ec || !value.is_object()) {
    return domain::fail(domain::errc::bad_request, "Request body is not valid JSON");
  }
  if (!numbers_are_finite(value)) {
    return domain::fail(domain::errc::bad_request,
                        "Request body holds a number beyond the range of a double");
  }
  return std::move(value.get_object());
}

std::string render_body(const boost::json::value& message, BodyFormat format) {
  return format == BodyFormat::xml ? xml::render_response(message)
                                   : boost::json::serialize(message);
}

}  // namespace awa::server
