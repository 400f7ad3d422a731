// The slow work pool: bounded, by priority, work of a higher priority pushing out the newest of
// a lower one when full, abandoned work making room, and everything queued run before join ends.
#include "server/slow_work_pool.hpp"

#include <boost/test/unit_test.hpp>

#include <atomic>
#include <future>
#include <mutex>
#include <vector>

using awa::server::SlowWorkPool;
using Priority = SlowWorkPool::Priority;

namespace {

// A pool of one thread, held busy until release(); notes what ran (n) and what was pushed out
// (-n), in order.
struct HeldPool {
  explicit HeldPool(std::size_t capacity) : pool(1, capacity) {
    auto gate = released.get_future().share();
    BOOST_REQUIRE(pool.try_post(Priority::high, [&, gate](bool) {
      started.set_value();
      gate.wait();
    }));
    started.get_future().wait();
  }
  SlowWorkPool::Work note(int n) {
    return [this, n](bool run) {
      std::lock_guard lock(mutex);
      order.push_back(run ? n : -n);
    };
  }
  std::vector<int> finish() {
    released.set_value();
    pool.join();
    return order;
  }

  SlowWorkPool pool;
  std::promise<void> released, started;
  std::mutex mutex;
  std::vector<int> order;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(slow_work_pool)

BOOST_AUTO_TEST_CASE(by_priority_bounded_and_drained_at_join) {
  HeldPool held(3);
  BOOST_TEST(held.pool.try_post(Priority::low, held.note(1)));
  BOOST_TEST(held.pool.try_post(Priority::normal, held.note(2)));
  BOOST_TEST(held.pool.try_post(Priority::high, held.note(3)));
  // Full: a low one has nothing lower to push out.
  BOOST_TEST(!held.pool.try_post(Priority::low, held.note(4)));
  BOOST_TEST(held.finish() == (std::vector<int>{3, 2, 1}));
  BOOST_TEST(!held.pool.try_post(Priority::high, held.note(5)));  // stopped
}

BOOST_AUTO_TEST_CASE(higher_priority_pushes_out_the_newest_lower_one) {
  HeldPool held(2);
  BOOST_TEST(held.pool.try_post(Priority::low, held.note(1)));
  BOOST_TEST(held.pool.try_post(Priority::low, held.note(2)));
  BOOST_TEST(held.pool.try_post(Priority::high, held.note(3)));    // pushes out 2
  BOOST_TEST(held.pool.try_post(Priority::normal, held.note(4)));  // pushes out 1
  BOOST_TEST(!held.pool.try_post(Priority::normal, held.note(5)));
  // Those pushed out are told first; then the rest by priority.
  BOOST_TEST(held.finish() == (std::vector<int>{-2, -1, 3, 4}));
}

BOOST_AUTO_TEST_CASE(abandoned_work_makes_room_and_runs_first) {
  HeldPool held(2);
  std::atomic<bool> gone{false};
  BOOST_TEST(held.pool.try_post(Priority::high, held.note(1), [&] { return gone.load(); }));
  BOOST_TEST(held.pool.try_post(Priority::low, held.note(2), [] { return false; }));
  BOOST_TEST(!held.pool.try_post(Priority::low, held.note(3)));  // full of work still wanted
  gone = true;                                                   // the first one's client leaves
  BOOST_TEST(held.pool.try_post(Priority::low, held.note(4)));   // room: it was set aside
  BOOST_TEST(held.finish() == (std::vector<int>{1, 2, 4}));
}

BOOST_AUTO_TEST_SUITE_END()
