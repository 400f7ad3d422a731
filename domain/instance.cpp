#include "domain/instance.hpp"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <exception>
#include <future>
#include <thread>
#include <tuple>

#include "domain/invariants.hpp"
#include "domain/manual_assignment.hpp"
#include "domain/offer_timeout.hpp"
#include "domain/offer_work.hpp"
#include "domain/seed_data.hpp"
#include "domain/work_item.hpp"

namespace awa::domain {

Instance::Instance(const Clock& clock, DurableLog& log, const PasswordHasher& hasher,
                   bool sync_writes, std::chrono::milliseconds storage_retry)
    : clock_(clock),
      log_(log),
      hasher_(hasher),
      timeouts_(clock.now()),
      commits_(
          log, sync_writes, mutex_,
          [this](std::span<const ChangeSet> newest_first) {
            // Called with mutex_ held: take back changes whose write failed.
            for (const auto& changes : newest_first) {
              for (auto it = changes.rbegin(); it != changes.rend(); ++it) state_.apply(*it, false);
              sync_timers(changes, false);
            }
          },
          CommitQueue::kSweep, CommitQueue::kRestAfter, storage_retry,
          [this](std::vector<Event>&& events) { events_.publish(std::move(events)); }) {}

Instance::~Instance() {
  commits_.stop();
}

namespace {

// A loading thread's stay in the load's memory: entered once the thread meets a whole chunk of
// records, left however the thread stops. A load smaller than a chunk (a new data directory, the
// demo data's few hundred records) stays in the ordinary heap, where an idle server is smallest.
class InLoadMemory {
public:
  explicit InLoadMemory(LoadMemory* memory) : memory_(memory) {}
  ~InLoadMemory() {
    if (entered_) memory_->leave();
  }
  InLoadMemory(const InLoadMemory&) = delete;
  InLoadMemory& operator=(const InLoadMemory&) = delete;

