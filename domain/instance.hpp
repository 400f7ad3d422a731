// The instance: the whole state and every operation on it, the one door the server uses.
// Each operation runs under one lock, applies its changes to memory, and queues them for the
// durable log; its answer comes with a ticket the caller waits on before answering (see
// CommitQueue). Slow work (password hashing) happens before the lock is taken.
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "domain/agent_presence.hpp"
#include "domain/caller.hpp"
#include "domain/clock.hpp"
#include "domain/commit_queue.hpp"
#include "domain/consult.hpp"
#include "domain/durable_log.hpp"
#include "domain/event_query.hpp"
#include "domain/event_tail.hpp"
#include "domain/inbox_actions.hpp"
#include "domain/load_memory.hpp"
#include "domain/offer_request.hpp"
#include "domain/state.hpp"
#include "domain/sys_id_map.hpp"
#include "domain/table_scan.hpp"
#include "domain/table_service.hpp"
#include "domain/timeout_stats.hpp"
#include "domain/timer_wheel.hpp"

namespace awa::domain {

template <class T>
struct Answer {
  Outcome<T> outcome;
  CommitQueue::Ticket ticket;  // wait for it before answering
};

// What authentication needs to know of a user.
struct Credential {
  SysId user;
  std::string password_hash;
  Roles roles;
  std::uint64_t version;      // changes whenever the user record does
  std::uint64_t users_clock;  // Instance::users_clock() when this was read
};

// Told when an offer's countdown is armed, so whoever sleeps until the next timeout can wake
// earlier. Called with the instance lock held: keep it short and do not call back.
class TimeoutListener {
public:
  virtual ~TimeoutListener() = default;
  virtual void timeout_armed(TimePoint deadline) = 0;
};

struct ExpiryRound {
  std::size_t fired = 0;    // timers that came due
  std::size_t expired = 0;  // offers that timed out (a timer for an offer no longer pending: 0)
};

struct InitialData {
  std::string admin_password;
  bool demo = false;
};

class Instance {
public:
  // `storage_retry`: while the log's recovery fails, how often it is tried again (CommitQueue).
  Instance(const Clock& clock, DurableLog& log, const PasswordHasher& hasher, bool sync_writes,
           std::chrono::milliseconds storage_retry = CommitQueue::kStorageRetry);
  ~Instance();

  // load() hands records from the reading thread to the building one in chunks of this many.
  static constexpr std::size_t kLoadChunk = 65536;

  // Start-up: rebuild memory from the log, then seed a new data directory. The threads that load
  // allocate in `memory` while they do, when one is given.
  std::error_code load(LoadMemory* memory = nullptr);
  bool is_new() const;
  // Seeds a new data directory; waits until the seed is durable.
  std::error_code initialize(const InitialData& data);

  Answer<OfferAccepted> offer(const Caller& caller, const OfferRequest& request);
  Answer<AgentView> agent(const Caller& caller, std::string_view user_id);
  Answer<AgentView> set_agent_presence(const Caller& caller, std::string_view user_id,
                                       const std::optional<std::string>& presence_state_id);

  Answer<std::vector<PresenceStateView>> presence_states(const Caller& caller,
                                                         std::string_view user_id);
  Answer<CapacityView> capacities(const Caller& caller, std::string_view user_id);

  Answer<InboxActionDone> accept(const Caller& caller, const InboxActionRequest& request);
  Answer<InboxActionDone> reject(const Caller& caller, const InboxActionRequest& request);
  Answer<std::vector<Record>> reject_reasons(const Caller& caller, std::string_view channel_id);
  Answer<OfferAccepted> assign(const Caller& caller, std::string_view work_item_id,
                               const AssignmentFields& fields);

  Answer<std::string> end_consult(const Caller& caller, const ConsultEndRequest& request);

  // Expires the offers whose deadline has passed by the clock's now, at most `limit` of them
  // (the timeout driver takes them in bounded rounds, so requests interleave with a storm).
  Answer<ExpiryRound> expire_due(std::size_t limit = SIZE_MAX);
  // When expire_due() next has work; empty when no offer is counting down.
  std::optional<TimePoint> next_timeout() const;
  void set_timeout_listener(TimeoutListener* listener);
  std::size_t pending_timeouts() const;
  TimeoutStats timeout_stats() const;
  // What the contract forbids, found in the state (and timers out of step with it). Runs in
  // steps, as list() does: call it off the I/O threads.
  std::vector<std::string> violations() const;
  // How the instance lock is used: acquisitions, waits, hold times.
  StateLock::Stats lock_stats() const {
    std::lock_guard lock(mutex_);
    return mutex_.stats();
  }

