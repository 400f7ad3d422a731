#include "domain/consult.hpp"

#include "domain/assignment.hpp"
#include "domain/field_value.hpp"

namespace awa::domain {

Outcome<std::string> end_consult(Transaction& tx, const Caller& caller,
                                 const ConsultEndRequest& request) {
  if (!caller.roles.has(Role::awa_integration_user) && !caller.roles.has(Role::awa_manager)) {
    return fail(errc::forbidden, "User Not Authorized",
                "Needs the awa_manager or awa_integration_user role");
  }
  if (!given(request.document_sys_id)) {
    return fail(errc::bad_request, "Missing required field: document_sys_id");
  }
  if (!given(request.hand_over))
    return fail(errc::bad_request, "Missing required field: hand_over");
  const auto hand_over = parse_bool(*request.hand_over);
  if (!hand_over)
    return fail(errc::bad_request, *request.hand_over + " is not a valid boolean value");

  const auto document = SysId::parse(*request.document_sys_id);
  const Record* consult = document ? tx.state().open_consult(*document) : nullptr;
  if (consult == nullptr) {
    return fail(errc::not_found,
                "Cannot find the work item for document ID: " + *request.document_sys_id);
  }
  using namespace work_item_field;
  Record item = *consult;
  if (item[state] != work_item_state::accepted) {
    item[consult_state] = "cancelled";
    close_work_item(item);
  } else if (*hand_over) {
    // The consulted agent keeps the document: the consulting agent's work item ends first, so
    // the document never has two active work items.
    if (const Record* consulting = tx.state().active_work_item(*document)) {
      Record closed = *consulting;
      close_work_item(closed);
      tx.put(std::move(closed));
    }
    item[consult_state] = "transferred";
  } else {
    item[consult_state] = "ended";
    close_work_item(item);
  }
  std::string outcome = item[consult_state].str();
  tx.put(std::move(item), {}, EventType::consult_ended);
  return outcome;
}

}  // namespace awa::domain
