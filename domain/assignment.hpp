// An assignment of a work item to an agent, as Offer Work and Manual Assignment take it:
// checking its values and its agent, and making a work item an offer to that agent.
#pragma once

#include <optional>
#include <string>

#include "domain/errc.hpp"
#include "domain/offer_request.hpp"
#include "domain/transaction.hpp"

namespace awa::domain {

// Work item states, as stored.
namespace work_item_state {
inline constexpr std::string_view pending_accept = "pending_accept";
inline constexpr std::string_view accepted = "accepted";
inline constexpr std::string_view queued = "queued";
inline constexpr std::string_view cancelled = "cancelled";
}  // namespace work_item_state

// The offer's countdown, when it has one.
struct Countdown {
  TimePoint offered_on;
  std::int64_t timeout_seconds = 0;
  TimePoint deadline;
  std::string after_timeout_presence;  // sys_id, or empty: presence stays
};

// The assignment's values, checked.
struct Assignment {
  SysId agent;  // empty when the text is no sys_id: then no such user exists
  std::string agent_text;
  bool allowed_to_decline = true;
  bool enable_auto_assign = false;
  std::string display_option = "card_only";
  std::optional<Countdown> countdown;
};

// The vendor's defaults are written as "Empty string": an empty value is an absent one.
const std::string* given(const std::optional<std::string>& field);

// Every 400 of the assignment's values, and the 404 of after_timeout_presence.
// `fields.agent_sys_id` must be given.
Outcome<Assignment> check_assignment(const Transaction& tx, const AssignmentFields& fields);
// The agent must be an active user with both agent roles, and Available (else 409 with
// `unavailable`).
std::optional<Failure> check_agent(const Transaction& tx, const Assignment& assignment,
                                   std::string_view unavailable = "Agent is not available");

// The active document `table`:`sys_id` (404 unknown, 409 inactive).
Outcome<const Record*> find_active_document(const Transaction& tx, const std::string& table,
                                            const std::string& sys_id);
// A queue by sys_id or external_id (404 unknown).
Outcome<const Record*> find_queue(const Transaction& tx, const std::string& id);
// A new work item for the document, unassigned, not yet offered.
Record new_work_item(const Transaction& tx, SysIdGenerator& ids, const Record& document,
                     const Record& queue);
// Takes a work item out of play: one that was accepted is done, any other is cancelled.
void close_work_item(Record& item);
// Makes `item` an offer of the assignment to its agent (accepted at once with auto-assign); the
// event that makes.
EventType offer_to(Record& item, const Assignment& assignment, const Transaction& tx);

}  // namespace awa::domain
