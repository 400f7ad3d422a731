// The state's hash tables grow a few entries at a time: whatever the mix of inserts, erases and
// lookups while a table drains into its successor, they answer as one table would, and no insert
// moves more than a step's worth of entries.
#include "memory/incremental_hash.hpp"

#include <boost/test/unit_test.hpp>
#include <boost/unordered/unordered_flat_map.hpp>
#include <boost/unordered/unordered_flat_set.hpp>

#include <memory>
#include <random>
#include <unordered_map>
#include <vector>

using namespace awa::memory;

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

struct WorkloadSeen {
  std::size_t drains = 0;
  std::size_t checks_while_draining = 0;
  std::size_t drains_into_prepared = 0;  // growths that took a successor built ahead
};

// Random inserts (each way in), erases and lookups on `map`, checked against a standard map,
// in full now and then and often while a table drains.
WorkloadSeen check_random_workload(Map& map) {
  WorkloadSeen seen;
  std::unordered_map<std::uint64_t, std::uint64_t> expected;
  std::mt19937_64 random(7);
  std::vector<std::uint64_t> keys;
  bool was_draining = false;
  for (int i = 0; i < 60'000; ++i) {
    const bool prepared_before = map.successor_prepared();
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
    if (map.draining() && !was_draining) {
      ++seen.drains;
      seen.drains_into_prepared += prepared_before && !map.successor_prepared();
    }
    was_draining = map.draining();
    // A full comparison now and then, often while a table drains.
    if (i % 997 == 0 || (map.draining() && i % 31 == 0)) {
      seen.checks_while_draining += map.draining();
      BOOST_REQUIRE(same(map, expected));
    }
  }
  BOOST_TEST(same(map, expected));
  return seen;
}

// Inserts keys from `key` on until, past 10,000 entries, a successor starts being built ahead
// (bounded); false if none did.
bool fill_until_prepared(Map& map, std::uint64_t& key) {
  for (int i = 0; i < 1'000'000; ++i) {
    const bool was_prepared = map.successor_prepared();
    map[key] = key;
    ++key;
    if (key > 10'000 && !was_prepared && map.successor_prepared()) return true;
  }
  return false;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(incremental_hash)

BOOST_AUTO_TEST_CASE(answers_as_one_table_through_growths_and_drains) {
  Map map;
  const auto seen = check_random_workload(map);
  BOOST_TEST(seen.drains >= 5u);  // the table grew through several drains
  BOOST_TEST(seen.checks_while_draining > 0u);
}

BOOST_AUTO_TEST_CASE(answers_as_one_table_with_successors_built_ahead) {
  Map map(0);  // every successor built ahead, however small
  const auto seen = check_random_workload(map);
  BOOST_TEST(seen.drains >= 5u);
  BOOST_TEST(seen.checks_while_draining > 0u);
  BOOST_TEST(seen.drains_into_prepared == seen.drains);
}

BOOST_AUTO_TEST_CASE(a_successor_is_built_from_seven_eighths_full_and_taken_when_full) {
  Map map(0);
  std::uint64_t key = 0;
  BOOST_REQUIRE(fill_until_prepared(map, key));
  BOOST_TEST(!map.draining());
  const std::uint64_t prepared_at = key;
  BOOST_REQUIRE(fill_until_draining(map, key));
  // Prepared at seven eighths of the table's most load: one more entry in seven filled it.
  BOOST_TEST(key - 1 >= prepared_at + prepared_at / 7 - 2);
  BOOST_TEST(key - 1 <= prepared_at + prepared_at / 7 + 8);
  BOOST_TEST(!map.successor_prepared());  // the growth took it
  for (std::uint64_t k = 0; k < key; ++k) BOOST_REQUIRE(map.count(k) == 1u);
}

BOOST_AUTO_TEST_CASE(a_table_that_shrinks_to_half_gives_its_successor_back) {
  Map map(0);
  std::uint64_t key = 0;
  BOOST_REQUIRE(fill_until_prepared(map, key));
  map.wait_for_successor();  // only a built successor is given back
  const std::uint64_t prepared_at = key;
  std::uint64_t erased = 0;
  // Down to a bit over half of the most load (seven eighths of it were there): still kept.
  while (erased < prepared_at * 3 / 7 - 16) map.erase(erased++);
  BOOST_TEST(map.successor_prepared());
  while (erased < prepared_at * 3 / 7 + 16) map.erase(erased++);
  BOOST_TEST(!map.successor_prepared());
  BOOST_TEST(map.size() == prepared_at - erased);
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
