#include "server/message_codec.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <charconv>
#include <cstring>

#include "domain/field_value.hpp"
#include "server/printable.hpp"
#include "server/xml_codec.hpp"

namespace awa::server::message {
namespace bj = boost::json;
using domain::errc;
using domain::fail;
using domain::Failure;
using domain::Outcome;

namespace {

// Longer values are refused. The Table API's fields are held to their own lengths by the domain
// (table_schema), within this; every other API takes ids, times and options only.
constexpr std::size_t kMaxFieldLength = std::size_t{64} * 1024;
constexpr std::size_t kMaxMessageValueLength = 255;

Failure too_long(std::string_view field, std::size_t most) {
  return fail(errc::bad_request, "Value of field " + std::string(field) + " is longer than " +
                                     std::to_string(most) + " characters");
}

Failure invalid(std::string_view field) {
  return fail(errc::bad_request, "Invalid value for field " + std::string(field));
}

// A value as text a record can keep: within `most`, without control characters.
std::optional<Failure> check_text(std::string_view field, std::string_view text, std::size_t most) {
  if (text.size() > most) return too_long(field, most);
  if (domain::has_control_character(text)) {
    return fail(errc::bad_request, "Invalid value for field " + std::string(field) +
                                       ": control characters are not allowed");
  }
  return std::nullopt;
}

// A scalar as the text the rules read: strings as they are, booleans and numbers as written.
std::optional<std::string> scalar_text(const bj::value& v) {
  switch (v.kind()) {
    case bj::kind::string:
      return std::string(v.get_string());
    case bj::kind::bool_:
      return std::string(v.get_bool() ? "true" : "false");
    case bj::kind::int64:
      return std::to_string(v.get_int64());
    case bj::kind::uint64:
      return std::to_string(v.get_uint64());
    case bj::kind::double_: {
      char buffer[64];
      const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, v.get_double());
      return std::string(buffer, end);
    }
    default:
      return std::nullopt;
  }
}

// Reads an optional scalar member; null is absent, an object or array is an error. Errors name
// the member `prefix` + `name` ("assignment." + "timeout"): built only for an error, not for
// every member read (seven allocations an offer).
std::optional<Failure> read(const bj::object& object, std::string_view name,
                            std::optional<std::string>& out, std::string_view prefix = {}) {
  const auto it = object.find(name);
  if (it == object.end() || it->value().is_null()) return std::nullopt;
  out = scalar_text(it->value());
  if (!out) return invalid(std::string(prefix).append(name));
  if (out->size() > kMaxMessageValueLength || domain::has_control_character(*out)) {
    return check_text(std::string(prefix).append(name), *out, kMaxMessageValueLength);
  }
  return std::nullopt;
}

// Reads an optional object member.
Outcome<const bj::object*> member_object(const bj::object& object, std::string_view name) {
  const auto it = object.find(name);
  if (it == object.end() || it->value().is_null()) return static_cast<const bj::object*>(nullptr);
  if (!it->value().is_object()) return invalid(name);
  return &it->value().get_object();
}

// The string is made in the object's memory, not copied into it.
void put_string(bj::object& o, std::string_view key, std::string_view value) {
  o.emplace(key, value);
}

bj::object table_api_object(const domain::Record& record, const std::vector<std::string>* fields) {
  const auto wanted = [&](std::string_view name) {
    return fields == nullptr || std::find(fields->begin(), fields->end(), name) != fields->end();
  };
  bj::object o;
  if (wanted("sys_id")) put_string(o, "sys_id", record.id.str());
  const auto& spec = domain::spec_of(record.table).fields;
  for (std::size_t f = 0; f < spec.size(); ++f) {
    if (domain::write_only(spec[f]) || !wanted(spec[f].name)) continue;
    put_string(o, spec[f].name, record[f]);
  }
  return o;
}

bj::value result(bj::value value) {
  bj::object o(value.storage());
  o.emplace("result", std::move(value));
  return o;
}

// The assignment fields of `object`; `prefix` names them in errors ("assignment." or "").
std::optional<Failure> read_assignment(const bj::object& object, std::string_view prefix,
                                       domain::AssignmentFields& fields) {
  const std::pair<std::string_view, std::optional<std::string>*> members[] = {
      {"agent_sys_id", &fields.agent_sys_id},
      {"allowed_to_decline", &fields.allowed_to_decline},
      {"enable_auto_assign", &fields.enable_auto_assign},
      {"display_option", &fields.display_option},
      {"timeout", &fields.timeout},
      {"offered_on", &fields.offered_on},
      {"after_timeout_presence", &fields.after_timeout_presence},
  };
  for (const auto& [name, out] : members) {
    if (auto e = read(object, name, *out, prefix)) return e;
  }
  return std::nullopt;
}

}  // namespace

