#include "domain/table_schema.hpp"

#include <array>

namespace awa::domain {
namespace {

using K = FieldKind;

#define AWA_SYS_FIELDS                \
  {"sys_created_on", K::timestamp}, { \
    "sys_updated_on", K::timestamp    \
  }

// Lengths as the platform's dictionary has them: 40 for user names and numbers, 100 for names,
// 255 for ids and what it does not say, 4,000 for descriptions (the documents' one text).
constexpr FieldSpec kUserFields[] = {
    AWA_SYS_FIELDS,
    {"user_name", K::text, {}, true, ":", "HTTP Basic authentication cannot carry it", 40},
    {"name", K::text, {}, false, {}, {}, 100},
    {"password", K::password},
    {"roles", K::text, {}, false, {}, {}, 1000},
    {"active", K::boolean, "true"},
};
constexpr FieldSpec kQueueFields[] = {
    AWA_SYS_FIELDS,
    {"name", K::text, {}, false, {}, {}, 100},
    {"external_id", K::text, {}, true},
    {"active", K::boolean, "true"},
};
constexpr FieldSpec kPresenceStateFields[] = {
    AWA_SYS_FIELDS,
    {"name", K::text, {}, false, {}, {}, 100},
    {"available", K::boolean, "false"},
    {"order", K::integer, "0"},
};
constexpr FieldSpec kAgentPresenceFields[] = {
    AWA_SYS_FIELDS,
    {"agent", K::reference, {}, true},
    {"current_presence_state", K::reference},
};
constexpr FieldSpec kRejectReasonFields[] = {
    AWA_SYS_FIELDS,
    {"value", K::text, {}, false, {}, {}, 40},
    {"display_value", K::text, {}, false, {}, {}, 100},
    {"order", K::integer, "0"},
    {"service_channel", K::reference},
};
constexpr FieldSpec kDocumentFields[] = {
    AWA_SYS_FIELDS,
    {"number", K::text, {}, false, {}, {}, 40},
    {"short_description", K::text, {}, false, {}, {}, 4000},
    {"active", K::boolean, "true"},
};
constexpr FieldSpec kWorkItemFields[] = {
    AWA_SYS_FIELDS,
    {"document_table", K::text},
    {"document_id", K::reference},
    {"display_name", K::text},
    {"queue", K::reference},
    {"assigned_to", K::reference},
    {"state", K::text},
    {"active", K::boolean},
    {"offered_on", K::text},
    {"timeout", K::text},
    {"deadline", K::text},
    {"allowed_to_decline", K::boolean},
    {"enable_auto_assign", K::boolean},
    {"display_option", K::text},
    {"after_timeout_presence", K::reference},
    {"external_segment_id", K::text},
    {"rejected", K::boolean},
    {"timed_out", K::boolean},
    {"offer_count", K::integer},
    {"previous_work_item", K::reference},
    {"consult_state", K::text},  // empty, or open / transferred / ended / cancelled
};

// Delivery goes on from delivered_seq (the newest event when the webhook was made); the
// deliverer notes how far it got, and since when and why it fails.
constexpr FieldSpec kWebhookFields[] = {
    AWA_SYS_FIELDS,
    {.name = "url", .kind = K::url, .max_length = 2000},
    {.name = "events", .kind = K::event_types, .max_length = 1000},
    {.name = "active", .kind = K::boolean, .default_value = "true"},
    {.name = "max_batch",
     .kind = K::integer,
     .default_value = "1",
     .min_value = 1,
     .max_value = 1000},
    {.name = "secret", .kind = K::secret, .max_length = 100},
    {.name = "delivered_seq", .kind = K::integer, .default_value = "0", .read_only = true},
    {.name = "failing_since", .kind = K::text, .read_only = true},
    {.name = "last_error", .kind = K::text, .max_length = 1000, .read_only = true},
};

#undef AWA_SYS_FIELDS

constexpr std::array<TableSpec, kTableCount> kTables{{
    {Table::sys_user, "sys_user", "User", kUserFields, true, "user_name"},
    {Table::awa_queue, "awa_queue", "Queue", kQueueFields, true},
    {Table::awa_presence_state, "awa_presence_state", "Presence State", kPresenceStateFields, true},
    // Presence changes go through the Agent API, which checks what it is given.
    {Table::awa_agent_presence, "awa_agent_presence", "Agent Presence", kAgentPresenceFields,
     false},
    {Table::awa_reject_reason, "awa_reject_reason", "Reject Reason", kRejectReasonFields, true},
    {Table::interaction, "interaction", "Interaction", kDocumentFields, true},
    {Table::task, "task", "Task", kDocumentFields, true},
    {Table::awa_work_item, "awa_work_item", "Work Item", kWorkItemFields, false},
    {Table::awa_webhook, "awa_webhook", "Webhook", kWebhookFields, true, "url", true},
}};

}  // namespace

const TableSpec& spec_of(Table table) {
  return kTables[static_cast<std::size_t>(table)];
}

std::optional<Table> table_named(std::string_view name) {
  for (const auto& spec : kTables) {
    if (spec.name == name) return spec.table;
  }
  return std::nullopt;
}

std::optional<std::size_t> field_index(Table table, std::string_view field) {
  const auto fields = spec_of(table).fields;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].name == field) return i;
  }
  return std::nullopt;
}

}  // namespace awa::domain
