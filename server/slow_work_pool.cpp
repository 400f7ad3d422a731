#include "server/slow_work_pool.hpp"

#include <sys/resource.h>
#include <unistd.h>

namespace awa::server {

SlowWorkPool::SlowWorkPool(unsigned threads, std::size_t capacity) : capacity_(capacity) {
  for (unsigned i = 0; i < threads; ++i) threads_.emplace_back([this] { run(); });
}

SlowWorkPool::~SlowWorkPool() {
  join();
}

std::size_t SlowWorkPool::queued() const {
  return queues_[0].size() + queues_[1].size() + queues_[2].size();
}

bool SlowWorkPool::make_room(Priority priority) {
  if (queued() < capacity_) return true;
  for (auto& queue : queues_) {
    std::erase_if(queue, [this](Item& item) {
      if (!item.abandoned || !item.abandoned()) return false;
      set_aside_.push_back(std::move(item));
      return true;
    });
  }
  if (queued() < capacity_) return true;
  // The newest of the lowest priority below this one goes.
  for (auto level = static_cast<int>(Priority::low); level > static_cast<int>(priority); --level) {
    auto& queue = queues_[static_cast<std::size_t>(level)];
    if (queue.empty()) continue;
    queue.back().run = false;
    set_aside_.push_back(std::move(queue.back()));
    queue.pop_back();
    return true;
  }
  return false;
}

bool SlowWorkPool::try_post(Priority priority, Work work, std::function<bool()> abandoned) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || !make_room(priority)) return false;
    queues_[static_cast<std::size_t>(priority)].push_back(
        {std::move(work), std::move(abandoned), true});
  }
  wake_.notify_one();
  return true;
}

void SlowWorkPool::join() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
}

void SlowWorkPool::run() {
  // Linux gives each thread its own nice value; where that is refused, the default stays.
  auto nice = [current = 0](int wanted) mutable {
    if (wanted == current) return;
    if (::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), wanted) == 0) current = wanted;
  };
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return stopping_ || !set_aside_.empty() || queued() > 0; });
    std::deque<Item>* from = &set_aside_;
    for (auto& queue : queues_) {
      if (!from->empty()) break;
      from = &queue;
    }
    if (from->empty()) return;  // stopping, and nothing left
    const bool background = from == &queues_[static_cast<std::size_t>(Priority::low)];
    Item item = std::move(from->front());
    from->pop_front();
    lock.unlock();
    nice(background ? 10 : 0);
    item.work(item.run);
    lock.lock();
  }
}

}  // namespace awa::server
