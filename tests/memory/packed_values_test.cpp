// A record's packed values: each field reads back what was set, whatever its length, and only
// well-formed packed bytes are taken in.
#include "memory/packed_values.hpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "memory/value_dictionary.hpp"

using awa::memory::PackedValues;
using awa::memory::ValueDictionary;

BOOST_AUTO_TEST_SUITE(packed_values)

BOOST_AUTO_TEST_CASE(each_field_reads_back_what_was_set) {
  PackedValues values{"a", "", "ccc"};
  BOOST_TEST(values.size() == 3u);
  BOOST_TEST(values[0] == "a");
  BOOST_TEST(values[1] == "");
  BOOST_TEST(values[2] == "ccc");

  const std::string long_text(70000, 'x');  // three-byte length
  values[1] = long_text;
  values[0] = "";
  BOOST_TEST(values[1] == long_text);
  BOOST_TEST(values[0] == "");
  BOOST_TEST(values[2] == "ccc");
  values[1] = "b";
  BOOST_TEST(values[1] == "b");
  values[0] = std::string_view();  // empty over empty, in place (found by fuzzing: no UB)
  BOOST_TEST(values[0] == "");
  BOOST_TEST(values.packed().size() == 1u + 1 + 2 + 4);
}

BOOST_AUTO_TEST_CASE(a_field_can_be_set_from_another_field_of_the_same_values) {
  PackedValues values{"first", "second"};
  values[0] = values[1];
  BOOST_TEST(values[0] == "second");
  BOOST_TEST(values[1] == "second");
}

BOOST_AUTO_TEST_CASE(several_fields_set_at_once_read_as_if_set_one_by_one) {
  PackedValues together{"pending_accept", "0d584509c323120095ccd02422d3ae5b", "false", "x"};
  PackedValues one_by_one = together;
  together.set_fields({{0, "queued"}, {1, ""}, {2, "true"}, {2, "false"}, {3, together[0]}});
  one_by_one[0] = "queued";
  one_by_one[1] = "";
  one_by_one[2] = "false";           // the last of the two wins
  one_by_one[3] = "pending_accept";  // from the field's value before the change
  BOOST_TEST(together == one_by_one);
  BOOST_TEST(together.packed() == one_by_one.packed());
  BOOST_CHECK_THROW(together.set_fields({{4, "no such field"}}), std::out_of_range);
  BOOST_TEST(together == one_by_one);  // nothing half-applied
}

// set_fields copies the fields it leaves alone as they are, unless the field before them
// changed: at random, with repeats of the previous value and changes next to each other, every
// field still reads back what the model holds.
BOOST_AUTO_TEST_CASE(fields_set_at_random_read_back_as_a_model_of_them) {
  const std::vector<std::string> pool{
      "",     "a", "bb", "2026-01-01 12:00:00", "2026-01-01 12:00:00", "a-longer-value-0123456789",
      "false"};
  std::mt19937 random(7);
  const auto any = [&](std::size_t n) { return static_cast<std::size_t>(random() % n); };
  for (int record = 0; record < 300; ++record) {
    const std::size_t count = 1 + any(8);
    std::vector<std::string> model(count);
    PackedValues values;
    values.resize(count);
    for (int step = 0; step < 20; ++step) {
      std::vector<PackedValues::FieldValue> changes;
      std::vector<std::string> texts;  // the changes' values, held while they are applied
      texts.reserve(3);
      for (std::size_t n = 1 + any(3); n > 0; --n) {
        const std::size_t field = any(count);
        // Either a value from the pool, or the value of the field before (a repeat).
        texts.push_back(field > 0 && any(3) == 0 ? model[field - 1] : pool[any(pool.size())]);
        changes.push_back({field, texts.back()});
      }
      values.set_fields(changes);
      for (const auto& change : changes) model[change.field] = std::string(change.value);
      bool all_equal = values.size() == count;
      for (std::size_t i = 0; i < count; ++i) all_equal = all_equal && values.at(i) == model[i];
      BOOST_TEST_REQUIRE(all_equal, "record " << record << ", step " << step);
    }
  }
}

// One walk for several fields reads what a walk per field reads: text, codes, repeats, and the
// first and last fields.
BOOST_AUTO_TEST_CASE(several_fields_read_at_once_read_as_one_by_one) {
  const std::string stamp = "2026-11-28 05:47:51";
  const PackedValues values{"true", stamp, stamp, "", "pending_accept", "z"};
  const auto read = values.at_many({0, 2, 3, 4, 5});
  BOOST_TEST(read[0] == "true");
  BOOST_TEST(read[1] == stamp);  // a repeat of the field before
  BOOST_TEST(read[2] == "");
  BOOST_TEST(read[3] == "pending_accept");
  BOOST_TEST(read[4] == "z");
  for (std::size_t f = 0; f < values.size(); ++f) {
    const std::size_t one[] = {f};
    BOOST_TEST(values.at_many(one)[0] == values.at(f));
  }
  BOOST_CHECK_THROW(values.at_many({1, 6}), std::out_of_range);
  BOOST_CHECK_THROW(values.at_many({2, 1}), std::invalid_argument);  // ascending only
  BOOST_CHECK_THROW(values.at_many({1, 1}), std::invalid_argument);
}

