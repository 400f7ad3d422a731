#include "domain/instance.hpp"

#include <future>
#include <ranges>

#include "domain/offer_work.hpp"
#include "domain/seed_data.hpp"

namespace awa::domain {

Instance::Instance(const Clock& clock, DurableLog& log, const PasswordHasher& hasher,
                   bool sync_writes)
    : clock_(clock),
      log_(log),
      hasher_(hasher),
      commits_(log, sync_writes, mutex_, [this](std::span<const ChangeSet> newest_first) {
        // Called with mutex_ held: take back changes whose write failed.
        for (const auto& changes : newest_first) {
          for (const auto& change : std::views::reverse(changes)) state_.apply(change, false);
        }
      }) {}

Instance::~Instance() {
  commits_.stop();
}

std::error_code Instance::load() {
  std::lock_guard lock(mutex_);
  return log_.load([this](Record&& record) { state_.put(std::move(record)); });
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
    ticket = commits_.enqueue(tx.commit());
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
    if (!changes.empty()) return {std::move(outcome), commits_.enqueue(std::move(changes))};
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

Answer<std::vector<Record>> Instance::list(const Caller& caller, const ListRequest& request) {
  return run([&](Transaction& tx) { return list_records(tx, caller, request); });
}

Answer<Record> Instance::get(const Caller& caller, std::string_view table,
                             std::string_view sys_id) {
  return run([&](Transaction& tx) { return get_record(tx, caller, table, sys_id); });
}

void Instance::hash_passwords(std::string_view table, FieldValues& values) const {
  const auto t = table_named(table);
  if (!t) return;
  for (auto& [name, value] : values) {
    if (is_password_field(*t, name)) value = hasher_.hash(value);
  }
}

Answer<Record> Instance::create(const Caller& caller, std::string_view table, FieldValues values) {
  // Only an admin may write: do not spend a password hash on anyone else.
  if (caller.roles.has_exactly(Role::admin)) hash_passwords(table, values);
  return run([&](Transaction& tx) { return create_record(tx, ids_, caller, table, values); });
}

Answer<Record> Instance::update(const Caller& caller, std::string_view table,
                                std::string_view sys_id, FieldValues values) {
  if (caller.roles.has_exactly(Role::admin)) hash_passwords(table, values);
  return run([&](Transaction& tx) { return update_record(tx, caller, table, sys_id, values); });
}

Answer<bool> Instance::remove(const Caller& caller, std::string_view table,
                              std::string_view sys_id) {
  return run([&](Transaction& tx) { return delete_record(tx, caller, table, sys_id); });
}

std::optional<Credential> Instance::credential(std::string_view user_name) const {
  std::lock_guard lock(mutex_);
  const Record* user = state_.find_unique(Table::sys_user, user_field::user_name, user_name);
  if (user == nullptr || !user->is_true(user_field::active)) return std::nullopt;
  return Credential{user->id, (*user)[user_field::password],
                    Roles::parse((*user)[user_field::roles]), state_.credential_version(user->id)};
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
