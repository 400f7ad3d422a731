#include "server/request_parser.hpp"

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/rfc7230.hpp>

namespace awa::server {
namespace http = boost::beast::http;

namespace {

class RequestCategory final : public boost::system::error_category {
public:
  const char* name() const noexcept override { return "request"; }
  std::string message(int value) const override {
    switch (static_cast<request_errc>(value)) {
      case request_errc::transfer_encoding_not_chunked:
        return "Transfer-Encoding must be exactly chunked";
      case request_errc::transfer_encoding_in_http_1_0:
        return "Transfer-Encoding is not allowed in HTTP/1.0";
      case request_errc::missing_host:
        return "an HTTP/1.1 request needs a Host header";
      case request_errc::repeated_host:
        return "a request may have only one Host header";
    }
    return "bad request";
  }
};

// "http://host:port/path?q" -> "/path?q" (and "http://host" -> "/").
boost::beast::string_view origin_form(boost::beast::string_view target) {
  for (const boost::beast::string_view scheme : {"http://", "https://"}) {
    if (target.size() >= scheme.size() &&
        boost::beast::iequals(target.substr(0, scheme.size()), scheme)) {
      const auto rest = target.substr(scheme.size());
      const auto slash = rest.find_first_of("/?");
      if (slash == boost::beast::string_view::npos) return "/";
      return rest[slash] == '/' ? rest.substr(slash) : boost::beast::string_view("/");
    }
  }
  return target;
}

}  // namespace

const boost::system::error_category& request_category() {
  static const RequestCategory category;
  return category;
}

void RequestParser::on_request_impl(http::verb method, string_view method_string,
                                    string_view target, int version, error_code&) {
  method_ = method;
  version_ = static_cast<unsigned>(version);
  request_.method.assign(method_string.data(), method_string.size());
  const auto path = origin_form(target);
  request_.target.assign(path.data(), path.size());
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
    case http::field::host:
      ++hosts_;
      break;
    case http::field::transfer_encoding:
      ++transfer_encodings_;
      chunked_ = boost::beast::iequals(value, "chunked");
      break;
    case http::field::upgrade:
      upgrade_websocket_ = upgrade_websocket_ || http::token_list(value).exists("websocket");
      break;
    case http::field::connection:
      connection_upgrade_ = connection_upgrade_ || http::token_list(value).exists("upgrade");
      break;
    case http::field::sec_websocket_key:
      keep(has_websocket_key_, request_.websocket_key);
      break;
    case http::field::sec_websocket_version:
      keep(has_websocket_version_, request_.websocket_version);
      break;
    case http::field::expect:
      expects_continue_ = boost::beast::iequals(value, "100-continue");
      break;
    default:
      break;
  }
}

void RequestParser::on_header_impl(error_code& ec) {
  if (transfer_encodings_ > 0 && version_ < 11) {
    ec = request_errc::transfer_encoding_in_http_1_0;
  } else if (transfer_encodings_ > 1 || (transfer_encodings_ == 1 && !chunked_)) {
    ec = request_errc::transfer_encoding_not_chunked;
  } else if (hosts_ > 1) {
    ec = request_errc::repeated_host;
  } else if (hosts_ == 0 && version_ >= 11) {
    ec = request_errc::missing_host;
  }
  request_.websocket = upgrade_websocket_ && connection_upgrade_ && version_ >= 11;
  // 100 Continue is an HTTP/1.1 exchange.
  if (version_ < 11) expects_continue_ = false;
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
