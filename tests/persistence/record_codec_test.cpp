// How records are laid out in RocksDB: every value comes back exactly as it went in, whatever it
// looks like, in the compact form written now and in the text form written before.
#include "persistence/record_codec.hpp"

#include <boost/test/unit_test.hpp>

#include <random>
#include <string>
#include <vector>

#include "tests/support/sample_records.hpp"

using namespace awa;
using domain::Record;
using domain::Table;

namespace {

using testing::queue_record;

// A pending work item as an offer leaves it.
Record work_item() {
  domain::SysIdGenerator ids;
  Record r = domain::blank_record(Table::awa_work_item, ids.next());
  namespace f = domain::work_item_field;
  r.values[0] = "2026-12-01 23:45:41";  // sys_created_on
  r.values[1] = "2026-12-01 23:45:41";  // sys_updated_on, the same
  r.values[f::document_table] = "interaction";
  r.values[f::document_id] = ids.next().str();
  r.values[f::display_name] = "IMS0001234";
  r.values[f::queue] = ids.next().str();
  r.values[f::assigned_to] = ids.next().str();
  r.values[f::state] = "pending_accept";
  r.values[f::active] = "true";
  r.values[f::offered_on] = "2026-12-01T23:45:41.123";
  r.values[f::timeout] = "30";
  r.values[f::deadline] = "2026-12-01T23:46:11.123";
  r.values[f::offer_count] = "1";
  return r;
}

// The value as format 1 stored it: the format byte, then every value as text.
std::string text_form(const Record& r) {
  return "\x01" + r.values.serialize();
}

Record decoded(const Record& r, const std::string& value) {
  const auto back = persistence::decode(persistence::encode_key(r.table, r.id), value);
  BOOST_REQUIRE(back);
  return *back;
}

// Encodes and decodes a work item whose value at `field` is `value`; true if it came back.
bool round_trips(std::string_view value,
                 std::size_t field = domain::work_item_field::display_name) {
  Record r = work_item();
  r.values[field] = value;
  const auto back = decoded(r, persistence::encode_value(r));
  return back.values == r.values && back.values[field] == value;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(record_codec)

BOOST_AUTO_TEST_CASE(round_trips_every_byte) {
  Record r = queue_record(std::string("bytes \0\x01\xff and more", 18));
  r.values[domain::queue_field::external_id] = std::string(300, 'x');  // a two-byte varint
  const auto back = decoded(r, persistence::encode_value(r));
  BOOST_TEST(back.id == r.id);
  BOOST_TEST(back.values == r.values);
}

BOOST_AUTO_TEST_CASE(a_work_item_round_trips_at_under_half_the_text_size) {
  const Record r = work_item();
  const std::string compact = persistence::encode_value(r);
  BOOST_TEST(decoded(r, compact).values == r.values);
  // Three sys_ids as 16 bytes, four stamps and the small numbers as varints, the words and the
  // repeated stamp as a byte each.
  BOOST_TEST_MESSAGE("compact " << compact.size() << ", text " << text_form(r).size());
  BOOST_TEST(compact.size() * 2 < text_form(r).size(), compact.size()
                                                           << " against " << text_form(r).size());
}

BOOST_AUTO_TEST_CASE(records_written_in_the_text_form_still_read) {
  for (const Record& r : {work_item(), queue_record("written by an earlier version")}) {
    BOOST_TEST(decoded(r, text_form(r)).values == r.values);
  }
}

BOOST_AUTO_TEST_CASE(values_that_only_look_compactable_stay_exactly_as_they_were) {
  namespace f = domain::work_item_field;
  for (const std::string_view value : {
           "0123456789abcdef0123456789abcdeF",   // an upper-case digit
           "0123456789abcdef0123456789abcdeg",   // not hex
           "0123456789abcdef0123456789abcde",    // 31 digits
           "0123456789abcdef0123456789abcdef0",  // 33
           "00000000000000000000000000000000",
           "ffffffffffffffffffffffffffffffff",
           "2026-02-30 10:00:00",  // no such day
           "2026-12-01 24:00:00",  // no such hour
           "2026-12-01 23:59:60",  // a leap second
           "1969-12-31 23:59:59",  // before 1970
           "1970-01-01 00:00:00",
           "9999-12-31 23:59:59",
           "2026-12-01T23:45:41",      // 19 characters, but the offer form without milliseconds
           "2026-12-01 23:45:41.123",  // 23, but the table form with them
           "2026-12-01T23:45:41.1234",
           "2026-12-01t23:45:41.123",
           "+026-12-01 23:45:41",
           "0",
           "00",
           "007",
           "30",
           "-1",
           "+1",
           "1e3",
           "999999999999999999",
           "1000000000000000000",  // 19 digits
           "18446744073709551616",
           "true",
           "True",
           "false ",
           "pending_accept",
           "",
           "x",
           "xx",
       }) {
    BOOST_TEST(round_trips(value), '"' << value << '"');
    BOOST_TEST(round_trips(value, f::offered_on), '"' << value << '"');
  }
}

BOOST_AUTO_TEST_CASE(repeats_come_back_as_the_value_they_repeat) {
  Record r = work_item();
  namespace f = domain::work_item_field;
  // Runs of equal values of every kind, and a repeat of text beside one of a code.
  for (const std::size_t field : {f::document_table, f::document_id, f::display_name}) {
    r.values[field] = r.values[f::queue];
  }
  r.values[f::active] = "ab";
  r.values[f::offered_on] = "ab";
  r.values[f::timeout] = "ab";
  BOOST_TEST(decoded(r, persistence::encode_value(r)).values == r.values);
}

BOOST_AUTO_TEST_CASE(random_values_round_trip) {
  // Drawn from pieces of every compact kind, so that near misses are common.
  const std::vector<std::string> pieces{"0",
                                        "1",
                                        "9",
                                        "a",
                                        "f",
                                        "F",
                                        "g",
                                        "-",
                                        ":",
                                        " ",
                                        "T",
                                        ".",
                                        "2026-",
                                        "12-",
                                        "31",
                                        "23:59:",
                                        "true",
                                        "blind",
                                        "0123456789abcdef",
                                        "\xff",
                                        std::string(1, '\0')};
  std::mt19937 random(5);
  const std::size_t fields = domain::spec_of(Table::awa_work_item).fields.size();
  for (int round = 0; round < 3000; ++round) {
    Record r = work_item();
    for (std::size_t field = 0; field < fields; ++field) {
      if (random() % 3 == 0) continue;  // keep the work item's own value
      std::string value;
      const auto length = random() % 12;
      for (std::size_t i = 0; i < length; ++i) value += pieces[random() % pieces.size()];
      if (random() % 5 == 0 && field > 0) value = std::string(r.values[field - 1]);  // a repeat
      r.values[field] = value;
    }
    BOOST_TEST_REQUIRE((decoded(r, persistence::encode_value(r)).values == r.values), r.values);
  }
}

BOOST_AUTO_TEST_CASE(rejects_what_it_did_not_write) {
  const Record r = queue_record("q");
  const std::string key = persistence::encode_key(r.table, r.id);
  std::string value = persistence::encode_value(r);
  BOOST_TEST(!persistence::decode(key, value.substr(0, value.size() - 1)));
  BOOST_TEST(!persistence::decode(key, value + "x"));
  BOOST_TEST(!persistence::decode(key, ""));
  BOOST_TEST(!persistence::decode(key.substr(0, 16), value));
  std::string bad_table = key;
  bad_table[0] = 99;
  BOOST_TEST(!persistence::decode(bad_table, value));
  BOOST_TEST(!persistence::decode(key, "\x03" + value.substr(1)));  // no such format
}

BOOST_AUTO_TEST_CASE(rejects_malformed_compact_items) {
  const Record r = queue_record("q");
  const std::string key = persistence::encode_key(r.table, r.id);
  // Format 2, one value, then the item.
  const auto one = [&](std::string item) { return persistence::decode(key, "\x02\x01" + item); };
  BOOST_TEST(one(std::string("\x00", 1)).has_value());               // empty text: fine
  BOOST_TEST(!one("\x18").has_value());                              // text of 3 bytes, none there
  BOOST_TEST(!one("\x01" + std::string(15, 'a')).has_value());       // a sys_id of 15 bytes
  BOOST_TEST(!one("\x09" + std::string(16, 'a')).has_value());       // a sys_id with n = 1
  BOOST_TEST(!one("\x64").has_value());                              // word 12: past the table
  BOOST_TEST(!one("\x06").has_value());                              // a repeat of nothing
  BOOST_TEST(!one("\x07").has_value());                              // kind 7: none such
  BOOST_TEST(!one("\x80").has_value());                              // a varint cut short
  BOOST_TEST(!one("\xfa\xff\xff\xff\xff\xff\xff\x7f").has_value());  // a stamp past year 9999
}

BOOST_AUTO_TEST_CASE(a_record_with_fewer_fields_reads_with_defaults) {
  // As written by a version that knew only the first three queue fields.
  Record old = queue_record("old");
  old.values.resize(3);
  const auto back = decoded(old, persistence::encode_value(old));
  BOOST_TEST(back.values.size() == domain::spec_of(Table::awa_queue).fields.size());
  BOOST_TEST(back.values[domain::queue_field::active] == "true");
}

BOOST_AUTO_TEST_SUITE_END()
