#include "domain/transfer.hpp"

#include "domain/assignment.hpp"

namespace awa::domain {
namespace {

std::optional<Failure> require(const std::optional<std::string>& field, std::string_view name) {
  if (given(field)) return std::nullopt;
  return fail(errc::bad_request, "Missing required field: transfer." + std::string(name));
}

}  // namespace

Outcome<OfferAccepted> transfer_work(Transaction& tx, SysIdGenerator& ids,
                                     const OfferRequest& request) {
  const TransferFields& t = *request.transfer;
  for (const auto& [field, name] :
       {std::pair{&t.source_queue_id, "source_queue_id"}, std::pair{&t.target_id, "target_id"},
        std::pair{&t.target_type, "target_type"}, std::pair{&t.transfer_type, "transfer_type"}}) {
    if (auto missing = require(*field, name)) return *missing;
  }
  const bool to_agent = *t.target_type == "agent";
  if (!to_agent && *t.target_type != "queue") {
    return fail(errc::bad_request, *t.target_type + " is not a valid target type");
  }
  const bool blind = *t.transfer_type == "blind";
  if (!blind && *t.transfer_type != "consult") {
    return fail(errc::bad_request, *t.transfer_type + " is not a valid transfer type");
  }
  AssignmentFields offer_fields = t.offer;
  offer_fields.agent_sys_id = *t.target_id;
  auto assignment = check_assignment(tx, offer_fields);
  if (!assignment) return assignment.failure();

  auto document = find_active_document(tx, request.document_table, request.document_id);
  if (!document) return document.failure();
  auto source_queue = find_queue(tx, *t.source_queue_id);
  if (!source_queue) return source_queue.failure();
  const Record* target_queue = nullptr;
  if (to_agent) {
    if (auto refused = check_agent(tx, assignment.value(),
                                   blind ? "Transfer failed - couldn't blind transfer to agent"
                                         : "Agent is not available")) {
      return *refused;
    }
  } else {
    auto found = find_queue(tx, *t.target_id);
    if (!found) return found.failure();
    target_queue = found.value();
  }

  using namespace work_item_field;
  const Record* active_item = tx.state().active_work_item(document.value()->id);
  if (!blind) {
    if (active_item == nullptr || (*active_item)[state] != work_item_state::accepted) {
      return fail(errc::conflict, "Work item must be accepted to consult");
    }
    if (tx.state().open_consult(document.value()->id) != nullptr) {
      return fail(errc::conflict, "A consult is already in progress for this document");
    }
  }
  // No active work item (an outbound call, a document never routed): make one in the source
  // queue so the transfer has something to move.
  Record from =
      active_item ? *active_item : new_work_item(tx, ids, *document.value(), *source_queue.value());

  // To an agent, the work item stays in its queue (the source queue if that one is gone).
  const Record* from_queue = tx.state().find(Table::awa_queue, from[queue]);
  const Record& to_queue =
      target_queue ? *target_queue : (from_queue ? *from_queue : *source_queue.value());
  Record to = new_work_item(tx, ids, *document.value(), to_queue);
  to[previous_work_item] = from.id.str();
  to[external_segment_id] =
      request.external_segment_id.value_or(std::string(from[external_segment_id]));
  if (!blind) to[consult_state] = "open";
  // A consult's offer is its consult.started; the work item a blind transfer moves from is
  // transferred.
  EventType to_event = blind ? EventType::none : EventType::consult_started;
  if (to_agent) {
    to[offer_count] = "1";
    const EventType offered = offer_to(to, assignment.value(), tx);
    if (blind) to_event = offered;
  }
  if (blind) close_work_item(from);
  tx.put(std::move(from), {}, blind ? EventType::transferred : EventType::none);

  const std::string& queue_as_sent = to_agent ? *t.source_queue_id : *t.target_id;
  OfferAccepted accepted{std::string(kTransferRequested),
                         {to[display_name].str(), to.id.str(), to[document_id].str(),
                          to[document_table].str(), queue_as_sent}};
  tx.put(std::move(to), {}, to_event);
  return accepted;
}

}  // namespace awa::domain
