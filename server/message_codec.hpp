// The API's messages as trees (Boost.JSON values), whichever format they travel in: decoding
// request bodies into the domain's typed requests (scalars as text, 400s naming the field), and
// encoding answers in the platform's result and error envelopes. body_format turns the trees
// into JSON or XML text and back.
#pragma once

#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/agent_presence.hpp"
#include "domain/commit_queue.hpp"
#include "domain/consult.hpp"
#include "domain/errc.hpp"
#include "domain/inbox_actions.hpp"
#include "domain/offer_request.hpp"
#include "domain/record.hpp"
#include "domain/table_service.hpp"
#include "domain/timeout_stats.hpp"
#include "server/body_format.hpp"

namespace awa::server::message {

domain::Outcome<domain::OfferRequest> decode_offer(const boost::json::object& body);
domain::Outcome<domain::FieldValues> decode_fields(const boost::json::object& body);
// The agent API's {"presence": {"sys_id": ...}}; empty optional when absent.
domain::Outcome<std::optional<std::string>> decode_presence(const boost::json::object& body);

domain::Outcome<domain::InboxActionRequest> decode_inbox_action(const boost::json::object& body);
// Manual Assignment: the assignment fields at the top level of the body.
domain::Outcome<domain::AssignmentFields> decode_assignment(const boost::json::object& body);

domain::Outcome<domain::ConsultEndRequest> decode_consult_end(const boost::json::object& body);
boost::json::value consult_ended();

boost::json::value inbox_action_done(const domain::InboxActionDone& done);
boost::json::value reject_reasons(const std::vector<domain::Record>& reasons);
boost::json::value presence_states(const std::vector<domain::PresenceStateView>& states);
boost::json::value capacities(const domain::CapacityView& view);

// Built in `memory` (the default resource when not given): an answer's tree lives only until
// it is rendered.
boost::json::value offer_success(const domain::OfferAccepted& accepted,
                                 const boost::json::storage_ptr& memory = {});
// offer_success() as JSON text, written straight out rather than through a tree: the same
// bytes, for the busiest answer (the tree and its serializing took an eighth of an offer's
// instructions).
std::string offer_success_json(const domain::OfferAccepted& accepted);
boost::json::value offer_failure(std::string_view message);
// {"error": {"message": ..., "detail": ...}, "status": "failure"}; no detail: null.
boost::json::value error(std::string_view message, std::optional<std::string_view> detail = {});

// The record's fields as the Table API shows them: only `fields` when given (sysparm_fields);
// the password field never.
boost::json::object record_object(const domain::Record& record,
                                  const std::vector<std::string>* fields = nullptr);
// {"result": record_object(...)}.
boost::json::value record(const domain::Record& record,
                          const std::vector<std::string>* fields = nullptr);
// {"result": [records...]} as `format` text, record by record; empty once it would take more
// than `max_bytes` (so an answer too large is never built whole).
std::optional<std::string> records_body(const std::vector<domain::Record>& records,
                                        const std::vector<std::string>* fields, BodyFormat format,
                                        std::size_t max_bytes);
boost::json::value agent(const domain::AgentView& view);

// GET /api/now/awa-server/stats (this server's own, not the platform's).
struct ServerStats {
  std::size_t records = 0;
  std::size_t pending_timeouts = 0;
  domain::TimeoutStats timeouts;
  domain::CommitQueue::Stats commits;
  domain::StateLock::Stats lock;
  std::uint64_t last_event = 0;  // the newest event's number
  std::uint64_t streams_open = 0;
  std::uint64_t streams_closed_slow = 0;  // closed with 4008
};
boost::json::value server_stats(const ServerStats& stats);

}  // namespace awa::server::message
