#include "server/request_parser.hpp"

namespace awa::server {
namespace http = boost::beast::http;

void RequestParser::on_request_impl(http::verb method, string_view method_string,
                                    string_view target, int version, error_code&) {
  method_ = method;
  version_ = static_cast<unsigned>(version);
  request_.method.assign(method_string.data(), method_string.size());
  request_.target.assign(target.data(), target.size());
}

void RequestParser::on_field_impl(http::field name, string_view, string_view value, error_code&) {
  // The first of a repeated field counts, as with Beast's fields[name].
  const auto keep = [&](bool& seen, std::string& into) {
    if (seen) return;
    seen = true;
    into.assign(value.data(), value.size());
  };
  switch (name) {
    case http::field::authorization:
      keep(has_authorization_, request_.authorization);
      break;
    case http::field::content_type:
      keep(has_content_type_, request_.content_type);
      break;
    case http::field::accept:
      keep(has_accept_, request_.accept);
      break;
    default:
      break;
  }
}

void RequestParser::on_body_init_impl(const boost::optional<std::uint64_t>& content_length,
                                      error_code&) {
  // The parser has checked it against the body limit already.
  if (content_length) request_.body.reserve(static_cast<std::size_t>(*content_length));
}

std::size_t RequestParser::on_body_impl(string_view body, error_code&) {
  request_.body.append(body.data(), body.size());
  return body.size();
}

std::size_t RequestParser::on_chunk_body_impl(std::uint64_t, string_view body, error_code&) {
  request_.body.append(body.data(), body.size());
  return body.size();
}

}  // namespace awa::server
