// The tables this server keeps (contract section 6): their names, labels and fields.
// Every record is a row of strings aligned to its table's field list, as the Table API shows it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace awa::domain {

enum class Table : std::uint8_t {
  sys_user,
  awa_queue,
  awa_presence_state,
  awa_agent_presence,
  awa_reject_reason,
  interaction,
  task,
  awa_work_item,
  awa_webhook,
};
inline constexpr std::size_t kTableCount = 9;

enum class FieldKind : std::uint8_t {
  text,
  boolean,      // stored as "true"/"false"
  integer,      // stored as decimal text
  reference,    // a sys_id or empty
  password,     // write-only; stored as a password hash, never returned
  timestamp,    // set by the server
  secret,       // write-only; stored as given (a webhook's signing key), never returned
  url,          // an http:// or https:// URL
  event_types,  // a comma list of event types (awa.work_item.offered, ...); empty: all
};

struct FieldSpec {  // NOLINT(clang-analyzer-optin.performance.Padding): a few dozen, kept in
                    // reading order
  std::string_view name;
  FieldKind kind;
  std::string_view default_value = {};
  bool unique = false;  // unique across the table when not empty
  // Characters a written value may not hold, and why (the error says so).
  std::string_view forbidden = {};
  std::string_view forbidden_because = {};
  // The longest value written (a password's before it is hashed), as on the platform.
  std::size_t max_length = 255;
  // Set by the server only: what a client writes to it is ignored, as with the timestamps.
  bool read_only = false;
  // An integer's range.
  std::int64_t min_value = INT64_MIN;
  std::int64_t max_value = INT64_MAX;
};

// Never shown: a password (hashed) or a secret.
inline bool write_only(const FieldSpec& field) {
  return field.kind == FieldKind::password || field.kind == FieldKind::secret;
}

struct TableSpec {
  Table table;
  std::string_view name;
  std::string_view label;  // as in a work item's display name: "Interaction: IMS0000221"
  std::span<const FieldSpec> fields;
  bool writable;                         // through the Table API
  std::string_view required_field = {};  // must be given on create
  bool admin_only = false;               // read by admin only (others may read every table)
};

// Field positions shared by every table: the system timestamps come first.
inline constexpr std::size_t kSysCreatedOn = 0;
inline constexpr std::size_t kSysUpdatedOn = 1;

const TableSpec& spec_of(Table table);
std::optional<Table> table_named(std::string_view name);
std::optional<std::size_t> field_index(Table table, std::string_view field);

// Field positions, named so that rules read like the contract.
namespace user_field {
inline constexpr std::size_t user_name = 2, name = 3, password = 4, roles = 5, active = 6;
}
namespace queue_field {
inline constexpr std::size_t name = 2, external_id = 3, active = 4;
}
namespace presence_state_field {
inline constexpr std::size_t name = 2, available = 3, order = 4;
}
namespace agent_presence_field {
inline constexpr std::size_t agent = 2, current_presence_state = 3;
}
namespace reject_reason_field {
inline constexpr std::size_t value = 2, display_value = 3, order = 4, service_channel = 5;
}
namespace document_field {  // interaction and task
inline constexpr std::size_t number = 2, short_description = 3, active = 4;
}
namespace work_item_field {
inline constexpr std::size_t document_table = 2, document_id = 3, display_name = 4, queue = 5,
                             assigned_to = 6, state = 7, active = 8, offered_on = 9, timeout = 10,
                             deadline = 11, allowed_to_decline = 12, enable_auto_assign = 13,
                             display_option = 14, after_timeout_presence = 15,
                             external_segment_id = 16, rejected = 17, timed_out = 18,
                             offer_count = 19, previous_work_item = 20, consult_state = 21;
}
namespace webhook_field {
inline constexpr std::size_t url = 2, events = 3, active = 4, max_batch = 5, secret = 6,
                             delivered_seq = 7, failing_since = 8, last_error = 9;
}

}  // namespace awa::domain
