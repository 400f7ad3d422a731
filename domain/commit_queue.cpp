#include "domain/commit_queue.hpp"

#include <algorithm>

namespace awa::domain {

CommitQueue::CommitQueue(DurableLog& log, bool sync, StateLock& state_mutex, Undo undo,
                         std::chrono::milliseconds sweep, std::chrono::milliseconds rest_after,
                         std::chrono::milliseconds storage_retry, Publish publish)
    : log_(log),
      sync_(sync),
      sweep_(sweep),
      rest_after_sweeps_(
          static_cast<std::uint64_t>(rest_after / std::max(sweep, std::chrono::milliseconds(1)))),
      storage_retry_(storage_retry),
      state_mutex_(state_mutex),
      undo_(std::move(undo)),
      publish_(std::move(publish)) {
  log_error_ = log_.unwritable();
  log_down_ = static_cast<bool>(log_error_);
  storage_error_ = log_error_;
  if (log_down_) next_resume_ = std::chrono::steady_clock::now() + storage_retry_;
  writer_ = std::thread([this] { run(); });
}

CommitQueue::~CommitQueue() {
  stop();
}

void CommitQueue::start_events_after(std::uint64_t last) {
  std::lock_guard lock(mutex_);
  next_event_ = last + 1;
}

CommitQueue::Ticket CommitQueue::enqueue(ChangeSet changes) {
  std::lock_guard lock(mutex_);
  const Ticket ticket = next_++;
  visible_ = ticket;
  queue_.push_back({ticket, std::move(changes), {}});
  // Unsynced, whoever waits for it writes it; a resting writer is woken to sweep it up in case
  // nobody does (under load it never rests, so requests pay for no wake-up).
  if (sync_ || writer_resting_) {
    writer_resting_ = false;
    wake_.notify_one();
  }
  return ticket;
}

CommitQueue::Ticket CommitQueue::enqueue_action(Action action) {
  std::lock_guard lock(mutex_);
  const Ticket ticket = next_++;
  queue_.push_back({ticket, {}, std::move(action)});
  writer_wanted_ = true;
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

void CommitQueue::when_durable(Ticket ticket, Completion done, Lead lead_when) {
  std::unique_lock lock(mutex_);
  if (ticket > resolved_) {
    waiters_.emplace(ticket, std::move(done));
    if (!sync_ && lead_when == Lead::now) lead(lock);
    if (!sync_ && lead_when == Lead::writer_thread) {
      writer_wanted_ = true;
      wake_.notify_one();
    }
    return;
  }
  const auto error = failure_of(ticket);
  lock.unlock();
  done(error);
}

void CommitQueue::flush() {
  if (sync_) return;
  std::unique_lock lock(mutex_);
  lead(lock);
}

void CommitQueue::lead(std::unique_lock<std::mutex>& lock) {
  if (writing_) return;  // whoever writes takes ours along before stopping
  writing_ = true;
  // A few writes at most, so a leader's own callers (its connections) are not starved by a
  // stream of others' changes; the writer thread takes over what is left.
  constexpr int kMaxWrites = 4;
  for (int i = 0; i < kMaxWrites && !queue_.empty() && !queue_.front().action; ++i) {
    write_next(lock);
  }
  writing_ = false;
  if (!queue_.empty()) {  // an action, or more than a leader takes
    writer_wanted_ = true;
    wake_.notify_one();
  }
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
  // Retries of a failed log, by the writer while nothing is queued.
  const auto retry = std::max(storage_retry_, sweep_);
  std::unique_lock lock(mutex_);
  Ticket seen_next = next_;        // unsynced: to tell whether anything was queued since
  std::uint64_t quiet_sweeps = 0;  // and for how many sweeps nothing was
  for (;;) {
    // Synced, anything queued is the writer's. Unsynced, callers write what they wait for: the
    // writer only when asked, and at each sweep.
    const auto ready = [this] {
      return !writing_ && (stopping_ || (sync_ ? !queue_.empty() : writer_wanted_));
    };
    // compensation_ and log_down_ are only read while nobody writes.
    const bool write_back_due = !writing_ && (!compensation_.empty() || log_down_);
    if (!sync_) {
      quiet_sweeps = next_ == seen_next ? quiet_sweeps + 1 : 0;
      seen_next = next_;
      if (quiet_sweeps > rest_after_sweeps_ && queue_.empty() && !write_back_due) {
        writer_resting_ = true;
        ++stats_.writer_rests;
        wake_.wait(lock, [&] { return ready() || !writer_resting_; });
        writer_resting_ = false;
        quiet_sweeps = 0;
        // Woken by a change queued: sweeping again, it writes it at the next sweep unless its
        // caller does first, as when it never rested.
        if (!ready()) continue;
      } else {
        wake_.wait_for(lock, write_back_due ? retry : sweep_, ready);
      }
    } else if (write_back_due) {
      wake_.wait_for(lock, retry, ready);
    } else {
      wake_.wait(lock, ready);
    }
    if (writing_) continue;
    writer_wanted_ = false;
    if (queue_.empty()) {
      if (!compensation_.empty() || log_down_) {  // retry the log; when stopping, one last try
        writing_ = true;
        lock.unlock();
        write_back();
        lock.lock();
        writing_ = false;
      }
      if (stopping_) return;
      continue;
    }
    writing_ = true;
    write_next(lock);
    writing_ = false;
    writer_wanted_ = !queue_.empty();  // once asked (or sweeping), it writes the queue out
  }
}

void CommitQueue::write_next(std::unique_lock<std::mutex>& lock) {
  if (queue_.front().action) {  // a step between writes, alone
    Pending step = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    const std::error_code error = step.action();
    lock.lock();
    if (error) failed_.push_back({step.ticket, step.ticket, error});
    lock.unlock();
    resolve(step.ticket);
    lock.lock();
    return;
  }
  // Everything queued up to the next action goes in one batch: under load, many requests share
  // one write.
  group_.clear();
  while (!queue_.empty() && !queue_.front().action) {
    group_.push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
  lock.unlock();
  std::error_code error = log_up();
  const bool written = !error;
  std::vector<Event> events;
  if (written) {
    sets_.clear();
    // First: later changes build on it.
    if (!compensation_.empty()) sets_.push_back(&compensation_);
    for (const auto& pending : group_) sets_.push_back(&pending.changes);
    error = log_.write(sets_, {next_event_, void_events_ ? next_event_ : 0}, sync_);
    if (!error) {
      compensation_.clear();
      void_events_ = false;
      if (publish_) {
        for (auto& pending : group_) {
          for (auto& change : pending.changes) {
            if (makes_event(change)) events.push_back(take_event(change, next_event_++));
          }
        }
      } else {
        for (const auto& pending : group_) {
          next_event_ += std::count_if(pending.changes.begin(), pending.changes.end(),
                                       [](const RecordChange& c) { return makes_event(c); });
        }
      }
    }
  }
  if (error) fail_from(group_, error, written);
  // Published before the callers hear, so that an answer's events can be read once it is sent;
  // and while this thread still writes, so that writes publish in order.
  if (!events.empty()) publish_(std::move(events));
  lock.lock();
  if (compensation_.empty() && !log_down_) storage_error_ = {};
  if (written) ++stats_.writes;
  stats_.change_sets += group_.size();
  const Ticket last = group_.back().ticket;
  lock.unlock();
  resolve(last);
  lock.lock();
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

std::error_code CommitQueue::log_up() {
  if (!log_down_) return {};
  const auto now = std::chrono::steady_clock::now();
  if (now < next_resume_) return log_error_;
  log_error_ = log_.resume();
  log_down_ = static_cast<bool>(log_error_);
  // A fault that passed is resumed from at the next write; one that lasts is tried again later.
  if (log_down_) next_resume_ = now + storage_retry_;
  return log_error_;
}

void CommitQueue::log_failed(std::error_code error) {
  // The log refuses writes from now until it has resumed.
  log_down_ = true;
  log_error_ = error;
}

void CommitQueue::fail_from(std::vector<Pending>& group, std::error_code error, bool written) {
  if (written) {
    log_failed(error);
    void_events_ = true;  // this write's events may be on disk, numbered from next_event_
  }
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
  // What to write back, when the failed write may have reached the disk: each record as it was
  // before the failed changes (newest undone first, so in the batch the oldest change's `before`
  // is written last and wins). Refused without being written, they need none.
  if (written) {
    for (const auto& set : newest_first) {
      for (auto it = set.rbegin(); it != set.rend(); ++it) {
        compensation_.push_back({it->table, it->id, it->after, it->before});
      }
    }
  }
  undo_(newest_first);
}

void CommitQueue::write_back() {
  std::error_code error = log_up();
  const bool written = !error && !compensation_.empty();
  if (written) {
    const ChangeSet* sets[] = {&compensation_};
    error = log_.write(sets, {next_event_, void_events_ ? next_event_ : 0}, sync_);
    if (error) {
      log_failed(error);
    } else {
      compensation_.clear();
      void_events_ = false;
    }
  }
  std::lock_guard lock(mutex_);
  if (written) ++stats_.writes;
  storage_error_ = error;
}

}  // namespace awa::domain
