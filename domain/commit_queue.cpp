#include "domain/commit_queue.hpp"

#include <algorithm>

namespace awa::domain {

CommitQueue::CommitQueue(DurableLog& log, bool sync, std::mutex& state_mutex, Undo undo)
    : log_(log), sync_(sync), state_mutex_(state_mutex), undo_(std::move(undo)) {
  writer_ = std::thread([this] { run(); });
}

CommitQueue::~CommitQueue() {
  stop();
}

CommitQueue::Ticket CommitQueue::enqueue(ChangeSet changes) {
  std::lock_guard lock(mutex_);
  const Ticket ticket = next_++;
  visible_ = ticket;
  queue_.push_back({ticket, std::move(changes), {}});
  wake_.notify_one();
  return ticket;
}

CommitQueue::Ticket CommitQueue::enqueue_action(Action action) {
  std::lock_guard lock(mutex_);
  const Ticket ticket = next_++;
  queue_.push_back({ticket, {}, std::move(action)});
  wake_.notify_one();
  return ticket;
}

CommitQueue::Ticket CommitQueue::newest() const {
  std::lock_guard lock(mutex_);
  return visible_;
}

std::error_code CommitQueue::failure_of(Ticket ticket) const {
  for (const auto& range : failed_) {
    if (ticket >= range.first && ticket <= range.last) return range.error;
  }
  return {};
}

void CommitQueue::when_durable(Ticket ticket, Completion done) {
  std::unique_lock lock(mutex_);
  if (ticket > resolved_) {
    waiters_.emplace(ticket, std::move(done));
    return;
  }
  const auto error = failure_of(ticket);
  lock.unlock();
  done(error);
}

void CommitQueue::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && !writer_.joinable()) return;
    stopping_ = true;
  }
  wake_.notify_one();
  if (writer_.joinable()) writer_.join();
}

CommitQueue::Stats CommitQueue::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

std::error_code CommitQueue::storage_error() const {
  std::lock_guard lock(mutex_);
  return storage_error_;
}

void CommitQueue::run() {
  std::vector<Pending> group;
  std::vector<const ChangeSet*> sets;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      const auto has_work = [this] { return stopping_ || !queue_.empty(); };
      if (compensation_.empty()) {
        wake_.wait(lock, has_work);
      } else {
        wake_.wait_for(lock, std::chrono::seconds(1), has_work);  // then retry the write-back
      }
      if (queue_.empty() && compensation_.empty()) return;  // stopping, everything written
      if (queue_.empty() && !stopping_) {
        lock.unlock();
        write_back();
        continue;
      }
      if (queue_.empty()) {  // stopping: one last try to leave the disk as memory is
        lock.unlock();
        write_back();
        return;
      }
      // An action queued first runs now, between writes.
      if (queue_.front().action) {
        Pending step = std::move(queue_.front());
        queue_.pop_front();
        lock.unlock();
        const std::error_code error = step.action();
        if (error) {
          std::lock_guard relock(mutex_);
          failed_.push_back({step.ticket, step.ticket, error});
        }
        resolve(step.ticket);
        continue;
      }
      // Everything queued up to the next action goes in one batch: under load, many requests
      // share one write.
      group.clear();
      while (!queue_.empty() && !queue_.front().action) {
        group.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    sets.clear();
    if (!compensation_.empty()) sets.push_back(&compensation_);  // first: later changes build on it
    for (const auto& pending : group) sets.push_back(&pending.changes);
    if (const std::error_code error = log_.write(sets, sync_)) {
      fail_from(group, error);
    } else {
      compensation_.clear();
    }

    {
      std::lock_guard lock(mutex_);
      if (compensation_.empty()) storage_error_ = {};
      ++stats_.writes;
      stats_.change_sets += group.size();
    }
    resolve(group.back().ticket);
  }
}

void CommitQueue::resolve(Ticket ticket) {
  std::vector<std::pair<Completion, std::error_code>> ready;
  {
    std::lock_guard lock(mutex_);
    resolved_ = std::max(resolved_, ticket);
    const auto end = waiters_.upper_bound(resolved_);
    for (auto it = waiters_.begin(); it != end; ++it) {
      ready.emplace_back(std::move(it->second), failure_of(it->first));
    }
    waiters_.erase(waiters_.begin(), end);
  }
  for (auto& [done, error] : ready) done(error);
}

void CommitQueue::fail_from(std::vector<Pending>& group, std::error_code error) {
  // Lock order: state, then queue (the order enqueue is called in). Holding the state lock
  // stops new changes from being applied on top of the ones being undone.
  std::lock_guard state_lock(state_mutex_);
  {
    std::lock_guard lock(mutex_);
    // Changes queued after the failed batch may build on it: they fail with it.
    while (!queue_.empty()) {
      group.push_back(std::move(queue_.front()));
      queue_.pop_front();
    }
    failed_.push_back({group.front().ticket, group.back().ticket, error});
    storage_error_ = error;
    // Memory is back to what is durable: a read now has nothing to wait for (ticket 0).
    visible_ = 0;
  }
  std::vector<ChangeSet> newest_first;
  newest_first.reserve(group.size());
  for (auto it = group.rbegin(); it != group.rend(); ++it) {
    newest_first.push_back(std::move(it->changes));
  }
  // What to write back: each record as it was before the failed changes (newest undone first,
  // so in the batch the oldest change's `before` is written last and wins).
  for (const auto& set : newest_first) {
    for (auto it = set.rbegin(); it != set.rend(); ++it) {
      compensation_.push_back({it->table, it->id, it->after, it->before});
    }
  }
  undo_(newest_first);
}

void CommitQueue::write_back() {
  const ChangeSet* sets[] = {&compensation_};
  const std::error_code error = log_.write(sets, sync_);
  std::lock_guard lock(mutex_);
  ++stats_.writes;
  if (error) {
    storage_error_ = error;
  } else {
    compensation_.clear();
    storage_error_ = {};
  }
}

}  // namespace awa::domain
