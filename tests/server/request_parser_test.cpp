// The server's request parser: Beast's grammar and limits, read into the Api's request.
#include "server/request_parser.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

using awa::server::RequestParser;
namespace http = boost::beast::http;

namespace {

// Feeds `bytes` whole to a parser with the server's limits.
boost::beast::error_code parse(RequestParser& parser, const std::string& bytes) {
  parser.header_limit(8 * 1024);
  parser.body_limit(1024 * 1024);
  parser.eager(true);
  boost::beast::error_code ec;
  parser.put(boost::asio::buffer(bytes), ec);
  return ec;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(request_parser)

BOOST_AUTO_TEST_CASE(the_fields_the_api_reads_and_the_body) {
  RequestParser parser;
  const std::string body = R"({"queue_id":"q"})";
  BOOST_TEST(!parse(parser,
                    "POST /api/now/x?a=1 HTTP/1.1\r\nHost: h\r\n"
                    "authorization: Basic YTpi\r\nAuthorization: Basic second\r\n"
                    "Content-Type: application/json\r\nACCEPT: application/xml\r\n"
                    "X-Other: dropped\r\nContent-Length: " +
                        std::to_string(body.size()) + "\r\n\r\n" + body));
  BOOST_REQUIRE(parser.is_done());
  BOOST_TEST(parser.version() == 11u);
  BOOST_TEST((parser.method() == http::verb::post));
  BOOST_TEST(parser.keep_alive());
  const auto request = parser.release();
  BOOST_TEST(request.method == "POST");
  BOOST_TEST(request.target == "/api/now/x?a=1");
  BOOST_TEST(request.authorization == "Basic YTpi");  // the first of two, as fields[name] gives
  BOOST_TEST(request.content_type == "application/json");
  BOOST_TEST(request.accept == "application/xml");
  BOOST_TEST(request.body == body);
}

BOOST_AUTO_TEST_CASE(a_chunked_body_is_joined) {
  RequestParser parser;
  BOOST_TEST(!parse(parser,
                    "PUT /x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                    "3\r\nabc\r\n4;ext=1\r\ndefg\r\n0\r\n\r\n"));
  BOOST_REQUIRE(parser.is_done());
  BOOST_TEST(parser.release().body == "abcdefg");
}

BOOST_AUTO_TEST_CASE(keep_alive_follows_the_version_and_connection) {
  const std::pair<std::string, bool> cases[] = {
      {"GET / HTTP/1.1\r\nHost: h\r\n\r\n", true},
      {"GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n", false},
      {"GET / HTTP/1.0\r\n\r\n", false},
      {"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", true},
  };
  for (const auto& [bytes, keep_alive] : cases) {
    RequestParser parser;
    BOOST_TEST(!parse(parser, bytes));
    BOOST_TEST(parser.keep_alive() == keep_alive, bytes);
  }
  RequestParser head;
  BOOST_TEST(!parse(head, "HEAD /healthz HTTP/1.0\r\n\r\n"));
  BOOST_TEST(head.version() == 10u);
  BOOST_TEST((head.method() == http::verb::head));
}

BOOST_AUTO_TEST_CASE(the_limits_are_beasts) {
  RequestParser big_body;
  BOOST_TEST((parse(big_body, "POST / HTTP/1.1\r\nContent-Length: 1048577\r\n\r\n") ==
              http::error::body_limit));
  RequestParser big_chunks;
  BOOST_TEST((parse(big_chunks,
                    "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                    "100001\r\n") == http::error::body_limit));
  RequestParser big_head;
  BOOST_TEST((parse(big_head, "GET / HTTP/1.1\r\nX: " + std::string(9000, 'a') + "\r\n\r\n") ==
              http::error::header_limit));
}

BOOST_AUTO_TEST_CASE(transfer_encodings_other_than_chunked_are_refused) {
  // Beast would frame these bodies by Content-Length, and a request hidden in the body would
  // run as a second one (request smuggling): RFC 9112 6.1 asks for a 400 and a close.
  const std::string smuggled = "GET /api/now/awa-server/stats HTTP/1.1\r\nHost: h\r\n\r\n";
  const std::string length = "Content-Length: " + std::to_string(smuggled.size()) + "\r\n";
  for (const std::string coding : {"identity", "xchunked", "chunked, identity", "gzip",
                                   "chunked\r\nTransfer-Encoding: chunked"}) {
    RequestParser parser;
    const auto ec = parse(parser, "POST /x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: " + coding +
                                      "\r\n" + length + "\r\n" + smuggled);
    BOOST_TEST(ec.failed(), coding);  // a repeated header Beast refuses by itself
    if (coding.find('\r') == std::string::npos) {
      BOOST_TEST((ec == awa::server::request_errc::transfer_encoding_not_chunked), coding);
    }
  }
  RequestParser old;
  BOOST_TEST((parse(old, "POST /x HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n") ==
              awa::server::request_errc::transfer_encoding_in_http_1_0));
  RequestParser cased;  // the coding's name is case-insensitive
  BOOST_TEST(!parse(cased,
                    "POST /x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: Chunked\r\n\r\n"
                    "0\r\n\r\n"));
}

BOOST_AUTO_TEST_CASE(http_1_1_needs_one_host_and_an_absolute_form_target_is_its_path) {
  RequestParser none;
  BOOST_TEST((parse(none, "GET / HTTP/1.1\r\n\r\n") == awa::server::request_errc::missing_host));
  RequestParser two;
  BOOST_TEST((parse(two, "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n") ==
              awa::server::request_errc::repeated_host));
  RequestParser old;  // HTTP/1.0 has no Host requirement
  BOOST_TEST(!parse(old, "GET / HTTP/1.0\r\n\r\n"));
  for (const auto& [target, path] : std::vector<std::pair<std::string, std::string>>{
           {"http://example.com/api/now/table/task?sysparm_limit=1",
            "/api/now/table/task?sysparm_limit=1"},
           {"HTTPS://example.com:8443/healthz", "/healthz"},
           {"http://example.com", "/"},
           {"http://example.com?x=1", "/"},
           {"/plain", "/plain"}}) {
    RequestParser parser;
    BOOST_TEST(!parse(parser, "GET " + target + " HTTP/1.1\r\nHost: h\r\n\r\n"));
    BOOST_TEST(parser.release().target == path);
  }
}

BOOST_AUTO_TEST_CASE(expect_100_continue_is_noted_on_http_1_1) {
  RequestParser asks;
  BOOST_TEST(!parse(asks,
                    "POST /x HTTP/1.1\r\nHost: h\r\nExpect: 100-Continue\r\n"
                    "Content-Length: 1\r\n\r\n"));
  BOOST_TEST(asks.is_header_done());
  BOOST_TEST(asks.expects_continue());
  RequestParser old;
  BOOST_TEST(!parse(old, "POST /x HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\n"));
  BOOST_TEST(!old.expects_continue());
}

BOOST_AUTO_TEST_SUITE_END()
