// What happens when an offer's countdown runs out (contract section 1): the work item goes back
// to the queue, unassigned and marked timed out, and the agent's presence may change.
#pragma once

#include "domain/transaction.hpp"

namespace awa::domain {

// Expires the work item's offer if it is still pending and its deadline has passed; returns
// whether it did. Never early: a deadline after tx.now() leaves it as it is.
bool expire_offer(Transaction& tx, SysIdGenerator& ids, const SysId& work_item);

}  // namespace awa::domain
