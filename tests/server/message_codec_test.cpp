// JSON bodies in and out.
#include "server/message_codec.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include "server/body_format.hpp"

using namespace awa;
using namespace awa::server;

namespace {

// A JSON body through parse_body and a decoder, as the API does it.
template <class Decode>
auto decoded(std::string_view body, Decode decode)
    -> decltype(decode(std::declval<const boost::json::object&>())) {
  auto fields = parse_body(body, BodyFormat::json);
  if (!fields) return fields.failure();
  return decode(fields.value());
}
auto offer_from(std::string_view body) {
  return decoded(body, message::decode_offer);
}
auto fields_from(std::string_view body) {
  return decoded(body, message::decode_fields);
}
auto presence_from(std::string_view body) {
  return decoded(body, message::decode_presence);
}
std::string text(const boost::json::value& v) {
  return boost::json::serialize(v);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(message_codec)

BOOST_AUTO_TEST_CASE(decodes_the_vendors_example) {
  const auto r = offer_from(R"({
    "external_segment_id": "segment_59616aba87bd5210be070d48dabb35e6",
    "queue_id": "92f8942787851210be070d48dabb35fb",
    "assignment": {"agent_sys_id": "0d584509c323120095ccd02422d3ae5b",
      "allowed_to_decline": "true", "enable_auto_assign": "false", "timeout": 30,
      "offered_on": "2024-04-03T23:09:31.000"},
    "unknown": {"ignored": [1, 2]}})");
  BOOST_REQUIRE(r.ok());
  BOOST_TEST(*r->queue_id == "92f8942787851210be070d48dabb35fb");
  BOOST_TEST(*r->external_segment_id == "segment_59616aba87bd5210be070d48dabb35e6");
  BOOST_REQUIRE(r->assignment);
  BOOST_TEST(*r->assignment->timeout == "30");
  BOOST_TEST(*r->assignment->allowed_to_decline == "true");
  BOOST_TEST(!r->transfer);
}

BOOST_AUTO_TEST_CASE(scalars_become_the_text_the_rules_read) {
  const auto r = offer_from(
      R"({"assignment": {"allowed_to_decline": true, "enable_auto_assign": 0,
          "timeout": 30.0, "display_option": null}})");
  BOOST_REQUIRE(r.ok());
  BOOST_TEST(*r->assignment->allowed_to_decline == "true");
  BOOST_TEST(*r->assignment->enable_auto_assign == "0");
  BOOST_TEST(*r->assignment->timeout == "30");
  BOOST_TEST(!r->assignment->display_option);
}

BOOST_AUTO_TEST_CASE(wrong_shapes_name_the_field) {
  const std::pair<const char*, const char*> cases[] = {
      {R"({"queue_id": {"a": 1}})", "Invalid value for field queue_id"},
      {R"({"assignment": "agent"})", "Invalid value for field assignment"},
      {R"({"assignment": {"timeout": [30]}})", "Invalid value for field assignment.timeout"},
      {R"({"transfer": {"target_id": {}}})", "Invalid value for field transfer.target_id"},
      {R"({"queue_id": "q",})", "Request body is not valid JSON"},
      {R"([1, 2])", "Request body is not valid JSON"},
      {"", "Request body is not valid JSON"},
      {"\"\xff\"", "Request body is not valid JSON"},
  };
  for (const auto& [body, message] : cases) {
    const auto r = offer_from(body);
    BOOST_REQUIRE(!r.ok());
    BOOST_TEST(r.failure().message == message);
  }
}

BOOST_AUTO_TEST_CASE(refuses_huge_values_naming_the_field) {
  const std::string huge(64 * 1024 + 1, 'x');
  // The APIs' own fields are ids, times and options: 255 at most.
  const auto offer =
      offer_from(R"({"assignment": {"offered_on": ")" + std::string(256, 'x') + R"("}})");
  BOOST_REQUIRE(!offer.ok());
  BOOST_TEST(offer.failure().message ==
             "Value of field assignment.offered_on is longer than 255 characters");
  BOOST_TEST(offer_from(R"({"external_segment_id": ")" + std::string(255, 'x') + R"("})").ok());
  // The Table API's, within 64 KiB here, are held to their own lengths by the domain.
  const auto fields = fields_from(R"({"short_description": ")" + huge + R"("})");
  BOOST_REQUIRE(!fields.ok());
  BOOST_TEST(fields.failure().message ==
             "Value of field short_description is longer than 65536 characters");
  BOOST_TEST(fields_from(R"({"short_description": ")" + huge.substr(1) + R"("})").ok());
}

BOOST_AUTO_TEST_CASE(refuses_numbers_beyond_a_double) {
  const auto parsed = parse_body(R"({"timeout": 1.5e400})", BodyFormat::json);
  BOOST_REQUIRE(!parsed.ok());
  BOOST_TEST(parsed.failure().message ==
             "Request body holds a number beyond the range of a double");
  BOOST_TEST(parse_body(R"({"timeout": 1.5e300})", BodyFormat::json).ok());
}

BOOST_AUTO_TEST_CASE(refuses_deep_nesting) {
  std::string deep = R"({"a":)";
  for (int i = 0; i < 100; ++i) deep += "[";
  for (int i = 0; i < 100; ++i) deep += "]";
  deep += "}";
  BOOST_TEST(!offer_from(deep).ok());
}