// A new record's sys_updated_on repeats its sys_created_on: held once, read as two.
BOOST_AUTO_TEST_CASE(a_value_that_repeats_the_previous_one_is_held_once) {
  const std::string stamp = "2026-11-28 05:47:51";
  const PackedValues repeated{stamp, stamp, "x"};
  const PackedValues distinct{stamp, "2026-11-28 05:47:52", "x"};
  BOOST_TEST(repeated[0] == stamp);
  BOOST_TEST(repeated[1] == stamp);
  BOOST_TEST(repeated.packed().size() == distinct.packed().size() - stamp.size());
  BOOST_TEST(repeated.serialize() == PackedValues({stamp, stamp, "x"}).serialize());
  const auto back = PackedValues::unpack(repeated.serialize());
  BOOST_REQUIRE(back);
  BOOST_TEST(back->packed() == repeated.packed());                     // read back held once again
  BOOST_TEST(PackedValues({"a", "a"}).packed().size() == 1u + 2 + 2);  // one byte: as text
}

BOOST_AUTO_TEST_CASE(changing_a_repeated_value_leaves_the_other_as_it_was) {
  const std::string stamp = "2026-11-28 05:47:51";
  const std::string later = "2026-11-28 05:48:00";  // same length: the in-place path
  PackedValues updated{stamp, stamp, stamp};
  updated[1] = later;  // the repeat itself changes
  BOOST_TEST(updated[0] == stamp);
  BOOST_TEST(updated[1] == later);
  BOOST_TEST(updated[2] == stamp);

  PackedValues first{stamp, stamp, "x"};
  first[0] = later;  // the value repeated changes: the repeat keeps its own value
  BOOST_TEST(first[0] == later);
  BOOST_TEST(first[1] == stamp);
  BOOST_TEST(first[2] == "x");

  PackedValues several{stamp, stamp, stamp, "true"};
  several.set_fields({{0, later}, {3, stamp}});
  BOOST_TEST(several == PackedValues({later, stamp, stamp, stamp}));
  several.set_fields({{1, later}});  // now repeats the first
  BOOST_TEST(several == PackedValues({later, later, stamp, stamp}));
  BOOST_TEST(several.packed() == PackedValues({later, later, stamp, stamp}).packed());
  several.resize(5);
  BOOST_TEST(several == PackedValues({later, later, stamp, stamp, ""}));
  several[3] = several[2];  // from a field of the same values, over its own repeat
  BOOST_TEST(several == PackedValues({later, later, stamp, stamp, ""}));
}

BOOST_AUTO_TEST_CASE(copies_are_independent_and_compare_by_content) {
  PackedValues a{"x", "y"};
  PackedValues b = a;
  BOOST_TEST(a == b);
  b[1] = "z";
  BOOST_TEST(a[1] == "y");
  BOOST_TEST(!(a == b));
  PackedValues moved = std::move(b);
  BOOST_TEST(moved[1] == "z");
}

BOOST_AUTO_TEST_CASE(resize_keeps_the_values_that_remain) {
  PackedValues values{"a", "b", "c"};
  values.resize(2);
  BOOST_TEST(values.size() == 2u);
  BOOST_TEST(values[1] == "b");
  values.resize(4);
  BOOST_TEST(values[1] == "b");
  BOOST_TEST(values[3] == "");
  values.push_back("e");
  BOOST_TEST(values.size() == 5u);
  BOOST_TEST(values[4] == "e");
  BOOST_CHECK_THROW(values.at(5), std::out_of_range);
  BOOST_CHECK_THROW(values.set(5, "x"), std::out_of_range);
}

BOOST_AUTO_TEST_CASE(unpack_takes_only_well_formed_bytes) {
  const PackedValues values{"alpha", std::string(200, 'b')};
  const auto copy = PackedValues::unpack(values.serialize());
  BOOST_REQUIRE(copy);
  BOOST_TEST(*copy == values);

  const std::string packed = values.serialize();
  BOOST_TEST(!PackedValues::unpack(""));
  BOOST_TEST(!PackedValues::unpack(packed.substr(0, packed.size() - 1)));  // cut short
  BOOST_TEST(!PackedValues::unpack(packed + "x"));                         // trailing bytes
  BOOST_TEST(
      !PackedValues::unpack("\x02\x05"
                            "abc"));                  // length past end
  BOOST_TEST(!PackedValues::unpack("\x80\x80\x80"));  // varint never ends
  BOOST_TEST(PackedValues::unpack(std::string(1, '\0'))->size() == 0u);
}

