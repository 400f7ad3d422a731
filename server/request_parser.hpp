// Beast's HTTP/1 parser, reading a request straight into the HttpRequest the Api takes: the
// fields the Api reads are kept as they arrive and the others dropped, where Beast's own
// request_parser keeps every field in a container (a heap node each, in a case-insensitive
// ordered set) to be copied out after. The limits (header and body size) and the grammar stay
// Beast's. On top, what RFC 9112 asks of a server that Beast leaves to it: a Transfer-Encoding
// other than exactly `chunked` (or any on HTTP/1.0) is refused, as Beast would otherwise frame
// the body by Content-Length and let a second request hide in it (§6.1); an HTTP/1.1 request
// needs exactly one Host (§3.2); an absolute-form target is taken as its path (§3.2.2).
// For the HTTP server and the HTTP fuzz target.
#pragma once

#include <boost/beast/http/basic_parser.hpp>
#include <boost/system/error_code.hpp>

#include "server/http_message.hpp"

namespace awa::server {

// Why the parser refused a request that Beast's grammar accepts.
enum class request_errc {
  transfer_encoding_not_chunked = 1,
  transfer_encoding_in_http_1_0,
  missing_host,
  repeated_host,
};
const boost::system::error_category& request_category();
inline boost::beast::error_code make_error_code(request_errc e) {
  return {static_cast<int>(e), request_category()};
}

class RequestParser final : public boost::beast::http::basic_parser<true> {
public:
  // The request as parsed so far; whole once is_done(). After the header: all but the body.
  HttpRequest release() { return std::move(request_); }
  const HttpRequest& head() const { return request_; }
  // 10 for HTTP/1.0, 11 for HTTP/1.1.
  unsigned version() const { return version_; }
  boost::beast::http::verb method() const { return method_; }
  // The header asked for `100 Continue` before the body is sent.
  bool expects_continue() const { return expects_continue_; }

private:
  using string_view = boost::beast::string_view;
  using error_code = boost::beast::error_code;

  void on_request_impl(boost::beast::http::verb method, string_view method_string,
                       string_view target, int version, error_code& ec) override;
  void on_response_impl(int, string_view, int, error_code&) override {}  // requests only
  void on_field_impl(boost::beast::http::field name, string_view name_string, string_view value,
                     error_code& ec) override;
  void on_header_impl(error_code& ec) override;
  void on_body_init_impl(const boost::optional<std::uint64_t>& content_length,
                         error_code& ec) override;
  std::size_t on_body_impl(string_view body, error_code& ec) override;
  void on_chunk_header_impl(std::uint64_t, string_view, error_code&) override {}
  std::size_t on_chunk_body_impl(std::uint64_t remain, string_view body, error_code& ec) override;
  void on_finish_impl(error_code&) override {}

  HttpRequest request_;
  unsigned version_ = 11;
  boost::beast::http::verb method_ = boost::beast::http::verb::unknown;
  bool has_authorization_ = false, has_content_type_ = false, has_accept_ = false;
  unsigned hosts_ = 0;
  unsigned transfer_encodings_ = 0;
  bool chunked_ = false;  // the one Transfer-Encoding is exactly `chunked`
  bool expects_continue_ = false;
  bool upgrade_websocket_ = false, connection_upgrade_ = false;
  bool has_websocket_key_ = false, has_websocket_version_ = false;
};

}  // namespace awa::server

template <>
struct boost::system::is_error_code_enum<awa::server::request_errc> : std::true_type {};