BOOST_AUTO_TEST_CASE(table_fields_and_presence) {
  const auto fields = fields_from(R"({"name": "Q", "active": false, "order": 5, "x": null})");
  BOOST_REQUIRE(fields.ok());
  BOOST_TEST(fields->size() == 4u);
  BOOST_TEST(fields->at(1).second == "false");
  BOOST_TEST(fields->at(2).second == "5");
  BOOST_TEST(fields->at(3).second == "");
  BOOST_TEST(!fields_from(R"({"name": ["Q"]})").ok());

  const auto presence = presence_from(R"({"presence": {"sys_id": "abc"}})");
  BOOST_REQUIRE(presence.ok());
  BOOST_TEST(*presence.value() == "abc");
  BOOST_TEST(!presence_from(R"({})").value().has_value());
  const auto invalid = presence_from(R"({"presence": {"sys_id": [1]}})");
  BOOST_REQUIRE(!invalid.ok());
  BOOST_TEST(invalid.failure().message == "Invalid value for field presence.sys_id");
}

BOOST_AUTO_TEST_CASE(offer_success_written_straight_out_matches_the_tree) {
  // Whatever the values hold, the JSON written without a tree is the tree's, byte for byte.
  const std::vector<std::string> values = {
      "",
      "Interaction: IMS0000221",
      "73bbb69db5d2330a10df02522e77a74e",
      "say \"hi\"",
      "back\\slash",
      std::string("nul\0and\x01\x1f", 9),
      "tab\tnew\nline\r\b\f",
      "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
      "slash / and \x7f",
      std::string(600, '"'),
  };
  for (std::size_t i = 0; i < values.size(); ++i) {
    const auto& v = values[i];
    const auto& next = values[(i + 1) % values.size()];
    const domain::OfferAccepted accepted{v, {next, v, next, v, next}};
    BOOST_TEST(message::offer_success_json(accepted) == text(message::offer_success(accepted)));
  }
}

BOOST_AUTO_TEST_CASE(offer_success_written_straight_out_escapes_at_every_position) {
  // The scan for characters to escape goes a word at a time, then byte by byte: each kind of
  // character, at every place of a string some words long, must still be found.
  for (const char special : {'"', '\\', '\0', '\x01', '\n', '\x1f'}) {
    for (std::size_t length = 1; length <= 20; ++length) {
      for (std::size_t at = 0; at < length; ++at) {
        std::string value(length, 'a');
        value[at] = special;
        const domain::OfferAccepted accepted{value, {"n", "w", "d", "interaction", "q"}};
        BOOST_TEST(message::offer_success_json(accepted) == text(message::offer_success(accepted)),
                   "character " << int(special) << " at " << at << " of " << length);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(encodes_the_platform_envelopes) {
  domain::OfferAccepted accepted{"Manual assignment successfully requested.",
                                 {"Interaction: IMS0000221", "w", "d", "interaction", "q"}};
  BOOST_TEST(text(message::offer_success(accepted)) ==
             R"({"result":{"work_item":{"display_name":"Interaction: IMS0000221","sys_id":"w",)"
             R"("document_id":"d","document_table":"interaction","queue":"q"},"success":true,)"
             R"("message":"Manual assignment successfully requested."}})");
  BOOST_TEST(text(message::offer_failure("Agent is not available")) ==
             R"({"result":{"success":false,"message":"Agent is not available"}})");
  BOOST_TEST(
      text(message::error("User Not Authenticated", "Required to provide Auth information")) ==
      R"({"error":{"message":"User Not Authenticated","detail":"Required to provide Auth information"},"status":"failure"})");
  BOOST_TEST(text(message::error("No Record found")) ==
             R"({"error":{"message":"No Record found","detail":null},"status":"failure"})");
}

BOOST_AUTO_TEST_CASE(records_never_show_passwords) {
  domain::Record user =
      domain::blank_record(domain::Table::sys_user, domain::SysIdGenerator{}.next());
  user.values[domain::user_field::user_name] = "u";
  user.values[domain::user_field::password] = "$argon2id$secret-hash";
  const std::string all = text(message::record(user));
  BOOST_TEST(all.find("argon2id") == std::string::npos);
  BOOST_TEST(all.find("password") == std::string::npos);
  const std::vector<std::string> fields{"user_name", "password"};
  BOOST_TEST(text(message::record(user, &fields)) == R"({"result":{"user_name":"u"}})");
}

BOOST_AUTO_TEST_CASE(refuses_control_characters_naming_the_field) {
  for (const std::string bad : {"\\u0001", "\\u001b[31m", "a\\u0000b"}) {
    const auto fields = fields_from(R"({"name": "x)" + bad + R"("})");
    BOOST_REQUIRE(!fields.ok());
    BOOST_TEST(fields.failure().message ==
               "Invalid value for field name: control characters are not allowed");
    const auto offer = offer_from(R"({"external_segment_id": ")" + bad + R"("})");
    BOOST_REQUIRE(!offer.ok());
    BOOST_TEST(offer.failure().message ==
               "Invalid value for field external_segment_id: control characters are not allowed");
  }
  // Tab, CR and LF are text.
  BOOST_TEST(fields_from(R"({"name": "a\tb\r\nc"})").ok());
}

BOOST_AUTO_TEST_CASE(messages_that_echo_input_stay_valid_utf8_and_printable) {
  const std::string echoed =
      "bad\x1b[2J\xff\xfe"
      "table";
  const auto body = boost::json::serialize(message::error("Invalid table " + echoed));
  BOOST_TEST(body.find("Invalid table bad\\\\x1b[2J\\\\xff\\\\xfetable") != std::string::npos,
             body);
  const auto offer =
      boost::json::serialize(message::offer_failure(echoed + " is not a valid agent"));
  BOOST_TEST(offer.find("\\\\xff") != std::string::npos, offer);
  BOOST_TEST(offer.find('\xff') == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
