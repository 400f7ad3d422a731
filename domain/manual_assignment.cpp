#include "domain/manual_assignment.hpp"

#include "domain/assignment.hpp"
#include "domain/field_value.hpp"
#include "domain/offer_work.hpp"

namespace awa::domain {

Outcome<OfferAccepted> assign_work_item(Transaction& tx, const Caller& caller,
                                        std::string_view work_item_id,
                                        const AssignmentFields& fields) {
  if (!caller.roles.has(Role::awa_manager) && !caller.roles.has(Role::awa_integration_user)) {
    return fail(errc::forbidden, "Caller " + caller.user.str() +
                                     " does not have the awa_manager or awa_integration_user role");
  }
  if (!given(fields.agent_sys_id)) {
    return fail(errc::bad_request, "Missing required field: agent_sys_id");
  }
  auto assignment = check_assignment(tx, fields);
  if (!assignment) return assignment.failure();

  const Record* found = tx.state().find(Table::awa_work_item, work_item_id);
  if (found == nullptr) {
    return fail(errc::not_found, "Work item " + std::string(work_item_id) + " not found");
  }
  using namespace work_item_field;
  const std::string_view current = (*found)[state];
  const bool assignable =
      found->is_true(active) && (*found)[assigned_to].empty() &&
      (current == work_item_state::pending_accept || current == work_item_state::queued);
  if (!assignable) {
    return fail(errc::conflict, "Work item " + std::string(work_item_id) + " cannot be assigned");
  }
  if (auto refused = check_agent(tx, assignment.value())) return *refused;

  Record item = *found;
  if (current == work_item_state::queued) {
    item[offer_count] = std::to_string(parse_integer(item[offer_count]).value_or(0) + 1);
  }
  const EventType event = offer_to(item, assignment.value(), tx);
  OfferAccepted accepted{std::string(kAssignmentRequested),
                         {item[display_name].str(), item.id.str(), item[document_id].str(),
                          item[document_table].str(), item[queue].str()}};
  tx.put(std::move(item), {}, event);
  return accepted;
}

}  // namespace awa::domain