  void on_whole_chunk() {
    if (entered_ || memory_ == nullptr) return;
    memory_->enter();
    entered_ = true;
  }

private:
  LoadMemory* memory_;
  bool entered_ = false;
};

}  // namespace

std::error_code Instance::load(LoadMemory* memory) {
  std::lock_guard lock(mutex_);
  // Two stages that overlap: this thread reads and decodes records; a helper puts them into the
  // state, a chunk of one table at a time, while this thread decodes the next chunk.
  std::mutex handover_mutex;
  std::condition_variable handed_over;
  std::deque<std::vector<Record>> chunks;
  bool done = false;
  std::exception_ptr building_failed;
  std::thread builder([&] {
    try {
      InLoadMemory in_load_memory(memory);
      for (;;) {
        std::vector<Record> chunk;
        {
          std::unique_lock handover(handover_mutex);
          handed_over.wait(handover, [&] { return done || !chunks.empty(); });
          if (chunks.empty()) return;
          chunk = std::move(chunks.front());
          chunks.pop_front();
        }
        if (chunk.size() == kLoadChunk) in_load_memory.on_whole_chunk();
        put_loaded(chunk);
      }
    } catch (...) {
      building_failed = std::current_exception();
    }
  });
  std::vector<Record> gathered;
  const auto hand_over = [&] {
    if (gathered.empty()) return;
    std::lock_guard handover(handover_mutex);
    chunks.push_back(std::move(gathered));
    gathered.clear();
    handed_over.notify_one();
  };
  std::error_code error;
  std::exception_ptr reading_failed;
  try {
    InLoadMemory in_load_memory(memory);
    error = log_.load(state_.dictionary(), [&](Record&& record) {
      if (!gathered.empty() &&
          (gathered.front().table != record.table || gathered.size() >= kLoadChunk)) {
        if (gathered.size() >= kLoadChunk) in_load_memory.on_whole_chunk();
        hand_over();
      }
      // Shared before the tables that point at it are decoded (ordered after it in the log).
      state_.share_id(record);
      gathered.push_back(std::move(record));
    });
    hand_over();
  } catch (...) {
    reading_failed = std::current_exception();  // the builder still has to be stopped
  }
  {
    std::lock_guard handover(handover_mutex);
    done = true;
    handed_over.notify_one();
  }
  builder.join();
  if (reading_failed) std::rethrow_exception(reading_failed);
  if (building_failed) std::rethrow_exception(building_failed);
  // Events are numbered on from the log's newest; those before are read from the log.
  commits_.start_events_after(log_.last_event());
  events_.start_after(log_.last_event());
  return error;
}

Outcome<EventPage> Instance::events(const Caller& caller, const EventQuery& query) const {
  auto filter = event_filter(caller, query.types);
  if (!filter) return filter.failure();
  return read_events(events_, log_, filter.value(), query);
}

Outcome<EventFilter> Instance::event_reader(const Caller& caller, const EventQuery& query) const {
  auto filter = event_filter(caller, query.types);
  if (!filter) return filter;
  if (auto gone = events_gone(events_, log_, query.after)) return std::move(*gone);
  return filter;
}

CommitQueue::Ticket Instance::trim_events(TimePoint before, std::uint64_t keep) {
  std::lock_guard lock(mutex_);
  return commits_.enqueue_action([this, before, keep] { return log_.trim_events(before, keep); });
}

void Instance::put_loaded(std::vector<Record>& records) {
  const Table table = records.front().table;
  // Room for the chunk in one step, rather than growth as the records go in.
  state_.reserve(table, state_.rows(table).size() + records.size());
  for (auto& record : records) {
    const Record& loaded = state_.put(std::move(record));
    // Every pending countdown runs again; one that ran out while the server was down is due.
    if (table == Table::awa_work_item) sync_timer(loaded.id, &loaded);
  }
}

void Instance::sync_timer(const SysId& work_item, const Record* item) {
  const auto deadline = item ? pending_deadline(*item) : std::nullopt;
  auto* timer = timer_of_.find(work_item);
  if (timer != nullptr) timeouts_.cancel(timer->second, work_item);
  if (!deadline) {
    if (timer != nullptr) timer_of_.erase(work_item);
    return;
  }
  const TimerWheel::Handle armed = timeouts_.arm(*deadline, work_item);
  // A timer re-armed keeps its entry: one lookup, not an erase and an insert.
  if (timer != nullptr) {
    timer->second = armed;
  } else {
    timer_of_.try_emplace(work_item, armed);
  }
  if (listener_ != nullptr) listener_->timeout_armed(*deadline);
}

void Instance::sync_timers(const ChangeSet& changes, bool forward) {
  for (const auto& change : changes) {
    if (change.table != Table::awa_work_item) continue;
    const auto& image = forward ? change.after : change.before;
    sync_timer(change.id, image ? &*image : nullptr);
  }
}

bool Instance::is_new() const {
  std::lock_guard lock(mutex_);
  return state_.size() == 0;
}

std::error_code Instance::initialize(const InitialData& data) {
  const std::string admin_hash = hasher_.hash(data.admin_password);
  CommitQueue::Ticket ticket;
  {
    std::lock_guard lock(mutex_);
    Transaction tx(state_, clock_.now());
    seed_presence_states(tx);
    seed_admin(tx, ids_, admin_hash);
    if (data.demo) seed_demo(tx, ids_, hasher_);
    // The server's own setting up, not an outcome anyone waits to hear of: no events.
    ChangeSet seed = tx.commit();
    for (auto& change : seed) change.event = EventType::none;
    ticket = commits_.enqueue(std::move(seed));
  }
  std::promise<std::error_code> written;
  commits_.when_durable(ticket, [&](std::error_code error) { written.set_value(error); });
  return written.get_future().get();
}

template <class Rule>
auto Instance::run(Rule&& rule)
    -> Answer<typename decltype(rule(std::declval<Transaction&>()))::value_type> {
  std::lock_guard lock(mutex_);
  Transaction tx(state_, clock_.now());
  auto outcome = rule(tx);
  // A refused request leaves no change (the transaction undoes itself); it still waits for
  // what it read to be durable.
  if (outcome.ok()) {
    ChangeSet changes = tx.commit();
    if (!changes.empty()) {
      sync_timers(changes, true);
      return {std::move(outcome), commits_.enqueue(std::move(changes))};
    }
  }
  return {std::move(outcome), commits_.newest()};
}

Answer<OfferAccepted> Instance::offer(const Caller& caller, const OfferRequest& request) {
  return run([&](Transaction& tx) { return offer_work(tx, ids_, caller, request); });
}

Answer<AgentView> Instance::agent(const Caller& caller, std::string_view user_id) {
  return run([&](Transaction& tx) { return read_agent(tx, caller, user_id); });
}

Answer<AgentView> Instance::set_agent_presence(
    const Caller& caller, std::string_view user_id,
    const std::optional<std::string>& presence_state_id) {
  return run([&](Transaction& tx) {
    return domain::set_agent_presence(tx, ids_, caller, user_id, presence_state_id);
  });
}

Answer<std::vector<PresenceStateView>> Instance::presence_states(const Caller& caller,
                                                                 std::string_view user_id) {
  return run([&](Transaction& tx) { return agent_presence_states(tx, caller, user_id); });
}

Answer<CapacityView> Instance::capacities(const Caller& caller, std::string_view user_id) {
  return run([&](Transaction& tx) { return agent_capacities(tx, caller, user_id); });
}

Answer<InboxActionDone> Instance::accept(const Caller& caller, const InboxActionRequest& request) {
  return run([&](Transaction& tx) { return accept_work_item(tx, caller, request); });
}

Answer<InboxActionDone> Instance::reject(const Caller& caller, const InboxActionRequest& request) {
  return run([&](Transaction& tx) { return reject_work_item(tx, caller, request); });
}

Answer<std::vector<Record>> Instance::reject_reasons(const Caller& caller,
                                                     std::string_view channel_id) {
  return run([&](Transaction& tx) { return domain::reject_reasons(tx, caller, channel_id); });
}

Answer<OfferAccepted> Instance::assign(const Caller& caller, std::string_view work_item_id,
                                       const AssignmentFields& fields) {
  return run([&](Transaction& tx) { return assign_work_item(tx, caller, work_item_id, fields); });
}

Answer<std::string> Instance::end_consult(const Caller& caller, const ConsultEndRequest& request) {
  return run([&](Transaction& tx) { return domain::end_consult(tx, caller, request); });
}

Answer<ExpiryRound> Instance::expire_due(std::size_t limit) {
  return run([&](Transaction& tx) -> Outcome<ExpiryRound> {
    std::vector<SysId> due;
    timeouts_.advance(
        tx.now(),
        [&](const SysId& item, TimePoint deadline) {
          due.push_back(item);
          timeout_stats_.record(deadline, tx.now());
        },
        limit);
    ExpiryRound round{due.size(), 0};
    for (const SysId& item : due) {
      timer_of_.erase(item);  // fired: its handle is spent
      if (expire_offer(tx, ids_, item)) ++round.expired;
    }
    return round;
  });
}

std::optional<TimePoint> Instance::next_timeout() const {
  std::lock_guard lock(mutex_);
  return timeouts_.next_wakeup();
}

void Instance::set_timeout_listener(TimeoutListener* listener) {
  std::lock_guard lock(mutex_);
  listener_ = listener;
}

CommitQueue::Ticket Instance::snapshot(const std::filesystem::path& directory) {
  std::lock_guard lock(mutex_);  // no change slips in between the ones before and the snapshot
  return commits_.enqueue_action([this, directory] { return log_.checkpoint(directory); });
}

TimeoutStats Instance::timeout_stats() const {
  std::lock_guard lock(mutex_);
  return timeout_stats_;
}

std::size_t Instance::pending_timeouts() const {
  std::lock_guard lock(mutex_);
  return timeouts_.size();
}

template <class Step>
void Instance::run_in_steps(Step&& step) const {
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      if (step()) return;
    }
    // Between steps, whoever waits for the lock goes first.
    while (mutex_.others_waiting()) std::this_thread::yield();
  }
}

