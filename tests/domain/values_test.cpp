// The value types under the rules: sys_ids, timestamps, booleans, numbers, roles.
#include <boost/test/unit_test.hpp>

#include <set>

#include "domain/field_value.hpp"
#include "domain/roles.hpp"
#include "domain/sys_id.hpp"
#include "domain/time_format.hpp"

using namespace awa::domain;

BOOST_AUTO_TEST_SUITE(values)

BOOST_AUTO_TEST_CASE(sys_ids_round_trip_and_reject_anything_else) {
  const auto id = SysId::parse("0D584509c323120095ccd02422d3ae5b");
  BOOST_REQUIRE(id);
  BOOST_TEST(id->str() == "0d584509c323120095ccd02422d3ae5b");
  BOOST_TEST(!SysId::parse("0d584509c323120095ccd02422d3ae5"));
  BOOST_TEST(!SysId::parse("0d584509c323120095ccd02422d3ae5bb"));
  BOOST_TEST(!SysId::parse("0d584509c323120095ccd02422d3ae5g"));
  BOOST_TEST(!SysId::parse(""));
  // The characters either side of each digit range, and a byte past ASCII.
  for (const char c : {'/', ':', '@', 'G', '`', 'g', '\xff', '\0'}) {
    std::string text(32, 'a');
    text[7] = c;
    BOOST_TEST(!SysId::parse(text), "accepted " << int(static_cast<unsigned char>(c)));
  }
}

BOOST_AUTO_TEST_CASE(generated_sys_ids_are_distinct) {
  SysIdGenerator ids;
  std::set<std::string> seen;
  for (int i = 0; i < 10000; ++i) seen.insert(ids.next().str());
  BOOST_TEST(seen.size() == 10000u);
}

BOOST_AUTO_TEST_CASE(offer_times_parse_strictly) {
  const auto t = parse_offer_time("2024-04-03T23:09:31.042");
  BOOST_REQUIRE(t);
  BOOST_TEST(format_offer_time(*t) == "2024-04-03T23:09:31.042");
  BOOST_TEST(format_table_time(*t) == "2024-04-03 23:09:31");
  const auto early = parse_offer_time("0999-12-31T23:59:59.999");
  BOOST_REQUIRE(early);
  BOOST_TEST(format_offer_time(*early) == "0999-12-31T23:59:59.999");  // zero-padded
  BOOST_TEST(format_table_time(*early + std::chrono::milliseconds(1)) == "1000-01-01 00:00:00");
  // Past the four-digit year (a countdown's arithmetic may get there): wider, still exact.
  const auto late = *parse_offer_time("9999-12-31T23:59:59.007") + std::chrono::hours(24 * 366);
  BOOST_TEST(format_offer_time(late) == "10000-12-31T23:59:59.007");
  BOOST_TEST(parse_offer_time("2024-02-29T00:00:00.000").has_value());  // leap year
  BOOST_TEST(!parse_offer_time("2023-02-29T00:00:00.000"));
  BOOST_TEST(!parse_offer_time("2024-04-03T23:09:31.04"));
  BOOST_TEST(!parse_offer_time("2024-04-03T23:09:31.0420"));
  BOOST_TEST(!parse_offer_time("2024-04-03T23:60:31.042"));
  BOOST_TEST(!parse_offer_time("2024-04-03X23:09:31.042"));
  BOOST_TEST(!parse_offer_time("2024-04-03T23:09:31Z000"));
  BOOST_TEST(!parse_offer_time("+024-04-03T23:09:31.042"));
}

BOOST_AUTO_TEST_CASE(table_times_parse_strictly) {
  const auto t = parse_table_time("2024-04-03 23:09:31");
  BOOST_REQUIRE(t);
  BOOST_TEST((*t == *parse_offer_time("2024-04-03T23:09:31.000")));
  BOOST_TEST(format_table_time(*t) == "2024-04-03 23:09:31");
  BOOST_TEST(parse_table_time("2024-02-29 00:00:00").has_value());  // leap year
  BOOST_TEST(!parse_table_time("2100-02-29 00:00:00"));             // not one
  BOOST_TEST(!parse_table_time("2024-04-31 00:00:00"));
  BOOST_TEST(!parse_table_time("2024-13-01 00:00:00"));
  BOOST_TEST(!parse_table_time("2024-00-01 00:00:00"));
  BOOST_TEST(!parse_table_time("2024-04-03 24:00:00"));
  BOOST_TEST(!parse_table_time("2024-04-03 23:09:60"));
  BOOST_TEST(!parse_table_time("2024-04-03T23:09:31"));
  BOOST_TEST(!parse_table_time("2024-04-03 23:09:31.000"));
  BOOST_TEST(!parse_table_time("2024-04-03 23:09:3"));
  // A character just below '0' or just above '9' in each digit's place.
  const std::string good = "2024-04-03 23:09:31";
  for (const std::size_t at : {0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18}) {
    for (const char c : {'/', ':', ' ', 'a'}) {
      std::string bad = good;
      bad[at] = c;
      BOOST_TEST(!parse_table_time(bad), bad);
    }
  }
}

BOOST_AUTO_TEST_CASE(booleans_in_every_form) {
  for (const char* yes : {"true", "TRUE", "True", "yes", "YES", "1"})
    BOOST_TEST((parse_bool(yes) == true));
  for (const char* no : {"false", "False", "no", "NO", "0"}) BOOST_TEST((parse_bool(no) == false));
  for (const char* bad : {"", "y", "n", "2", "truee", " true"}) BOOST_TEST(!parse_bool(bad));
}

BOOST_AUTO_TEST_CASE(integers_accept_a_zero_fraction_only) {
  BOOST_TEST((parse_integer("30") == 30));
  BOOST_TEST((parse_integer("+30") == 30));
  BOOST_TEST((parse_integer("-7") == -7));
  BOOST_TEST((parse_integer("30.0") == 30));
  BOOST_TEST((parse_integer("30.000") == 30));
  BOOST_TEST(!parse_integer("30.5"));
  BOOST_TEST(!parse_integer("30."));
  BOOST_TEST(!parse_integer("3e1"));
  BOOST_TEST(!parse_integer(""));
  BOOST_TEST(!parse_integer("99999999999999999999999"));
}

BOOST_AUTO_TEST_CASE(roles_parse_from_a_comma_list) {
  const Roles r = Roles::parse(" awa_agent, awa_external_user ,unknown_role");
  BOOST_TEST(r.has(Role::awa_agent));
  BOOST_TEST(r.has(Role::awa_external_user));
  BOOST_TEST(!r.has(Role::awa_manager));
  const Roles admin = Roles::parse("admin");
  BOOST_TEST(admin.has(Role::awa_manager));  // admin passes every role check
  BOOST_TEST(!admin.has_exactly(Role::awa_agent));
  BOOST_TEST(!Roles::parse("").any());
}

BOOST_AUTO_TEST_SUITE_END()
