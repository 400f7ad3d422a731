// The token bucket under a clock moved by hand.
#include "server/token_bucket.hpp"

#include <boost/test/unit_test.hpp>

using awa::server::TokenBucket;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(token_bucket)

BOOST_AUTO_TEST_CASE(a_burst_then_the_rate) {
  const auto start = TokenBucket::Clock::time_point{} + 1h;
  TokenBucket bucket(2.0, 3.0, start);
  for (int i = 0; i < 3; ++i) BOOST_TEST(bucket.take(start));
  BOOST_TEST(!bucket.take(start));
  BOOST_TEST(std::chrono::duration<double>(bucket.wait(start)).count() == 0.5,
             boost::test_tools::tolerance(1e-9));
  BOOST_TEST(!bucket.take(start + 499ms));
  BOOST_TEST(bucket.take(start + 500ms));
  BOOST_TEST(!bucket.take(start + 500ms));
  BOOST_TEST(!bucket.full(start + 1s));
  // Refilled, never beyond the burst.
  BOOST_TEST(bucket.full(start + 10s));
  for (int i = 0; i < 3; ++i) BOOST_TEST(bucket.take(start + 10s));
  BOOST_TEST(!bucket.take(start + 10s));
}

BOOST_AUTO_TEST_CASE(time_going_back_takes_nothing_away) {
  const auto start = TokenBucket::Clock::time_point{} + 1h;
  TokenBucket bucket(1.0, 1.0, start);
  BOOST_TEST(bucket.take(start));
  BOOST_TEST(!bucket.take(start - 5s));
  BOOST_TEST(bucket.take(start + 1s));
}

BOOST_AUTO_TEST_SUITE_END()
