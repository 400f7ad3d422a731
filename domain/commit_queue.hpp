// The commit pipeline. Changes are applied to memory and queued under the instance lock, in one
// order; a writer thread writes everything queued as one batch (one fsync for many requests under
// --durability power: group commit) and then releases the responses that waited for it.
// A response is sent only after the changes it saw are durable. If a write fails, that batch and
// everything queued after it (which may depend on it) are undone in memory and answered as
// failed, so nothing acknowledged is lost and nothing unacknowledged stays visible. A failed
// write may still have left bytes on disk (a WAL append whose sync failed), so the records it
// touched are written back as memory has them (the undo, made durable) before anything else,
// retried every second until the disk takes it.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <span>
#include <system_error>
#include <thread>
#include <vector>

#include "domain/durable_log.hpp"

namespace awa::domain {

class CommitQueue {
public:
  using Ticket = std::uint64_t;
  using Completion = std::function<void(std::error_code)>;
  // Called with the instance lock held, with change sets newest first, to take them back.
  using Undo = std::function<void(std::span<const ChangeSet>)>;

  CommitQueue(DurableLog& log, bool sync, std::mutex& state_mutex, Undo undo);
  ~CommitQueue();
  CommitQueue(const CommitQueue&) = delete;
  CommitQueue& operator=(const CommitQueue&) = delete;

  // Caller holds the state mutex. Returns the ticket to wait for.
  Ticket enqueue(ChangeSet changes);
  // Caller holds the state mutex. Runs `action` on the writer thread once everything queued
  // before it is written and before anything queued after it is (a snapshot of exactly the
  // changes made before this call); its error is the ticket's.
  using Action = std::function<std::error_code()>;
  Ticket enqueue_action(Action action);
  // Caller holds the state mutex: the newest ticket, for a read that saw the state as it is.
  Ticket newest() const;

  // Runs `done` once every change up to `ticket` is durable (error_code{}) or failed. It runs on
  // the writer thread, or on the calling thread when nothing is pending: keep it short.
  void when_durable(Ticket ticket, Completion done);

  // Writes what is queued and stops the writer. Idempotent.
  void stop();

  struct Stats {
    std::uint64_t writes = 0;       // calls to the durable log
    std::uint64_t change_sets = 0;  // requests' change sets they carried
  };
  Stats stats() const;
  // Why the last write failed, until one succeeds (the disk is back): empty when healthy.
  std::error_code storage_error() const;

private:
  struct Pending {
    Ticket ticket;
    ChangeSet changes;
    Action action;  // set: a step between writes, not changes
  };
  struct FailedRange {
    Ticket first = 0;
    Ticket last = 0;
    std::error_code error;
  };

  void run();
  void fail_from(std::vector<Pending>& group, std::error_code error);
  void write_back();
  void resolve(Ticket ticket);
  std::error_code failure_of(Ticket ticket) const;

  DurableLog& log_;
  const bool sync_;
  std::mutex& state_mutex_;
  Undo undo_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Pending> queue_;
  Ticket next_ = 1;      // the ticket the next change gets
  Ticket visible_ = 0;   // the newest change memory reflects; 0: only durable ones
  Ticket resolved_ = 0;  // every ticket up to here is durable or failed
  std::vector<FailedRange> failed_;
  std::error_code storage_error_;
  // Writer thread only: the records of failed writes, as memory has them again.
  ChangeSet compensation_;
  std::multimap<Ticket, Completion> waiters_;
  Stats stats_;
  bool stopping_ = false;
  std::thread writer_;
};

}  // namespace awa::domain
