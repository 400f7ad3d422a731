#include "domain/offer_timeout.hpp"

#include "domain/agent_presence.hpp"
#include "domain/assignment.hpp"
#include "domain/work_item.hpp"

namespace awa::domain {

bool expire_offer(Transaction& tx, SysIdGenerator& ids, const SysId& work_item) {
  const Record* current = tx.state().find(Table::awa_work_item, work_item);
  if (current == nullptr) return false;
  const auto deadline = pending_deadline(*current);
  if (!deadline || *deadline > tx.now()) return false;

  using namespace work_item_field;
  Record item = *current;
  const auto [agent_id, presence_id] = item.values.at_many({assigned_to, after_timeout_presence});
  const auto agent = SysId::parse(agent_id);
  const auto presence = SysId::parse(presence_id);
  tx.put(std::move(item),
         {{state, work_item_state::queued}, {assigned_to, ""}, {timed_out, "true"}},
         EventType::timed_out);
  // The presence state may have been deleted since the offer: then presence stays.
  if (agent && presence && tx.state().find(Table::sys_user, *agent) != nullptr &&
      tx.state().find(Table::awa_presence_state, *presence) != nullptr) {
    put_agent_presence(tx, ids, *agent, *presence);
  }
  return true;
}

}  // namespace awa::domain
