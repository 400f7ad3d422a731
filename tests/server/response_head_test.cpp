// The answer's head as the server formats it is byte for byte what Beast's serializer writes for
// the same message, built as the server built it before (fields set in the same order), but for
// one mistake of Beast 1.81's: a Content-Length on a 204, which RFC 9110 (8.6) forbids.
#include "server/response_head.hpp"

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/test/unit_test.hpp>

#include <sstream>

using awa::server::format_response_head;
using awa::server::HttpResponse;
namespace http = boost::beast::http;

namespace {

std::string as_beast_writes(const HttpResponse& answer, unsigned version, bool keep_alive) {
  http::response<http::string_body> response(static_cast<http::status>(answer.status), version);
  response.set(http::field::server, "awa-server");
  if (answer.status != 204) {
    response.set(http::field::content_type, answer.content_type);
    response.body() = answer.body;
  }
  for (const auto& [name, value] : answer.headers) response.set(name, value);
  response.keep_alive(keep_alive);
  response.prepare_payload();
  std::ostringstream out;
  out << response;
  std::string written = out.str();
  if (answer.status == 204) {
    const auto at = written.find("Content-Length: 0\r\n");
    BOOST_REQUIRE(at != std::string::npos);  // still Beast's way: else this drops nothing
    written.erase(at, std::string_view("Content-Length: 0\r\n").size());
  }
  return written;
}

std::string as_formatted(const HttpResponse& answer, unsigned version, bool keep_alive) {
  std::string head = "stale bytes of the answer before";
  format_response_head(answer, version, keep_alive, head);
  return head + answer.body;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(response_head)

BOOST_AUTO_TEST_CASE(heads_match_what_beast_writes_for_every_version_and_connection) {
  HttpResponse ok{200, R"({"result":{"status":"success"}})", "application/json", {}};
  HttpResponse unauthorized{401,
                            "<response><error/></response>",
                            "application/xml",
                            {{"WWW-Authenticate", "Basic realm=\"awa-server\""}}};
  HttpResponse busy{503, "{}", "application/json", {{"Retry-After", "1"}, {"Allow", "GET"}}};
  HttpResponse deleted{204, "", "application/json", {}};
  HttpResponse odd{599, "x", "text/plain", {}};  // a code Beast has no reason for
  for (const auto* answer : {&ok, &unauthorized, &busy, &deleted, &odd}) {
    for (const unsigned version : {10u, 11u}) {
      for (const bool keep_alive : {true, false}) {
        BOOST_TEST_CONTEXT("status " << answer->status << ", HTTP/" << version << ", keep-alive "
                                     << keep_alive) {
          BOOST_TEST(as_formatted(*answer, version, keep_alive) ==
                     as_beast_writes(*answer, version, keep_alive));
        }
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(the_length_counts_every_byte_of_the_body) {
  HttpResponse big{200, std::string(123456, 'x'), "application/json", {}};
  std::string head;
  format_response_head(big, 11, true, head);
  BOOST_TEST(head.find("\r\nContent-Length: 123456\r\n") != std::string::npos);
  BOOST_TEST(head.ends_with("\r\n\r\n"));
}

BOOST_AUTO_TEST_SUITE_END()