  // The outcome events after query.after that `caller` may read (event_query.hpp). Reads the
  // log when the tail in memory does not reach back to them: call it off the I/O threads unless
  // events_in_memory(query.after).
  Outcome<EventPage> events(const Caller& caller, const EventQuery& query) const;
  bool events_in_memory(std::uint64_t after) const { return events_.reaches(after); }
  // The oldest event still kept (0: none).
  std::uint64_t oldest_event() const { return log_.first_event(); }
  // Whether `caller` may read the events query.after on (403), and they are still kept (410):
  // what a stream checks before it starts. Cheap: it reads no event.
  Outcome<EventFilter> event_reader(const Caller& caller, const EventQuery& query) const;
  // The newest events, to wait on (EventTail::when_after).
  EventTail& event_tail() { return events_; }
  // Drops events older than `before`, or beyond the newest `keep`, on the writer thread (between
  // writes); wait for the ticket with when_durable().
  CommitQueue::Ticket trim_events(TimePoint before, std::uint64_t keep);

  // Where a webhook's delivery stands (its read-only fields), as its deliverer notes it from
  // time to time; false when the webhook is gone.
  struct WebhookProgress {
    std::uint64_t delivered_seq = 0;
    std::string failing_since;  // empty: not failing
    std::string last_error;
  };
  Answer<bool> note_webhook_delivery(const SysId& webhook, const WebhookProgress& progress);

  // Runs in steps (TableScan), letting others have the lock in between: call it off the I/O
  // threads, as it may take a while on a large table.
  Answer<std::vector<Record>> list(const Caller& caller, const ListRequest& request);
  Answer<Record> get(const Caller& caller, std::string_view table, std::string_view sys_id);
  Answer<Record> create(const Caller& caller, std::string_view table, FieldValues values);
  Answer<Record> update(const Caller& caller, std::string_view table, std::string_view sys_id,
                        FieldValues values);
  Answer<bool> remove(const Caller& caller, std::string_view table, std::string_view sys_id);
  // Whether create() or update() of `values` would hash a password (slow: call them off the
  // I/O threads then).
  bool hashes_a_password(const Caller& caller, std::string_view table,
                         const FieldValues& values) const;

  // Active users only.
  std::optional<Credential> credential(std::string_view user_name) const;
  std::optional<Roles> current_roles(const SysId& user, std::uint64_t version) const;
  // Changes whenever any user does; read without the lock. While it is what it was when a
  // Credential was read, that credential (roles, active) still holds.
  std::uint64_t users_clock() const { return state_.credential_clock(); }

  // See CommitQueue: call without holding anything of the instance.
  void when_durable(CommitQueue::Ticket ticket, CommitQueue::Completion done,
                    CommitQueue::Lead lead = CommitQueue::Lead::now) {
    commits_.when_durable(ticket, std::move(done), lead);
  }
  void flush() { commits_.flush(); }
  // Writes what is queued; later operations must not be called.
  void stop() { commits_.stop(); }

  std::size_t record_count() const;
  CommitQueue::Stats commit_stats() const { return commits_.stats(); }
  // A snapshot of exactly the changes made before this call, written to `directory` (which must
  // not exist) once they are durable; wait for the ticket with when_durable().
  CommitQueue::Ticket snapshot(const std::filesystem::path& directory);
  // Why the data directory cannot be written, until a write succeeds again; empty when healthy.
  std::error_code storage_error() const { return commits_.storage_error(); }

private:
  template <class Rule>
  auto run(Rule&& rule)
      -> Answer<typename decltype(rule(std::declval<Transaction&>()))::value_type>;
  // Puts records of one table, read by load(), into the state and arms their timers.
  void put_loaded(std::vector<Record>& records);
  void hash_passwords(std::string_view table, FieldValues& values) const;
  // A write refused before it reached the state; its answer still waits for what it could see.
  Answer<Record> refused(Failure failure);
  // Keeps the work item's timer in step with its record: armed while it is pending with a
  // deadline, cancelled otherwise. The one place timers change besides firing.
  void sync_timer(const SysId& work_item, const Record* item);
  void sync_timers(const ChangeSet& changes, bool forward);
  // Calls `step` (true: done) with the lock held, until it is done, letting go of the lock
  // between calls and stepping aside for any thread waiting for it: long reads.
  template <class Step>
  void run_in_steps(Step&& step) const;

  const Clock& clock_;
  DurableLog& log_;
  const PasswordHasher& hasher_;
  mutable StateLock mutex_;
  State state_;
  SysIdGenerator ids_;
  TimerWheel timeouts_;
  TimeoutStats timeout_stats_;
  SysIdMap<TimerWheel::Handle> timer_of_;  // work item -> its timer
  TimeoutListener* listener_ = nullptr;
  EventTail events_;  // before commits_, which publishes to it
  CommitQueue commits_;
};

}  // namespace awa::domain
