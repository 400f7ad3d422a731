// JSON bodies: decoding requests into the domain's typed requests (scalars as text, 400s naming
// the field) and encoding the platform's answer and error envelopes.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/agent_presence.hpp"
#include "domain/errc.hpp"
#include "domain/inbox_actions.hpp"
#include "domain/offer_request.hpp"
#include "domain/record.hpp"
#include "domain/table_service.hpp"

namespace awa::server::json {

inline constexpr std::string_view kNotValidJson = "Request body is not valid JSON";

domain::Outcome<domain::OfferRequest> decode_offer(std::string_view body);
domain::Outcome<domain::FieldValues> decode_fields(std::string_view body);
// The agent API's {"presence": {"sys_id": ...}}; empty optional when absent.
domain::Outcome<std::optional<std::string>> decode_presence(std::string_view body);

domain::Outcome<domain::InboxActionRequest> decode_inbox_action(std::string_view body);
// Manual Assignment: the assignment fields at the top level of the body.
domain::Outcome<domain::AssignmentFields> decode_assignment(std::string_view body);

std::string inbox_action_done(const domain::InboxActionDone& done);
std::string reject_reasons(const std::vector<domain::Record>& reasons);
std::string presence_states(const std::vector<domain::PresenceStateView>& states);
std::string capacities(const domain::CapacityView& view);

std::string offer_success(const domain::OfferAccepted& accepted);
std::string offer_failure(std::string_view message);
// {"error": {"message": ..., "detail": ...}, "status": "failure"}; no detail: null.
std::string error(std::string_view message, std::optional<std::string_view> detail = {});

// Only `fields` when given (sysparm_fields); the password field never.
std::string record(const domain::Record& record, const std::vector<std::string>* fields = nullptr);
std::string records(const std::vector<domain::Record>& records,
                    const std::vector<std::string>* fields = nullptr);
std::string agent(const domain::AgentView& view);

}  // namespace awa::server::json
