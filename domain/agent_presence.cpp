#include "domain/agent_presence.hpp"

#include <algorithm>
#include <tuple>

#include "domain/field_value.hpp"
#include "domain/presence_states.hpp"

namespace awa::domain {
namespace {

Failure record_not_found() {
  return fail(errc::not_found, "Record Not Found");
}

std::optional<Failure> check_caller(const Caller& caller) {
  if (caller.roles.has(Role::awa_integration_user)) return std::nullopt;
  return fail(errc::forbidden, "User Not Authorized");
}

PresenceView view_of(const Record& state) {
  return {state.id.str(), std::string(state[presence_state_field::name]),
          state.is_true(presence_state_field::available)};
}

AgentView agent_view(const State& state, const SysId& agent) {
  AgentView view{agent.str(), presence_of(state, agent), {}};
  // The platform lists the agent's service channels; this server has the Chat channel.
  view.channels.push_back(
      {std::string(presence_states::chat_channel), "Chat", view.presence.available});
  return view;
}

}  // namespace

const Record* current_presence_state(const State& state, const SysId& agent) {
  const Record* presence =
      state.find_unique(Table::awa_agent_presence, agent_presence_field::agent, agent.str());
  const Record* current =
      presence ? state.find(Table::awa_presence_state,
                            (*presence)[agent_presence_field::current_presence_state])
               : nullptr;
  return current ? current : state.find(Table::awa_presence_state, presence_states::offline);
}

bool is_available(const State& state, const SysId& agent) {
  const Record* current = current_presence_state(state, agent);
  return current != nullptr && current->is_true(presence_state_field::available);
}

PresenceView presence_of(const State& state, const SysId& agent) {
  const Record* current = current_presence_state(state, agent);
  if (current == nullptr) return {std::string(presence_states::offline), "Offline", false};
  return view_of(*current);
}

Outcome<AgentView> read_agent(const Transaction& tx, const Caller& caller,
                              std::string_view user_id) {
  if (auto denied = check_caller(caller)) return *denied;
  const Record* user = tx.state().find(Table::sys_user, user_id);
  if (user == nullptr) return record_not_found();
  return agent_view(tx.state(), user->id);
}

Outcome<AgentView> set_agent_presence(Transaction& tx, SysIdGenerator& ids, const Caller& caller,
                                      std::string_view user_id,
                                      const std::optional<std::string>& presence_state_id) {
  if (auto denied = check_caller(caller)) return *denied;
  if (!presence_state_id || presence_state_id->empty()) {
    return fail(errc::bad_request, "Missing required field: presence.sys_id");
  }
  const Record* user = tx.state().find(Table::sys_user, user_id);
  if (user == nullptr) return record_not_found();
  const Record* state = tx.state().find(Table::awa_presence_state, *presence_state_id);
  if (state == nullptr) {
    return fail(errc::not_found, *presence_state_id + " is not a valid presence state");
  }
  const SysId agent = user->id;
  put_agent_presence(tx, ids, agent, state->id);
  return agent_view(tx.state(), agent);
}

Outcome<std::vector<PresenceStateView>> agent_presence_states(const Transaction& tx,
                                                              const Caller& caller,
                                                              std::string_view user_id) {
  if (auto denied = check_caller(caller)) return *denied;
  if (tx.state().find(Table::sys_user, user_id) == nullptr) return record_not_found();
  std::vector<PresenceStateView> states;
  for (const Record& state : tx.state().rows(Table::awa_presence_state)) {
    states.push_back({state.id.str(), std::string(state[presence_state_field::name]),
                      parse_integer(state[presence_state_field::order]).value_or(0),
                      state.is_true(presence_state_field::available)});
  }
  std::sort(states.begin(), states.end(), [](const auto& a, const auto& b) {
    return std::tie(a.order, a.sys_id) < std::tie(b.order, b.sys_id);
  });
  return states;
}

Outcome<CapacityView> agent_capacities(const Transaction& tx, const Caller& caller,
                                       std::string_view user_id) {
  if (auto denied = check_caller(caller)) return *denied;
  const Record* user = tx.state().find(Table::sys_user, user_id);
  if (user == nullptr) return record_not_found();
  const std::uint32_t workload = tx.state().workload(user->id);
  return CapacityView{
      kDefaultUniversalCapacity,
      workload,
      {{std::string(presence_states::chat_channel), "Chat", kDefaultUniversalCapacity, workload}}};
}

void put_agent_presence(Transaction& tx, SysIdGenerator& ids, const SysId& agent,
                        const SysId& presence_state) {
  const Record* existing =
      tx.state().find_unique(Table::awa_agent_presence, agent_presence_field::agent, agent.str());
  Record record = existing ? *existing : tx.state().blank(Table::awa_agent_presence, ids.next());
  record[agent_presence_field::agent] = agent.str();
  record[agent_presence_field::current_presence_state] = presence_state.str();
  tx.put(std::move(record));
}

}  // namespace awa::domain