std::vector<std::string> Instance::violations() const {
  std::vector<std::string> found;
  // Steps of about TableScan::kStepWork records each (run_in_steps).
  // The totals compare only when nothing changed during the scan (no commit, no timer fired).
  const auto moment = [this] {
    return std::tuple(commits_.newest(), timeouts_.size(), timeout_stats_.fired());
  };
  decltype(moment()) started;
  run_in_steps([&] {
    started = moment();
    return true;
  });

  std::size_t counting_down = 0;
  std::size_t next_range = 0;
  run_in_steps([&] {
    const RecordOrder& order = state_.rows(Table::awa_work_item).order();
    for (std::size_t work = 0; work < TableScan::kStepWork && next_range < RecordOrder::kRanges;
         ++next_range) {
      for (const Record* item : order.range(next_range)) {
        check_work_item(state_, *item, found);
        if (pending_deadline(*item)) {
          ++counting_down;
          if (timer_of_.count(item->id) == 0) {
            found.push_back("work item " + item->id.str() + " has no timer");
          }
        }
      }
      work += order.range(next_range).size() + 1;
    }
    return next_range == RecordOrder::kRanges;
  });

  std::vector<SysId> agents;
  run_in_steps([&] {
    agents = state_.working_agents();
    for (const auto& text : state_.work_items().agents()) {
      if (const auto id = SysId::parse(text)) agents.push_back(*id);
    }
    std::sort(agents.begin(), agents.end());
    agents.erase(std::unique(agents.begin(), agents.end()), agents.end());
    return true;
  });
  std::size_t next_agent = 0;
  run_in_steps([&] {
    for (std::size_t n = 0; n < 64 && next_agent < agents.size(); ++n) {
      check_workload(state_, agents[next_agent++], found);
    }
    return next_agent == agents.size();
  });

  run_in_steps([&] {
    if (moment() == started &&
        (counting_down != timeouts_.size() || counting_down != timer_of_.size())) {
      found.push_back("timers " + std::to_string(timeouts_.size()) + " for " +
                      std::to_string(counting_down) + " pending deadlines");
    }
    return true;
  });
  return found;
}

