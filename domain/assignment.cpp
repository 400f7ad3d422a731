#include "domain/assignment.hpp"

#include "domain/agent_presence.hpp"
#include "domain/field_value.hpp"

namespace awa::domain {
namespace {

Outcome<bool> boolean_field(const std::optional<std::string>& field, bool default_value) {
  const std::string* text = given(field);
  if (text == nullptr) return default_value;
  if (const auto value = parse_bool(*text)) return *value;
  return fail(errc::bad_request, *text + " is not a valid boolean value");
}

}  // namespace

const std::string* given(const std::optional<std::string>& field) {
  return field && !field->empty() ? &*field : nullptr;
}

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

std::optional<Failure> check_agent(const Transaction& tx, const Assignment& a,
                                   std::string_view unavailable) {
  const Record* user = a.agent.empty() ? nullptr : tx.state().find(Table::sys_user, a.agent);
  if (user == nullptr) return fail(errc::not_found, a.agent_text + " is not a valid agent");
  const Roles roles = Roles::parse((*user)[user_field::roles]);
  if (!user->is_true(user_field::active) || !roles.has_exactly(Role::awa_agent)) {
    return fail(errc::conflict, a.agent_text + " is not a valid agent");
  }
  if (!roles.has_exactly(Role::awa_external_user)) {
    return fail(errc::conflict, "The user does not have the 'awa_external_user' role");
  }
  if (!is_available(tx.state(), user->id)) {
    return fail(errc::conflict, std::string(unavailable));
  }
  return std::nullopt;
}

EventType offer_to(Record& item, const Assignment& a, const Transaction& tx) {
  using namespace work_item_field;
  const std::string agent = a.agent.str();
  const std::string offered = format_offer_time(a.countdown ? a.countdown->offered_on : tx.now());
  std::string seconds, ends;
  std::string_view presence;
  if (a.countdown) {
    seconds = std::to_string(a.countdown->timeout_seconds);
    ends = format_offer_time(a.countdown->deadline);
    presence = a.countdown->after_timeout_presence;
  }
  // One rebuild of the record's values for all ten, where a field at a time rebuilt it for each
  // value whose length changed (a fifth of an offer's instructions).
  item.values.set_fields({
      {assigned_to, agent},
      {state, a.enable_auto_assign ? work_item_state::accepted : work_item_state::pending_accept},
      {active, "true"},
      {allowed_to_decline, bool_text(a.allowed_to_decline)},
      {enable_auto_assign, bool_text(a.enable_auto_assign)},
      {display_option, a.display_option},
      {offered_on, offered},
      {timeout, seconds},
      {deadline, ends},
      {after_timeout_presence, presence},
  });
  return a.enable_auto_assign ? EventType::accepted : EventType::offered;
}

Outcome<const Record*> find_active_document(const Transaction& tx, const std::string& table_name,
                                            const std::string& sys_id) {
  const auto table = table_named(table_name);
  const bool is_document = table == Table::interaction || table == Table::task;
  const Record* document = is_document ? tx.state().find(*table, sys_id) : nullptr;
  if (document == nullptr) {
    return fail(errc::not_found, "Document " + table_name + ":" + sys_id + " not found");
  }
  if (!document->is_true(document_field::active)) {
    return fail(errc::conflict, "Document is not active");
  }
  return document;
}

Outcome<const Record*> find_queue(const Transaction& tx, const std::string& id) {
  const Record* queue = tx.state().find(Table::awa_queue, id);
  if (queue == nullptr)
    queue = tx.state().find_unique(Table::awa_queue, queue_field::external_id, id);
  if (queue == nullptr) return fail(errc::not_found, "Queue " + id + " not found");
  return queue;
}

Record new_work_item(const Transaction& tx, SysIdGenerator& ids, const Record& document,
                     const Record& queue) {
  using namespace work_item_field;
  Record item = tx.state().blank(Table::awa_work_item, ids.next());
  const std::string document_id_text = document.id.str();
  const std::string name = std::string(spec_of(document.table).label) + ": " +
                           std::string(document[document_field::number]);
  const std::string queue_id = queue.id.str();
  item.values.set_fields({
      {document_table, spec_of(document.table).name},
      {document_id, document_id_text},
      {display_name, name},
      {work_item_field::queue, queue_id},
      {state, work_item_state::queued},
      {active, "true"},
      {allowed_to_decline, "true"},
      {enable_auto_assign, "false"},
      {display_option, "card_only"},
      {rejected, "false"},
      {timed_out, "false"},
      {offer_count, "0"},
  });
  return item;
}

void close_work_item(Record& item) {
  using namespace work_item_field;
  if (item[state] != work_item_state::accepted) {
    item[state] = work_item_state::cancelled;
  }
  item[active] = "false";
}

}  // namespace awa::domain
