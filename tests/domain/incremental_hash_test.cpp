// The state's hash tables grow a few entries at a time: whatever the mix of inserts, erases and
// lookups while a table drains into its successor, they answer as one table would, and no insert
// moves more than a step's worth of entries.
#include "domain/incremental_hash.hpp"

#include <boost/test/unit_test.hpp>
#include <boost/unordered/unordered_flat_map.hpp>
#include <boost/unordered/unordered_flat_set.hpp>

#include <memory>
#include <random>
#include <unordered_map>
#include <vector>

using namespace awa::domain;

namespace {

using Map = IncrementalHash<boost::unordered_flat_map<std::uint64_t, std::uint64_t>>;

// Every entry of `map` is in `expected` with the same value, once, and the sizes agree.
bool same(const Map& map, const std::unordered_map<std::uint64_t, std::uint64_t>& expected) {
  if (map.size() != expected.size()) return false;
  std::size_t seen = 0;
  for (const auto& [key, value] : map) {
    const auto it = expected.find(key);
    if (it == expected.end() || it->second != value) return false;
    ++seen;
  }
  if (seen != expected.size()) return false;
  for (const auto& [key, value] : expected) {
    const auto* entry = map.find(key);
    if (entry == nullptr || entry->second != value) return false;
  }
  return true;
}

// Owning pointers hashed by what they point to, as the record tables hash records by id.
struct ByValue {
  using is_transparent = void;
  std::size_t operator()(const std::unique_ptr<int>& p) const { return std::hash<int>{}(*p); }
  std::size_t operator()(int k) const { return std::hash<int>{}(k); }
  bool operator()(const std::unique_ptr<int>& a, const std::unique_ptr<int>& b) const {
    return *a == *b;
  }
  bool operator()(int k, const std::unique_ptr<int>& b) const { return k == *b; }
  bool operator()(const std::unique_ptr<int>& a, int k) const { return *a == k; }
};

// Inserts keys from `key` on until a table drains (bounded); false if none ever did.
bool fill_until_draining(Map& map, std::uint64_t& key) {
  for (int i = 0; i < 1'000'000 && !map.draining(); ++i) {
    map[key] = key;
    ++key;
  }
  return map.draining();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(incremental_hash)

BOOST_AUTO_TEST_CASE(answers_as_one_table_through_growths_and_drains) {
  Map map;
  std::unordered_map<std::uint64_t, std::uint64_t> expected;
  std::mt19937_64 random(7);
  std::vector<std::uint64_t> keys;
  std::size_t drains_seen = 0, checks_while_draining = 0;
  bool was_draining = false;
  for (int i = 0; i < 60'000; ++i) {
    const auto choice = random() % 10;
    if (choice < 6 || keys.empty()) {  // insert, through each way in
      const std::uint64_t key = random() % 200'000;
      const std::uint64_t value = random();
      if (choice % 3 == 0) {
        map[key] = value;
        expected[key] = value;
      } else if (choice % 3 == 1) {
        const bool added = map.try_emplace(key, value).second;
        BOOST_REQUIRE(added == expected.try_emplace(key, value).second);
      } else {
        const bool added = map.insert({key, value}).second;
        BOOST_REQUIRE(added == expected.try_emplace(key, value).second);
      }
      keys.push_back(key);
    } else if (choice < 9) {  // erase: present or already gone
      const std::uint64_t key = keys[random() % keys.size()];
      BOOST_REQUIRE(map.erase(key) == expected.erase(key));
    } else {  // look up
      const std::uint64_t key = random() % 200'000;
      BOOST_REQUIRE(map.count(key) == expected.count(key));
    }
    if (map.draining() && !was_draining) ++drains_seen;
    was_draining = map.draining();
    // A full comparison now and then, often while a table drains.
    if (i % 997 == 0 || (map.draining() && i % 31 == 0)) {
      checks_while_draining += map.draining();
      BOOST_REQUIRE(same(map, expected));
    }
  }
  BOOST_TEST(same(map, expected));
  BOOST_TEST(drains_seen >= 5u);  // the table grew through several drains
  BOOST_TEST(checks_while_draining > 0u);
}

BOOST_AUTO_TEST_CASE(an_insert_moves_at_most_a_step_of_entries) {
  Map map;
  std::uint64_t key = 0;
  BOOST_REQUIRE(fill_until_draining(map, key));  // the full table is replaced, not rehashed
  // The entries to move, and how many inserts may carry them: kStep each.
  const std::size_t to_move = key - 1;
  std::size_t inserts = 0;
  while (map.draining()) {
    map[key++] = 1;
    ++inserts;
  }
  BOOST_TEST(inserts >= to_move / Map::kStep - 1);
  BOOST_TEST(inserts <= to_move / Map::kStep + 1);
  for (std::uint64_t k = 0; k < key; ++k) BOOST_REQUIRE(map.count(k) == 1u);
}

BOOST_AUTO_TEST_CASE(erasing_the_entry_the_drain_would_move_next_loses_nothing) {
  Map map;
  std::uint64_t key = 0;
  BOOST_REQUIRE(fill_until_draining(map, key));
  // Iteration walks the current table (here the one entry whose insert replaced the full
  // table), then the draining one in the order the drain moves it. Each erase is followed by a
  // step of kStep moves, so erasing every (kStep + 1)-th entry in that order erases, each time,
  // the entry the drain would move next.
  std::vector<std::uint64_t> order;
  for (const auto& entry : map) order.push_back(entry.first);
  std::vector<bool> erased(order.size(), false);
  for (std::size_t i = 0; i < order.size() && map.draining(); i += Map::kStep + 1) {
    BOOST_REQUIRE(map.erase(order[i]) == 1u);
    erased[i] = true;
  }
  BOOST_TEST(!map.draining());  // the erases' steps finished the drain
  bool right = true;
  std::size_t left = 0;
  for (std::size_t i = 0; i < order.size(); ++i) {
    right = right && map.count(order[i]) == (erased[i] ? 0u : 1u);
    left += !erased[i];
  }
  BOOST_TEST(right);
  BOOST_TEST(map.size() == left);
}

BOOST_AUTO_TEST_CASE(what_the_entries_point_to_stays_put) {
  // The record tables' case: a set of owning pointers, the records never moved.
  IncrementalHash<boost::unordered_flat_set<std::unique_ptr<int>, ByValue, ByValue>> set;
  std::vector<const int*> addresses;  // enough to grow through several drains
  for (int i = 0; i < 20'000; ++i) {
    addresses.push_back(set.insert(std::make_unique<int>(i)).first->get());
  }
  bool all_in_place = true;
  for (int i = 0; i < 20'000; ++i) {
    const auto* entry = set.find(i);
    all_in_place = all_in_place && entry != nullptr && entry->get() == addresses[i];
  }
  BOOST_TEST(all_in_place);
  BOOST_TEST(!set.insert(std::make_unique<int>(5)).second);  // already there
}

BOOST_AUTO_TEST_SUITE_END()