BOOST_AUTO_TEST_CASE(shared_values_are_held_as_codes_and_serialized_as_text) {
  const std::string id = "5b6f0c1e2d3a4b5c6d7e8f9a0b1c2d3e";
  ValueDictionary dictionary;  // a State's
  PackedValues plain{id, "x"};
  dictionary.add(id);  // e.g. a queue's sys_id, once the queue exists
  PackedValues coded = plain;
  coded.recode(dictionary);
  BOOST_TEST(&coded.dictionary() == &dictionary);
  BOOST_TEST(coded[0] == id);
  BOOST_TEST(coded.packed().size() < plain.packed().size() - 30);  // a code, not 32 characters
  BOOST_TEST(coded == plain);                                      // the same values, however held
  BOOST_TEST(coded.serialize() == plain.serialize());
  const auto back = PackedValues::unpack(coded.serialize(), dictionary);
  BOOST_REQUIRE(back);
  BOOST_TEST(back->packed() == coded.packed());  // read back as a code again
  BOOST_TEST(PackedValues::unpack(coded.serialize())->packed() == plain.packed());

  // Setting and overwriting: code over text, text over code, a code over itself.
  PackedValues other{"y", "x"};
  other.recode(dictionary);
  other[0] = id;
  BOOST_TEST(other.packed() == coded.packed());
  coded[0] = "not shared";
  BOOST_TEST(coded[0] == "not shared");
  BOOST_TEST(coded[1] == "x");
  coded[1] = "true";
  coded[1] = "true";
  BOOST_TEST(coded[1] == "true");
  coded.resize(3);
  BOOST_TEST(coded[1] == "true");
  BOOST_TEST(coded[2] == "");
  BOOST_TEST(&coded.dictionary() == &dictionary);  // changes keep the values' dictionary
  BOOST_TEST(!(coded == plain));
}

BOOST_AUTO_TEST_CASE(each_dictionary_has_its_own_vocabulary_and_values_move_between_them) {
  const std::string queue = "0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a";
  ValueDictionary first;
  ValueDictionary second;
  BOOST_TEST(first.slot() != second.slot());
  first.add(queue);
  BOOST_TEST(first.find(queue).has_value());
  BOOST_TEST(!second.find(queue).has_value());  // one instance's values are not another's
  BOOST_TEST(!ValueDictionary::fixed().find(queue).has_value());
  BOOST_TEST(*first.find("accepted") == *second.find("accepted"));  // the fixed vocabulary
  BOOST_TEST(*first.find("accepted") == *ValueDictionary::fixed().find("accepted"));

  PackedValues values{queue, "accepted", queue};
  values.recode(first);
  const std::size_t coded = values.packed().size();
  values.recode(second);  // text again there, as the second never shared it
  BOOST_TEST(&values.dictionary() == &second);
  BOOST_TEST(values.packed().size() > coded + 30);
  BOOST_TEST(values[0] == queue);
  BOOST_TEST(values[1] == "accepted");
  BOOST_TEST(values[2] == queue);
  second.add(queue);
  values.recode(first);
  values.recode(second);
  BOOST_TEST(values.packed().size() == coded);  // coded in the second now
}

BOOST_AUTO_TEST_CASE(a_dictionary_gives_its_slot_back_and_beyond_the_slots_shares_the_fixed_words) {
  std::vector<std::unique_ptr<ValueDictionary>> alive;
  std::set<int> slots;
  for (std::size_t i = 0; i < ValueDictionary::kSlots + 4; ++i) {
    alive.push_back(std::make_unique<ValueDictionary>());
    slots.insert(alive.back()->slot());
  }
  // Every slot but 0 (fixed()) in use, then the rest share slot 0: nothing added to them sticks,
  // and what is coded against them reads back.
  BOOST_TEST(slots.size() == ValueDictionary::kSlots);
  const std::size_t uncounted =
      std::count_if(alive.begin(), alive.end(), [](const auto& d) { return d->slot() == 0; });
  BOOST_TEST(uncounted == 5u);
  ValueDictionary& late = *alive.back();
  late.add("a value");
  BOOST_TEST(!late.find("a value").has_value());
  PackedValues values{"a value", "true"};
  values.recode(late);
  BOOST_TEST(values[0] == "a value");
  BOOST_TEST(values[1] == "true");

  // A dictionary that goes lets a later one have its slot.
  const int freed = alive.front()->slot();
  alive.erase(alive.begin());
  ValueDictionary next;
  BOOST_TEST(next.slot() == freed);
  next.add("a value");
  values.recode(next);
  BOOST_TEST(values[0] == "a value");
  BOOST_TEST(values.packed().size() < 5u);  // two codes and a count
}

BOOST_AUTO_TEST_CASE(the_dictionary_is_bounded_and_keeps_long_values_out) {
  ValueDictionary dictionary;
  const std::size_t fixed = dictionary.size();
  BOOST_TEST(dictionary.find("true").has_value());
  dictionary.add(std::string(ValueDictionary::kMaxLength + 1, 'x'));
  BOOST_TEST(dictionary.size() == fixed);
  for (std::size_t i = 0; i < ValueDictionary::kCapacity + 10; ++i)
    dictionary.add(std::to_string(i));
  BOOST_TEST(dictionary.size() == ValueDictionary::kCapacity);
  const auto code = dictionary.find("42");
  BOOST_REQUIRE(code);
  BOOST_TEST(dictionary.text(*code) == "42");
  BOOST_TEST(!dictionary.find(std::to_string(ValueDictionary::kCapacity + 5)));  // full: not added
}

BOOST_AUTO_TEST_SUITE_END()