Answer<std::vector<Record>> Instance::list(const Caller& caller, const ListRequest& request) {
  auto scan = TableScan::plan(caller, request);
  Answer<std::vector<Record>> answer{std::vector<Record>{}, 0};
  run_in_steps([&] {
    if (!scan) {
      answer = {scan.failure(), commits_.newest()};
      return true;
    }
    if (!scan->step(state_)) return false;
    answer = {scan->take(), commits_.newest()};
    return true;
  });
  return answer;
}

Answer<Record> Instance::get(const Caller& caller, std::string_view table,
                             std::string_view sys_id) {
  return run([&](Transaction& tx) { return get_record(tx, caller, table, sys_id); });
}

void Instance::hash_passwords(std::string_view table, FieldValues& values) const {
  const auto t = table_named(table);
  if (!t) return;
  for (auto& [name, value] : values) {
    // An empty one stays empty, to be refused as such.
    if (is_password_field(*t, name) && !value.empty()) value = hasher_.hash(value);
  }
}

bool Instance::hashes_a_password(const Caller& caller, std::string_view table,
                                 const FieldValues& values) const {
  const auto t = table_named(table);
  if (!t || !caller.roles.has_exactly(Role::admin)) return false;
  return std::any_of(values.begin(), values.end(), [&](const auto& field) {
    return !field.second.empty() && is_password_field(*t, field.first);
  });
}

Answer<Record> Instance::create(const Caller& caller, std::string_view table, FieldValues values) {
  // Only an admin may write: do not spend a password hash on anyone else. The values are
  // checked as written first: a password's length counts before it becomes a hash.
  if (caller.roles.has_exactly(Role::admin)) {
    if (auto invalid = check_written_values(table, values)) return refused(std::move(*invalid));
    hash_passwords(table, values);
  }
  return run([&](Transaction& tx) {
    return create_record(tx, ids_, caller, table, values, events_.last());
  });
}

Answer<Record> Instance::update(const Caller& caller, std::string_view table,
                                std::string_view sys_id, FieldValues values) {
  if (caller.roles.has_exactly(Role::admin)) {
    if (auto invalid = check_written_values(table, values)) return refused(std::move(*invalid));
    hash_passwords(table, values);
  }
  return run([&](Transaction& tx) { return update_record(tx, caller, table, sys_id, values); });
}

Answer<bool> Instance::note_webhook_delivery(const SysId& webhook,
                                             const WebhookProgress& progress) {
  return run([&](Transaction& tx) -> Outcome<bool> {
    const Record* found = tx.state().find(Table::awa_webhook, webhook.str());
    if (found == nullptr) return false;  // deleted meanwhile
    Record record = *found;
    record[webhook_field::delivered_seq] = std::to_string(progress.delivered_seq);
    record[webhook_field::failing_since] = progress.failing_since;
    record[webhook_field::last_error] = progress.last_error.substr(0, 1000);
    tx.put(record);
    return true;
  });
}

Answer<Record> Instance::refused(Failure failure) {
  return run([&](Transaction&) -> Outcome<Record> { return std::move(failure); });
}

Answer<bool> Instance::remove(const Caller& caller, std::string_view table,
                              std::string_view sys_id) {
  return run([&](Transaction& tx) { return delete_record(tx, caller, table, sys_id); });
}

std::optional<Credential> Instance::credential(std::string_view user_name) const {
  std::lock_guard lock(mutex_);
  const Record* user = state_.find_unique(Table::sys_user, user_field::user_name, user_name);
  if (user == nullptr || !user->is_true(user_field::active)) return std::nullopt;
  return Credential{user->id, std::string((*user)[user_field::password]),
                    Roles::parse((*user)[user_field::roles]), state_.credential_version(user->id),
                    state_.credential_clock()};
}

std::optional<Roles> Instance::current_roles(const SysId& user, std::uint64_t version) const {
  std::lock_guard lock(mutex_);
  if (state_.credential_version(user) != version) return std::nullopt;
  const Record* record = state_.find(Table::sys_user, user);
  if (record == nullptr || !record->is_true(user_field::active)) return std::nullopt;
  return Roles::parse((*record)[user_field::roles]);
}

std::size_t Instance::record_count() const {
  std::lock_guard lock(mutex_);
  return state_.size();
}

}  // namespace awa::domain
