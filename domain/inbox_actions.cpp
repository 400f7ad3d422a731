#include "domain/inbox_actions.hpp"

#include <algorithm>

#include "domain/assignment.hpp"
#include "domain/field_value.hpp"

namespace awa::domain {
namespace {

Failure bad_request(std::string detail) {
  return fail(errc::bad_request, "Bad Request", std::move(detail));
}
Failure not_found(std::string detail) {
  return fail(errc::not_found, "Record Not Found", std::move(detail));
}

// The work item an action is about, with every check before the action itself.
Outcome<const Record*> actionable_item(const Transaction& tx, const Caller& caller,
                                       const InboxActionRequest& request, bool rejecting) {
  if (!given(request.agent_id)) return bad_request("Missing agent ID");
  if (!given(request.work_item_id)) return bad_request("Missing work item ID");
  if (rejecting && !given(request.reject_reason_id)) return bad_request("Missing reject reason ID");

  // An integration acts for any agent; an agent acts for itself.
  const auto agent_id = SysId::parse(*request.agent_id);
  const bool self =
      agent_id && *agent_id == caller.user && caller.roles.has_exactly(Role::awa_agent);
  if (!caller.roles.has(Role::awa_integration_user) && !self) {
    return fail(errc::forbidden, "User Not Authorized",
                "Needs the awa_integration_user role, or to be the agent");
  }
  const Record* agent = tx.state().find(Table::sys_user, *request.agent_id);
  if (agent == nullptr) return not_found("Agent " + *request.agent_id + " not found");
  const Record* item = tx.state().find(Table::awa_work_item, *request.work_item_id);
  if (item == nullptr) return not_found("Work item " + *request.work_item_id + " not found");
  if (rejecting &&
      tx.state().find(Table::awa_reject_reason, *request.reject_reason_id) == nullptr) {
    return not_found("Reject reason " + *request.reject_reason_id + " not found");
  }
  if ((*item)[work_item_field::assigned_to] != agent->id.str()) {
    return bad_request("Work item is assigned to a different agent");
  }
  if (!item->is_true(work_item_field::active) ||
      (*item)[work_item_field::state] != work_item_state::pending_accept) {
    return bad_request("Work item is not in pending accept state");
  }
  return item;
}

InboxActionDone done(const Record& item) {
  return {std::string(item[work_item_field::document_id]),
          std::string(item[work_item_field::document_table])};
}

}  // namespace

Outcome<InboxActionDone> accept_work_item(Transaction& tx, const Caller& caller,
                                          const InboxActionRequest& request) {
  auto found = actionable_item(tx, caller, request, false);
  if (!found) return found.failure();
  Record item = *found.value();
  item[work_item_field::state] = work_item_state::accepted;
  const InboxActionDone result = done(item);
  tx.put(std::move(item));
  return result;
}

Outcome<InboxActionDone> reject_work_item(Transaction& tx, const Caller& caller,
                                          const InboxActionRequest& request) {
  auto found = actionable_item(tx, caller, request, true);
  if (!found) return found.failure();
  Record item = *found.value();
  if (!item.is_true(work_item_field::allowed_to_decline)) {
    return fail(errc::conflict, "Work item cannot be declined",
                "The offer was made with allowed_to_decline false");
  }
  item[work_item_field::state] = work_item_state::queued;
  item[work_item_field::assigned_to].clear();
  item[work_item_field::rejected] = "true";
  const InboxActionDone result = done(item);
  tx.put(std::move(item), {}, EventType::rejected);
  return result;
}

Outcome<std::vector<Record>> reject_reasons(const Transaction& tx, const Caller& caller,
                                            std::string_view channel_id) {
  if (!caller.roles.has(Role::awa_integration_user) && !caller.roles.has_exactly(Role::awa_agent)) {
    return fail(errc::forbidden, "User Not Authorized",
                "Needs the awa_integration_user or awa_agent role");
  }
  std::vector<Record> reasons;
  for (const Record& reason : tx.state().rows(Table::awa_reject_reason)) {
    if (reason[reject_reason_field::service_channel] == channel_id) reasons.push_back(reason);
  }
  const auto order = [](const Record& r) {
    return std::make_pair(parse_integer(r[reject_reason_field::order]).value_or(0), r.id);
  };
  std::sort(reasons.begin(), reasons.end(),
            [&](const Record& a, const Record& b) { return order(a) < order(b); });
  return reasons;
}

}  // namespace awa::domain