Outcome<domain::OfferRequest> decode_offer(const bj::object& root) {
  domain::OfferRequest request;
  if (auto e = read(root, "queue_id", request.queue_id)) return *e;
  if (auto e = read(root, "external_segment_id", request.external_segment_id)) {
    return *e;
  }

  auto assignment = member_object(root, "assignment");
  if (!assignment) return assignment.failure();
  if (const bj::object* a = assignment.value()) {
    if (auto e = read_assignment(*a, "assignment.", request.assignment.emplace())) return *e;
  }

  auto transfer = member_object(root, "transfer");
  if (!transfer) return transfer.failure();
  if (const bj::object* t = transfer.value()) {
    auto& fields = request.transfer.emplace();
    const std::pair<std::string_view, std::optional<std::string>*> members[] = {
        {"source_queue_id", &fields.source_queue_id},
        {"target_id", &fields.target_id},
        {"target_type", &fields.target_type},
        {"transfer_type", &fields.transfer_type},
    };
    for (const auto& [name, out] : members) {
      if (auto e = read(*t, name, *out, "transfer.")) return *e;
    }
    if (auto e = read_assignment(*t, "transfer.", fields.offer)) return *e;
  }
  return request;
}

Outcome<domain::FieldValues> decode_fields(const bj::object& body) {
  domain::FieldValues values;
  for (const auto& member : body) {
    if (member.value().is_null()) {
      values.emplace_back(std::string(member.key()), std::string{});
      continue;
    }
    auto text = scalar_text(member.value());
    if (!text) return invalid(member.key());
    if (auto e = check_text(member.key(), *text, kMaxFieldLength)) return *e;
    values.emplace_back(std::string(member.key()), std::move(*text));
  }
  return values;
}

Outcome<std::optional<std::string>> decode_presence(const bj::object& body) {
  auto presence = member_object(body, "presence");
  if (!presence) return presence.failure();
  std::optional<std::string> sys_id;
  if (presence.value() != nullptr) {
    if (auto e = read(*presence.value(), "sys_id", sys_id, "presence.")) return *e;
  }
  return sys_id;
}

Outcome<domain::InboxActionRequest> decode_inbox_action(const bj::object& body) {
  domain::InboxActionRequest request;
  if (auto e = read(body, "agent_id", request.agent_id)) return *e;
  if (auto e = read(body, "work_item_id", request.work_item_id)) return *e;
  if (auto e = read(body, "reject_reason_id", request.reject_reason_id)) {
    return *e;
  }
  return request;
}

Outcome<domain::AssignmentFields> decode_assignment(const bj::object& body) {
  domain::AssignmentFields fields;
  if (auto e = read_assignment(body, "", fields)) return *e;
  return fields;
}

Outcome<domain::ConsultEndRequest> decode_consult_end(const bj::object& body) {
  domain::ConsultEndRequest request;
  if (auto e = read(body, "document_sys_id", request.document_sys_id)) return *e;
  if (auto e = read(body, "hand_over", request.hand_over)) return *e;
  return request;
}

