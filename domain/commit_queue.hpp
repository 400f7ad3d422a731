// The commit pipeline. Changes are applied to memory and queued under the instance lock, in one
// order; a writer thread writes everything queued as one batch (one fsync for many requests under
// --durability power: group commit) and then releases the responses that waited for it.
// A response is sent only after the changes it saw are durable. If a write fails, that batch and
// everything queued after it (which may depend on it) are undone in memory and answered as
// failed, so nothing acknowledged is lost and nothing unacknowledged stays visible. A failed
// write may still have left bytes on disk (a WAL append whose sync failed), so the records it
// touched are written back as memory has them (the undo, made durable) before anything else.
// After a failure the log is not written again until it has resumed (the storage's own
// recovery), tried by the next write and, once that fails, at most once a retry period, by the
// writer thread or a write: in between, changes are refused at once, so a lasting fault (a full
// disk) costs a flood of requests no disk work.
//
// Events: whoever writes numbers the events of the changes it writes (1, 2, 3...), the log stores
// them in the same batch, and they are published once durable, in order. A failed write uses no
// number: the next write numbers from where it did, after dropping any event the failed one may
// have left on disk, so the numbers have no gaps.
//
// Who writes: a synced write waits for the disk, so it happens on the writer thread and callers
// never block on it. An unsynced write costs less than waking a thread, so the caller that waits
// for it leads: it writes everything queued (other callers' changes too) on its own thread, and
// callers that arrive meanwhile leave theirs to the leader. The writer thread then only runs
// actions, write-backs, and, every few milliseconds, changes nobody waits for. Once nothing has
// been queued for a while, it stops sweeping and sleeps until a change is queued: an idle server
// wakes no thread.
#pragma once

#include <chrono>
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
#include "domain/state_lock.hpp"

namespace awa::domain {

class CommitQueue {
public:
  using Ticket = std::uint64_t;
  using Completion = std::function<void(std::error_code)>;
  // Called with the instance lock held, with change sets newest first, to take them back.
  using Undo = std::function<void(std::span<const ChangeSet>)>;
  // Called with the events of each successful write, in order, before its callers are answered.
  using Publish = std::function<void(std::vector<Event>&&)>;

  // Unsynced, callers write what they wait for; changes nobody waits for (and any a leader left
  // behind) are swept up by the writer thread this often.
  static constexpr std::chrono::milliseconds kSweep{10};
  // Unsynced: after this long with nothing queued, the writer stops sweeping until a change is.
  static constexpr std::chrono::milliseconds kRestAfter{1000};
  // While the log's recovery fails, it is tried again at most this often.
  static constexpr std::chrono::milliseconds kStorageRetry{1000};

  // `sync`: every write is synced (and made by the writer thread); otherwise callers lead.
  // A log that starts unwritable (DurableLog::unwritable()) refuses changes until it resumes.
  CommitQueue(DurableLog& log, bool sync, StateLock& state_mutex, Undo undo,
              std::chrono::milliseconds sweep = kSweep,
              std::chrono::milliseconds rest_after = kRestAfter,
              std::chrono::milliseconds storage_retry = kStorageRetry, Publish publish = {});
  ~CommitQueue();
  CommitQueue(const CommitQueue&) = delete;
  CommitQueue& operator=(const CommitQueue&) = delete;

  // Before the first change: the newest event in the log, from which numbering goes on.
  void start_events_after(std::uint64_t last);
  // Caller holds the state mutex. Returns the ticket to wait for.
  Ticket enqueue(ChangeSet changes);
  // Caller holds the state mutex. Runs `action` on the writer thread once everything queued
  // before it is written and before anything queued after it is (a snapshot of exactly the
  // changes made before this call); its error is the ticket's.
  using Action = std::function<std::error_code()>;
  Ticket enqueue_action(Action action);
  // Caller holds the state mutex: the newest ticket, for a read that saw the state as it is.
  Ticket newest() const;

  // Unsynced: whether the caller writes at once, or calls flush() soon (after the other requests
  // of its I/O round, so that they share one write), or leaves the write to the writer thread
  // (a producer with more to do meanwhile, such as the next round of a timeout storm).
  enum class Lead { now, on_flush, writer_thread };
  // Runs `done` once every change up to `ticket` is durable (error_code{}) or failed. It runs on
  // whichever thread wrote, or on the calling thread when nothing is pending: keep it short.
  // Unsynced, the calling thread may write first (everything queued), so the caller must not
  // hold the state mutex.
  void when_durable(Ticket ticket, Completion done, Lead lead = Lead::now);
  // Unsynced: writes what is queued on this thread, unless someone writes already (who then
  // takes it along). Synced: nothing to do, the writer thread writes. Same rule on the mutex.
  void flush();

  // Writes what is queued and stops the writer. Idempotent.
  void stop();

  struct Stats {
    std::uint64_t writes = 0;        // calls to the durable log
    std::uint64_t change_sets = 0;   // requests' change sets they carried
    std::uint64_t writer_rests = 0;  // unsynced: times the writer stopped sweeping, idle
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
  // Caller holds `lock` and has set writing_: writes the next step (an action, or every change
  // queued up to the next action), releasing the lock meanwhile.
  void write_next(std::unique_lock<std::mutex>& lock);
  // Caller holds `lock`: unless someone writes already, writes the queued changes on this thread
  // and leaves actions and write-backs to the writer thread.
  void lead(std::unique_lock<std::mutex>& lock);
  // `written`: the failed group reached the log, whose records are then written back.
  void fail_from(std::vector<Pending>& group, std::error_code error, bool written);
  // Whoever writes: empty once the log takes writes, resuming it if it is due to be tried.
  std::error_code log_up();
  void log_failed(std::error_code error);
  void write_back();
  void resolve(Ticket ticket);
  std::error_code failure_of(Ticket ticket) const;

  DurableLog& log_;
  const bool sync_;
  const std::chrono::milliseconds sweep_;
  const std::uint64_t rest_after_sweeps_;  // quiet sweeps before the writer rests
  const std::chrono::milliseconds storage_retry_;
  StateLock& state_mutex_;
  Undo undo_;
  Publish publish_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Pending> queue_;
  Ticket next_ = 1;      // the ticket the next change gets
  Ticket visible_ = 0;   // the newest change memory reflects; 0: only durable ones
  Ticket resolved_ = 0;  // every ticket up to here is durable or failed
  std::vector<FailedRange> failed_;
  std::error_code storage_error_;
  bool writing_ = false;         // someone is between taking a step from the queue and resolving it
  bool writer_wanted_ = false;   // unsynced: the writer thread was asked to write
  bool writer_resting_ = false;  // unsynced: the writer sleeps until a change is queued
  // Only whoever writes (writing_), or the writer thread while nobody does: the records of
  // failed writes, as memory has them again; whether the log must resume before it is written,
  // why not yet, and when to try again.
  ChangeSet compensation_;
  bool log_down_ = false;
  bool void_events_ = false;  // a failed write may have left events from next_event_ on
  std::error_code log_error_;
  std::chrono::steady_clock::time_point next_resume_{};
  std::vector<Pending> group_;          // the batch being written
  std::vector<const ChangeSet*> sets_;  // its change sets, as the log takes them
  // Only whoever writes: the number the next event gets.
  std::uint64_t next_event_ = 1;
  std::multimap<Ticket, Completion> waiters_;
  Stats stats_;
  bool stopping_ = false;
  std::thread writer_;
};

}  // namespace awa::domain
