#include "domain/offer_work.hpp"

#include "domain/assignment.hpp"
#include "domain/field_value.hpp"
#include "domain/transfer.hpp"

namespace awa::domain {

Outcome<OfferAccepted> offer_work(Transaction& tx, SysIdGenerator& ids, const Caller& caller,
                                  const OfferRequest& request) {
  if (!caller.roles.has(Role::awa_manager) && !caller.roles.has(Role::awa_integration_user)) {
    return fail(errc::forbidden, "Caller " + caller.user.str() +
                                     " does not have the awa_manager or awa_integration_user role");
  }
  if (request.assignment && request.transfer) {
    return fail(errc::bad_request, "Give either assignment or transfer, not both");
  }
  if (request.transfer) return transfer_work(tx, ids, request);
  if (!request.assignment) return fail(errc::bad_request, "Missing required field: assignment");
  if (!given(request.queue_id)) return fail(errc::bad_request, "Missing required field: queue_id");
  if (!given(request.assignment->agent_sys_id)) {
    return fail(errc::bad_request, "Missing required field: assignment.agent_sys_id");
  }

  auto assignment = check_assignment(tx, *request.assignment);
  if (!assignment) return assignment.failure();
  const Assignment& a = assignment.value();

  auto found_document = find_active_document(tx, request.document_table, request.document_id);
  if (!found_document) return found_document.failure();
  const Record* document = found_document.value();
  auto found_queue = find_queue(tx, *request.queue_id);
  if (!found_queue) return found_queue.failure();
  const Record* queue = found_queue.value();

  if (auto refused = check_agent(tx, a)) return *refused;

  using namespace work_item_field;
  const Record* active_item = tx.state().active_work_item(document->id);
  Record item = active_item ? *active_item : new_work_item(tx, ids, *document, *queue);
  if (active_item == nullptr) {
    item[offer_count] = "1";
  } else if (item[state] == work_item_state::accepted) {
    return fail(errc::conflict, "Work Item accepted can not be assigned");
  } else if (item[state] == work_item_state::pending_accept && item[assigned_to] != a.agent.str()) {
    return fail(errc::conflict, "Work Item is already assigned to " + item[assigned_to].str());
  } else if (item[state] == work_item_state::queued) {
    item[offer_count] = std::to_string(parse_integer(item[offer_count]).value_or(0) + 1);
  }
  // else: pending for the same agent, a re-offer with a new countdown.
  item[work_item_field::queue] = queue->id.str();
  if (const std::string* segment = given(request.external_segment_id)) {
    item[external_segment_id] = *segment;
  }
  const EventType event = offer_to(item, a, tx);

  OfferAccepted accepted{std::string(kAssignmentRequested),
                         {item[display_name].str(), item.id.str(), item[document_id].str(),
                          item[document_table].str(), *request.queue_id}};
  tx.put(std::move(item), {}, event);
  return accepted;
}

}  // namespace awa::domain