bj::value server_stats(const ServerStats& stats) {
  const auto& t = stats.timeouts;
  bj::object timeouts{{"pending", stats.pending_timeouts},
                      {"fired", t.fired()},
                      {"peak_due_in_one_second", t.peak_due_in_one_second()},
                      {"lateness_ms",
                       {{"p50", t.lateness_percentile_ms(0.5)},
                        {"p99", t.lateness_percentile_ms(0.99)},
                        {"p999", t.lateness_percentile_ms(0.999)},
                        {"max", t.max_lateness_ms()}}}};
  bj::object commits{{"writes", stats.commits.writes}, {"change_sets", stats.commits.change_sets}};
  const auto& l = stats.lock;
  bj::object lock{
      {"acquisitions", l.acquisitions},
      {"contended", l.contended},
      {"timed", l.timed},
      {"hold_us", {{"p50", l.hold_p50_us}, {"p99", l.hold_p99_us}, {"max", l.hold_max_us}}}};
  bj::object o{
      {"records", stats.records},
      {"timeouts", std::move(timeouts)},
      {"commits", std::move(commits)},
      {"lock", std::move(lock)},
      {"events",
       {{"last", stats.last_event},
        {"streams", {{"open", stats.streams_open}, {"closed_slow", stats.streams_closed_slow}}}}}};
  return result(std::move(o));
}

bj::value consult_ended() {
  bj::object o;
  put_string(o, "message", domain::kConsultEnded);
  return result(std::move(o));
}

bj::value inbox_action_done(const domain::InboxActionDone& done) {
  bj::object o;
  put_string(o, "documentSysId", done.document_sys_id);
  put_string(o, "documentTable", done.document_table);
  return result(std::move(o));
}

bj::value reject_reasons(const std::vector<domain::Record>& reasons) {
  bj::array a;
  for (const auto& r : reasons) {
    bj::object o;
    put_string(o, "order", r[domain::reject_reason_field::order]);
    put_string(o, "value", r[domain::reject_reason_field::value]);
    put_string(o, "display_value", r[domain::reject_reason_field::display_value]);
    put_string(o, "sys_id", r.id.str());
    a.emplace_back(std::move(o));
  }
  return result(std::move(a));
}

bj::value presence_states(const std::vector<domain::PresenceStateView>& states) {
  bj::array a;
  for (const auto& state : states) {
    bj::object o;
    put_string(o, "sys_id", state.sys_id);
    put_string(o, "name", state.name);
    o.emplace("order", state.order);
    o.emplace("available", state.available);
    a.emplace_back(std::move(o));
  }
  return result(std::move(a));
}

bj::value capacities(const domain::CapacityView& view) {
  bj::array channels;
  for (const auto& c : view.channels) {
    bj::object o;
    put_string(o, "sys_id", c.sys_id);
    put_string(o, "name", c.name);
    o.emplace("capacity", c.capacity);
    o.emplace("workload", c.workload);
    channels.emplace_back(std::move(o));
  }
  bj::object o;
  o.emplace("universal_capacity", view.universal_capacity);
  o.emplace("universal_workload", view.universal_workload);
  o.emplace("channels", std::move(channels));
  return result(std::move(o));
}

bj::value offer_success(const domain::OfferAccepted& accepted, const bj::storage_ptr& memory) {
  const auto& w = accepted.work_item;
  bj::object work_item(5, memory);  // sized up front: no rehash as fields go in (1% of an offer)
  put_string(work_item, "display_name", w.display_name);
  put_string(work_item, "sys_id", w.sys_id);
  put_string(work_item, "document_id", w.document_id);
  put_string(work_item, "document_table", w.document_table);
  put_string(work_item, "queue", w.queue);
  bj::object o(3, memory);
  o.emplace("work_item", std::move(work_item));
  o.emplace("success", true);
  put_string(o, "message", accepted.message);
  return result(std::move(o));
}

namespace {

// Whether any of `text`'s bytes must be escaped in JSON: a control character, '"' or '\\'.
// Eight bytes at a time (a word's bytes tested at once, the "has a byte less than n" and
// "has a zero byte" bit tricks), then byte by byte: an offer's answer scans some 200 characters.
bool needs_json_escape(std::string_view text) {
  constexpr std::uint64_t kOnes = 0x0101010101010101u;
  constexpr std::uint64_t kHighs = 0x8080808080808080u;
  const auto has_zero_byte = [](std::uint64_t v) { return ((v - kOnes) & ~v & kHighs) != 0; };
  std::size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    std::uint64_t word;
    std::memcpy(&word, text.data() + i, sizeof word);
    const bool control = ((word - kOnes * 0x20) & ~word & kHighs) != 0;  // a byte below 0x20
    if (control || has_zero_byte(word ^ (kOnes * '"')) || has_zero_byte(word ^ (kOnes * '\\'))) {
      return true;
    }
  }
  return std::any_of(text.begin() + i, text.end(), [](char c) {
    return static_cast<unsigned char>(c) < 0x20 || c == '"' || c == '\\';
  });
}

