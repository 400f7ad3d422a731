#include "domain/offer_work.hpp"

#include "domain/agent_presence.hpp"
#include "domain/field_value.hpp"

namespace awa::domain {
namespace {

// The vendor's defaults are written as "Empty string": an empty value is an absent one.
const std::string* given(const std::optional<std::string>& field) {
  return field && !field->empty() ? &*field : nullptr;
}

Outcome<bool> boolean_field(const std::optional<std::string>& field, bool default_value) {
  const std::string* text = given(field);
  if (text == nullptr) return default_value;
  if (const auto value = parse_bool(*text)) return *value;
  return fail(errc::bad_request, *text + " is not a valid boolean value");
}

// The offer's countdown, when it has one.
struct Countdown {
  TimePoint offered_on;
  std::int64_t timeout_seconds;
  TimePoint deadline;
  std::string after_timeout_presence;  // sys_id, or empty: presence stays
};

// The assignment's values, checked (every 400 and the presence-state 404).
struct Assignment {
  SysId agent;  // empty when the text is no sys_id: then no such user exists
  std::string agent_text;
  bool allowed_to_decline = true;
  bool enable_auto_assign = false;
  std::string display_option = "card_only";
  std::optional<Countdown> countdown;
};

Outcome<Assignment> check_assignment(const Transaction& tx, const AssignmentFields& fields) {
  Assignment a;
  a.agent_text = *fields.agent_sys_id;
  if (const auto id = SysId::parse(a.agent_text)) a.agent = *id;

  auto allowed = boolean_field(fields.allowed_to_decline, true);
  if (!allowed) return allowed.failure();
  a.allowed_to_decline = allowed.value();
  auto automatic = boolean_field(fields.enable_auto_assign, false);
  if (!automatic) return automatic.failure();
  a.enable_auto_assign = automatic.value();

  // Meaningful only with auto-assign, but a wrong value is an error either way.
  if (const std::string* option = given(fields.display_option)) {
    if (*option != "card_only" && *option != "card_and_tab") {
      return fail(errc::bad_request, *option + " is not a valid display option");
    }
    a.display_option = *option;
  }

  // Auto-assign accepts at once: timeout, offered_on and after_timeout_presence do not apply.
  const std::string* timeout_text = given(fields.timeout);
  if (a.enable_auto_assign || timeout_text == nullptr) return a;

  const auto timeout = parse_integer(*timeout_text);
  if (!timeout) {
    return fail(errc::bad_request, "Invalid value for assignment.timeout: " + *timeout_text);
  }
  if (*timeout < 0) return fail(errc::bad_request, "Timeout value cannot be negative");
  // Bound it so the deadline arithmetic cannot overflow (about 30 years).
  if (*timeout > 1'000'000'000) {
    return fail(errc::bad_request, "Invalid value for assignment.timeout: " + *timeout_text);
  }

  Countdown countdown{tx.now(), *timeout, {}, {}};
  if (const std::string* offered_text = given(fields.offered_on)) {
    const auto offered_on = parse_offer_time(*offered_text);
    if (!offered_on) {
      return fail(errc::bad_request,
                  "Offered time (" + *offered_text +
                      ") must be in the following format: yyyy-MM-dd'T'HH:mm:ss.SSS");
    }
    if (*offered_on > tx.now()) {
      return fail(errc::bad_request,
                  "Offered time (" + *offered_text +
                      ") must be before the current time, otherwise agent will have more time "
                      "to accept the work item");
    }
    countdown.offered_on = *offered_on;
  }
  countdown.deadline = countdown.offered_on + std::chrono::seconds{*timeout};
  if (countdown.deadline <= tx.now()) {
    return fail(errc::bad_request,
                "Timestamp after timeout (" + format_offer_time(countdown.offered_on) +
                    ") must be after the current time, otherwise agent has no time to accept "
                    "the work item");
  }
  if (const std::string* presence = given(fields.after_timeout_presence)) {
    const Record* state = tx.state().find(Table::awa_presence_state, *presence);
    if (state == nullptr) {
      return fail(errc::not_found, *presence + " is not a valid presence state");
    }
    countdown.after_timeout_presence = state->id.str();
  }
  a.countdown = countdown;
  return a;
}

// The agent must be an active user with both agent roles, and Available.
std::optional<Failure> check_agent(const Transaction& tx, const Assignment& a) {
  const Record* user = a.agent.empty() ? nullptr : tx.state().find(Table::sys_user, a.agent);
  if (user == nullptr) return fail(errc::not_found, a.agent_text + " is not a valid agent");
  const Roles roles = Roles::parse((*user)[user_field::roles]);
  if (!user->is_true(user_field::active) || !roles.has_exactly(Role::awa_agent)) {
    return fail(errc::conflict, a.agent_text + " is not a valid agent");
  }
  if (!roles.has_exactly(Role::awa_external_user)) {
    return fail(errc::conflict, "The user does not have the 'awa_external_user' role");
  }
  if (!presence_of(tx.state(), user->id).available) {
    return fail(errc::conflict, "Agent is not available");
  }
  return std::nullopt;
}

// Makes `item` an offer of the assignment to its agent.
void offer_to(Record& item, const Assignment& a, const Transaction& tx) {
  using namespace work_item_field;
  item[assigned_to] = a.agent.str();
  item[state] = a.enable_auto_assign ? work_item_state::accepted : work_item_state::pending_accept;
  item[active] = "true";
  item[allowed_to_decline] = bool_text(a.allowed_to_decline);
  item[enable_auto_assign] = bool_text(a.enable_auto_assign);
  item[display_option] = a.display_option;
  if (a.countdown) {
    item[offered_on] = format_offer_time(a.countdown->offered_on);
    item[timeout] = std::to_string(a.countdown->timeout_seconds);
    item[deadline] = format_offer_time(a.countdown->deadline);
    item[after_timeout_presence] = a.countdown->after_timeout_presence;
  } else {
    item[offered_on] = format_offer_time(tx.now());
    item[timeout].clear();
    item[deadline].clear();
    item[after_timeout_presence].clear();
  }
}

}  // namespace

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
