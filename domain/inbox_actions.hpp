// The Inbox Actions API (contract section 2): the agent's Accept and Reject buttons, and the
// reject reasons a channel offers.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "domain/caller.hpp"
#include "domain/errc.hpp"
#include "domain/transaction.hpp"

namespace awa::domain {

struct InboxActionRequest {
  std::optional<std::string> agent_id;
  std::optional<std::string> work_item_id;
  std::optional<std::string> reject_reason_id;  // reject only
};

struct InboxActionDone {
  std::string document_sys_id;
  std::string document_table;
};

Outcome<InboxActionDone> accept_work_item(Transaction& tx, const Caller& caller,
                                          const InboxActionRequest& request);
Outcome<InboxActionDone> reject_work_item(Transaction& tx, const Caller& caller,
                                          const InboxActionRequest& request);
// The channel's reject reasons, by order.
Outcome<std::vector<Record>> reject_reasons(const Transaction& tx, const Caller& caller,
                                            std::string_view channel_id);

}  // namespace awa::domain
