// Agent presence (contract section 3): which presence state an agent is in, and changing it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/caller.hpp"
#include "domain/errc.hpp"
#include "domain/transaction.hpp"

namespace awa::domain {

struct PresenceView {
  std::string sys_id;
  std::string name;
  bool available = false;
};

struct ChannelView {
  std::string sys_id;
  std::string name;
  bool available = false;
};

struct AgentView {
  std::string sys_id;
  PresenceView presence;
  std::vector<ChannelView> channels;
};

struct PresenceStateView {
  std::string sys_id;
  std::string name;
  std::int64_t order = 0;
  bool available = false;
};

struct ChannelCapacity {
  std::string sys_id;
  std::string name;
  std::uint32_t capacity = 0;
  std::uint32_t workload = 0;
};

struct CapacityView {
  std::uint32_t universal_capacity = 0;
  std::uint32_t universal_workload = 0;
  std::vector<ChannelCapacity> channels;
};

// Contract: with no capacity records kept, every agent has this universal capacity.
inline constexpr std::uint32_t kDefaultUniversalCapacity = 10;

// The presence state the agent is in; an agent with no presence record is Offline.
PresenceView presence_of(const State& state, const SysId& agent);
// The presence state record the agent is in: its presence's current state, else Offline; null
// when even Offline is gone.
const Record* current_presence_state(const State& state, const SysId& agent);
// Whether that state takes work: what check_agent asks on every offer, without building a view.
bool is_available(const State& state, const SysId& agent);

Outcome<AgentView> read_agent(const Transaction& tx, const Caller& caller,
                              std::string_view user_id);
Outcome<AgentView> set_agent_presence(Transaction& tx, SysIdGenerator& ids, const Caller& caller,
                                      std::string_view user_id,
                                      const std::optional<std::string>& presence_state_id);

// The presence states an agent can choose, by order.
Outcome<std::vector<PresenceStateView>> agent_presence_states(const Transaction& tx,
                                                              const Caller& caller,
                                                              std::string_view user_id);
// Capacity and workload: the agent's pending_accept and accepted work items.
Outcome<CapacityView> agent_capacities(const Transaction& tx, const Caller& caller,
                                       std::string_view user_id);

// Records `presence_state` as the agent's current state (no checks: callers validated both).
void put_agent_presence(Transaction& tx, SysIdGenerator& ids, const SysId& agent,
                        const SysId& presence_state);

}  // namespace awa::domain