// `text` as a JSON string, quotes included, escaped as boost::json::serialize escapes it: text
// that needs no escape (sys_ids, names, the usual) is copied, the rest goes through the library.
void append_json_string(std::string& out, std::string_view text) {
  if (!needs_json_escape(text)) {
    out.append(1, '"').append(text).append(1, '"');
    return;
  }
  bj::serializer serializer;
  serializer.reset(bj::string_view(text.data(), text.size()));
  char buffer[256];
  while (!serializer.done()) {
    const auto piece = serializer.read(buffer, sizeof buffer);
    out.append(piece.data(), piece.size());
  }
}

}  // namespace

std::string offer_success_json(const domain::OfferAccepted& accepted) {
  const auto& w = accepted.work_item;
  std::string out;
  out.reserve(160 + w.display_name.size() + w.sys_id.size() + w.document_id.size() +
              w.document_table.size() + w.queue.size() + accepted.message.size());
  out.append(R"({"result":{"work_item":{"display_name":)");
  append_json_string(out, w.display_name);
  out.append(R"(,"sys_id":)");
  append_json_string(out, w.sys_id);
  out.append(R"(,"document_id":)");
  append_json_string(out, w.document_id);
  out.append(R"(,"document_table":)");
  append_json_string(out, w.document_table);
  out.append(R"(,"queue":)");
  append_json_string(out, w.queue);
  out.append(R"(},"success":true,"message":)");
  append_json_string(out, accepted.message);
  out.append("}}");
  return out;
}

// Messages echo what requests held (a table's name, an agent's id, a value): escaped where that
// is not plain UTF-8 text (see printable.hpp).
bj::value offer_failure(std::string_view message) {
  bj::object o;
  o.emplace("success", false);
  put_string(o, "message", printable(message));
  return result(std::move(o));
}

bj::value error(std::string_view message, std::optional<std::string_view> detail) {
  bj::object e;
  put_string(e, "message", printable(message));
  if (detail) {
    put_string(e, "detail", printable(*detail));
  } else {
    e.emplace("detail", nullptr);
  }
  bj::object o;
  o.emplace("error", std::move(e));
  put_string(o, "status", "failure");
  return o;
}

bj::object record_object(const domain::Record& r, const std::vector<std::string>* fields) {
  return table_api_object(r, fields);
}

bj::value record(const domain::Record& r, const std::vector<std::string>* fields) {
  return result(table_api_object(r, fields));
}

std::optional<std::string> records_body(const std::vector<domain::Record>& rs,
                                        const std::vector<std::string>* fields, BodyFormat format,
                                        std::size_t max_bytes) {
  const bool xml = format == BodyFormat::xml;
  std::string out =
      xml ? R"(<?xml version="1.0" encoding="UTF-8"?><response><result>)" : R"({"result":[)";
  for (std::size_t i = 0; i < rs.size(); ++i) {
    const bj::value record = table_api_object(rs[i], fields);
    if (xml) {
      xml::append_element(out, "entry", record);
    } else {
      if (i > 0) out += ',';
      out += bj::serialize(record);
    }
    if (out.size() > max_bytes) return std::nullopt;
  }
  out += xml ? "</result></response>" : "]}";
  if (out.size() > max_bytes) return std::nullopt;
  return out;
}

bj::value agent(const domain::AgentView& view) {
  bj::array channels;
  for (const auto& c : view.channels) {
    bj::object channel;
    put_string(channel, "sys_id", c.sys_id);
    put_string(channel, "name", c.name);
    channel.emplace("available", c.available);
    channels.emplace_back(std::move(channel));
  }
  bj::object presence;
  put_string(presence, "sys_id", view.presence.sys_id);
  put_string(presence, "name", view.presence.name);
  presence.emplace("available", view.presence.available);
  presence.emplace("channels", std::move(channels));
  bj::object o;
  put_string(o, "sys_id", view.sys_id);
  o.emplace("presence", std::move(presence));
  return result(std::move(o));
}

}  // namespace awa::server::message
