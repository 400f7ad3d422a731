// Threads for slow work (password hashing), away from the I/O threads, in a bounded queue with
// three priorities. Low-priority work (sign-ins from addresses that failed lately) runs at a
// lower CPU priority (nice 10), so a flood of bad credentials takes the cores from requests
// already signed in only when they leave them idle. When the queue is full, work of a higher
// priority pushes out the newest of a lower one, which is then told so (and answers quickly);
// work that has lost its purpose while it waited (its client has gone) does not count against
// the bound: it is set aside, to run first (it is then cheap).
#pragma once

#include <array>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace awa::server {

class SlowWorkPool {
public:
  enum class Priority { high, normal, low };
  // Called once: with true to do the work, with false when it was pushed out of the queue.
  using Work = std::function<void(bool run)>;

  SlowWorkPool(unsigned threads, std::size_t capacity);
  ~SlowWorkPool();
  SlowWorkPool(const SlowWorkPool&) = delete;
  SlowWorkPool& operator=(const SlowWorkPool&) = delete;

  // Queues `work`; false (and nothing queued) when `capacity` pieces of work still wanted, none
  // of a lower priority, are waiting already. `abandoned`, when given, tells whether the work has
  // lost its purpose (it must then finish quickly when run).
  bool try_post(Priority priority, Work work, std::function<bool()> abandoned = nullptr);
  // Runs what is queued, then stops the threads. Idempotent.
  void join();

private:
  struct Item {
    Work work;
    std::function<bool()> abandoned;
    bool run = true;  // false: pushed out, to be told so
  };
  void run();
  std::size_t queued() const;
  // Caller holds the mutex: makes room for work of `priority`, if it can.
  bool make_room(Priority priority);

  const std::size_t capacity_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Item> set_aside_;              // abandoned or pushed out: first, and quick
  std::array<std::deque<Item>, 3> queues_;  // by Priority
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace awa::server
