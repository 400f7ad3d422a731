// The Offer Work request (contract section 1) as the server decoded it. Scalars stay as the
// text the caller sent, so JSON and XML bodies reach the same rules and the same messages.
#pragma once

#include <optional>
#include <string>

namespace awa::domain {

struct AssignmentFields {
  std::optional<std::string> agent_sys_id;
  std::optional<std::string> allowed_to_decline;
  std::optional<std::string> enable_auto_assign;
  std::optional<std::string> display_option;
  std::optional<std::string> timeout;
  std::optional<std::string> offered_on;
  std::optional<std::string> after_timeout_presence;
};

struct TransferFields {
  std::optional<std::string> source_queue_id;
  std::optional<std::string> target_id;
  std::optional<std::string> target_type;
  std::optional<std::string> transfer_type;
  // The offer the transfer makes takes the assignment's fields (timeout, allowed_to_decline,
  // ...), given inside `transfer` since `assignment` and `transfer` exclude each other.
  AssignmentFields offer;
};

struct OfferRequest {
  std::string document_table;
  std::string document_id;
  std::optional<std::string> queue_id;
  std::optional<std::string> external_segment_id;
  std::optional<AssignmentFields> assignment;
  std::optional<TransferFields> transfer;
};

// The `work_item` object of a successful answer.
struct WorkItemSummary {
  std::string display_name;
  std::string sys_id;
  std::string document_id;
  std::string document_table;
  std::string queue;  // as the caller named it
};

inline constexpr std::string_view kTransferRequested = "Transfer successfully requested.";

struct OfferAccepted {
  std::string message;
  WorkItemSummary work_item;
};

}  // namespace awa::domain
