// Beast's HTTP/1 response parser, keeping only what the bench reads: the status, whether the
// connection stays open, and the body (into a string the connection reuses). Beast's own
// response_parser keeps every field in a container, a heap node each, which the bench would
// pay for on every answer: on a 2-core machine, the client's microseconds are the server's.
#pragma once

#include <boost/beast/http/basic_parser.hpp>

#include <string>

namespace awa::bench {

class ResponseParser final : public boost::beast::http::basic_parser<false> {
public:
  // `body` receives the body (cleared first); it lives as long as the parser is used.
  explicit ResponseParser(std::string& body) : body_(body) { body_.clear(); }

  unsigned status() const { return status_; }

private:
  using string_view = boost::beast::string_view;
  using error_code = boost::beast::error_code;

  void on_request_impl(boost::beast::http::verb, string_view, string_view, int,
                       error_code&) override {}  // responses only
  void on_response_impl(int status, string_view, int, error_code&) override {
    status_ = static_cast<unsigned>(status);
  }
  void on_field_impl(boost::beast::http::field, string_view, string_view, error_code&) override {}
  void on_header_impl(error_code&) override {}
  void on_body_init_impl(const boost::optional<std::uint64_t>& content_length,
                         error_code&) override {
    if (content_length) body_.reserve(static_cast<std::size_t>(*content_length));
  }
  std::size_t on_body_impl(string_view body, error_code&) override {
    body_.append(body.data(), body.size());
    return body.size();
  }
  void on_chunk_header_impl(std::uint64_t, string_view, error_code&) override {}
  std::size_t on_chunk_body_impl(std::uint64_t, string_view body, error_code&) override {
    body_.append(body.data(), body.size());
    return body.size();
  }
  void on_finish_impl(error_code&) override {}

  std::string& body_;
  unsigned status_ = 0;
};

}  // namespace awa::bench
