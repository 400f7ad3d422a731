// XML bodies: requests into the same trees as JSON, answers as <response> documents, and hostile
// input (DTDs, entity bombs, deep nesting, garbage) refused.
#include "server/xml_codec.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <random>

#include "server/body_format.hpp"
#include "server/message_codec.hpp"

using namespace awa;
using namespace awa::server;

BOOST_AUTO_TEST_SUITE(xml_codec)

BOOST_AUTO_TEST_CASE(a_request_becomes_the_same_tree_as_json) {
  const auto fields = parse_body(R"(<?xml version="1.0" encoding="UTF-8"?>
<request>
  <queue_id>92f8942787851210be070d48dabb35fb</queue_id>
  <assignment><agent_sys_id>0d584509c323120095ccd02422d3ae5b</agent_sys_id>
    <timeout>30</timeout><allowed_to_decline>true</allowed_to_decline>
    <display_option/></assignment>
  <list><entry>a</entry><entry>b &amp; c</entry></list>
  <note><![CDATA[<not markup>]]></note>
</request>)",
                                 BodyFormat::xml);
  BOOST_REQUIRE(fields.ok());
  BOOST_TEST(boost::json::serialize(fields.value()) ==
             R"({"queue_id":"92f8942787851210be070d48dabb35fb","assignment":{"agent_sys_id":)"
             R"("0d584509c323120095ccd02422d3ae5b","timeout":"30","allowed_to_decline":"true",)"
             R"("display_option":""},"list":["a","b & c"],"note":"<not markup>"})");
  const auto offer = message::decode_offer(fields.value());
  BOOST_REQUIRE(offer.ok());
  BOOST_TEST(*offer->assignment->timeout == "30");
}

BOOST_AUTO_TEST_CASE(answers_are_response_documents_with_members_in_name_order) {
  BOOST_TEST(xml::render_response(message::error("No Record found", "x < y")) ==
             R"(<?xml version="1.0" encoding="UTF-8"?><response><error><detail>x &lt; y</detail>)"
             R"(<message>No Record found</message></error><status>failure</status></response>)");
  domain::OfferAccepted accepted{"Manual assignment successfully requested.",
                                 {"Interaction: IMS0000221", "w", "d", "interaction", "q"}};
  BOOST_TEST(
      xml::render_response(message::offer_success(accepted)) ==
      R"(<?xml version="1.0" encoding="UTF-8"?><response><result>)"
      R"(<message>Manual assignment successfully requested.</message><success>true</success>)"
      R"(<work_item><display_name>Interaction: IMS0000221</display_name><document_id>d</document_id>)"
      R"(<document_table>interaction</document_table><queue>q</queue><sys_id>w</sys_id></work_item>)"
      R"(</result></response>)");
  const auto list = boost::json::parse(R"({"result":[{"a":"1"},{"a":"2"}]})");
  BOOST_TEST(xml::render_response(list) ==
             R"(<?xml version="1.0" encoding="UTF-8"?><response><result><entry><a>1</a></entry>)"
             R"(<entry><a>2</a></entry></result></response>)");
}

BOOST_AUTO_TEST_CASE(hostile_and_malformed_xml_is_refused) {
  std::string deep = "<request>";
  for (int i = 0; i < 10000; ++i) deep += "<a>";
  for (int i = 0; i < 10000; ++i) deep += "</a>";
  deep += "</request>";
  const std::string billion_laughs = R"(<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<request><queue_id>&lol3;</queue_id></request>)";
  const std::string external =
      R"(<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><request><q>&x;</q></request>)";
  for (const std::string& bad :
       {billion_laughs, external, deep, std::string("<request>"), std::string("<request></wrong>"),
        std::string("not xml"), std::string(""), std::string("<other><a>1</a></other>"),
        std::string("<request/><request/>"), std::string("<request><a>\xff</a></request>")}) {
    const auto parsed = parse_body(bad, BodyFormat::xml);
    BOOST_REQUIRE(!parsed.ok());
    BOOST_TEST(parsed.failure().message == "Request body is not valid XML");
  }
  // Nesting within the limit is fine.
  std::string fine = "<request>";
  for (int i = 0; i < 20; ++i) fine += "<a>";
  for (int i = 0; i < 20; ++i) fine += "</a>";
  BOOST_TEST(parse_body(fine + "</request>", BodyFormat::xml).ok());
}

BOOST_AUTO_TEST_CASE(random_bytes_get_a_tree_or_a_400_that_says_why) {
  std::mt19937 random(1);
  const std::string alphabet = "<>/!?[]&;=\"' abcrequst\n\x01\xff";
  std::size_t parsed = 0, refused = 0, unexplained = 0;
  for (int i = 0; i < 20000; ++i) {
    // Half start as a request would; a few are whole ones, with random text inside.
    std::string body = i % 2 == 0 ? "<request>" : "";
    const auto length = random() % 64;
    for (unsigned j = 0; j < length; ++j) body += alphabet[random() % alphabet.size()];
    if (i % 10 == 0) body = "<request><a>" + std::to_string(random()) + "</a></request>";
    const auto result = parse_body(body, BodyFormat::xml);
    if (result) {
      ++parsed;
    } else if (result.failure().kind == awa::domain::errc::bad_request &&
               !result.failure().message.empty()) {
      ++refused;
    } else {
      ++unexplained;
    }
  }
  BOOST_TEST(unexplained == 0u);
  BOOST_TEST(parsed >= 2000u);  // the whole requests, at least
  BOOST_TEST(refused > 0u);
}

BOOST_AUTO_TEST_CASE(negotiation) {
  BOOST_TEST((request_format("") == BodyFormat::json));
  BOOST_TEST((request_format("application/json; charset=utf-8") == BodyFormat::json));
  BOOST_TEST((request_format("Application/XML") == BodyFormat::xml));
  BOOST_TEST((request_format("text/xml; charset=UTF-8") == BodyFormat::xml));
  BOOST_TEST(!request_format("text/plain"));
  BOOST_TEST((response_format("") == BodyFormat::json));
  BOOST_TEST((response_format("application/xml") == BodyFormat::xml));
  BOOST_TEST((response_format("text/html, application/xml;q=0.9") == BodyFormat::xml));
  BOOST_TEST((response_format("*/*") == BodyFormat::json));
  BOOST_TEST(!response_format("text/html"));
}

BOOST_AUTO_TEST_SUITE_END()
