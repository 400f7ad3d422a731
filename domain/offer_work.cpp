#include "domain/offer_work.hpp"

#include "domain/assignment.hpp"
#include "domain/field_value.hpp"

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
  if (request.transfer) {
    return fail(errc::not_implemented, "Transfers are not supported by this server yet");
  }
  if (!request.assignment) return fail(errc::bad_request, "Missing required field: assignment");
  if (!given(request.queue_id)) return fail(errc::bad_request, "Missing required field: queue_id");
  if (!given(request.assignment->agent_sys_id)) {
    return fail(errc::bad_request, "Missing required field: assignment.agent_sys_id");
  }

  auto assignment = check_assignment(tx, *request.assignment);
  if (!assignment) return assignment.failure();
  const Assignment& a = assignment.value();

  const auto table = table_named(request.document_table);
  const bool is_document = table == Table::interaction || table == Table::task;
  const Record* document = is_document ? tx.state().find(*table, request.document_id) : nullptr;
  if (document == nullptr) {
    return fail(errc::not_found,
                "Document " + request.document_table + ":" + request.document_id + " not found");
  }
  if (!document->is_true(document_field::active)) {
    return fail(errc::conflict, "Document is not active");
  }

  const Record* queue = tx.state().find(Table::awa_queue, *request.queue_id);
  if (queue == nullptr) {
    queue = tx.state().find_unique(Table::awa_queue, queue_field::external_id, *request.queue_id);
  }
  if (queue == nullptr) return fail(errc::not_found, "Queue " + *request.queue_id + " not found");

  if (auto refused = check_agent(tx, a)) return *refused;

  using namespace work_item_field;
  const Record* active_item = tx.state().active_work_item(document->id);
  Record item = active_item ? *active_item : blank_record(Table::awa_work_item, ids.next());
  if (active_item == nullptr) {
    item[document_table] = request.document_table;
    item[document_id] = document->id.str();
    item[display_name] =
        std::string(spec_of(*table).label) + ": " + (*document)[document_field::number];
    item[rejected] = "false";
    item[timed_out] = "false";
    item[offer_count] = "1";
  } else if (item[state] == work_item_state::accepted) {
    return fail(errc::conflict, "Work Item accepted can not be assigned");
  } else if (item[state] == work_item_state::pending_accept && item[assigned_to] != a.agent.str()) {
    return fail(errc::conflict, "Work Item is already assigned to " + item[assigned_to]);
  } else if (item[state] == work_item_state::queued) {
    item[offer_count] = std::to_string(parse_integer(item[offer_count]).value_or(0) + 1);
  }
  // else: pending for the same agent, a re-offer with a new countdown.
  item[work_item_field::queue] = queue->id.str();
  if (const std::string* segment = given(request.external_segment_id)) {
    item[external_segment_id] = *segment;
  }
  offer_to(item, a, tx);

  OfferAccepted accepted{std::string(kAssignmentRequested),
                         {item[display_name], item.id.str(), item[document_id],
                          item[document_table], *request.queue_id}};
  tx.put(std::move(item));
  return accepted;
}

}  // namespace awa::domain
