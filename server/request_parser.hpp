// Beast's HTTP/1 parser, reading a request straight into the HttpRequest the Api takes: the
// fields the Api reads are kept as they arrive and the others dropped, where Beast's own
// request_parser keeps every field in a container (a heap node each, in a case-insensitive
// ordered set) to be copied out after. The limits (header and body size) and the grammar stay
// Beast's. For the HTTP server and the HTTP fuzz target.
#pragma once

#include <boost/beast/http/basic_parser.hpp>

#include "server/http_message.hpp"

namespace awa::server {

class RequestParser final : public boost::beast::http::basic_parser<true> {
public:
  // The request as parsed so far; whole once is_done().
  HttpRequest release() { return std::move(request_); }
  // 10 for HTTP/1.0, 11 for HTTP/1.1.
  unsigned version() const { return version_; }
  boost::beast::http::verb method() const { return method_; }

private:
  using string_view = boost::beast::string_view;
  using error_code = boost::beast::error_code;

  void on_request_impl(boost::beast::http::verb method, string_view method_string,
                       string_view target, int version, error_code& ec) override;
  void on_response_impl(int, string_view, int, error_code&) override {}  // requests only
  void on_field_impl(boost::beast::http::field name, string_view name_string, string_view value,
                     error_code& ec) override;
  void on_header_impl(error_code&) override {}
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
};

}  // namespace awa::server
