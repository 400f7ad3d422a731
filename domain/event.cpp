#include "domain/event.hpp"

#include <array>
#include <ostream>

#include "domain/assignment.hpp"

namespace awa::domain {
namespace {

constexpr std::array<std::string_view, kEventTypeCount> kNames = {
    "",
    "awa.work_item.offered",
    "awa.work_item.accepted",
    "awa.work_item.rejected",
    "awa.work_item.timed_out",
    "awa.work_item.transferred",
    "awa.work_item.cancelled",
    "awa.consult.started",
    "awa.consult.ended",
    "awa.agent.presence_changed",
};

}  // namespace

std::string_view event_type_name(EventType type) {
  return kNames[static_cast<std::size_t>(type)];
}

std::optional<EventType> event_type_named(std::string_view name) {
  for (std::size_t i = 1; i < kNames.size(); ++i) {
    if (kNames[i] == name) return static_cast<EventType>(i);
  }
  return std::nullopt;
}

std::ostream& operator<<(std::ostream& out, EventType type) {
  return out << (type == EventType::none ? "none" : event_type_name(type));
}

EventType implied_event(const Record* before, const Record& after) {
  if (after.table == Table::awa_agent_presence) {
    const auto field = agent_presence_field::current_presence_state;
    const bool changed = before == nullptr || (*before)[field] != after[field];
    return changed && !after[field].empty() ? EventType::presence_changed : EventType::none;
  }
  if (after.table != Table::awa_work_item) return EventType::none;
  const std::string_view state = after[work_item_field::state];
  if (before != nullptr && (*before)[work_item_field::state] == state) return EventType::none;
  if (state == work_item_state::pending_accept) return EventType::offered;
  if (state == work_item_state::accepted) return EventType::accepted;
  if (state == work_item_state::cancelled) return EventType::cancelled;
  return EventType::none;
}

std::string Event::subject() const {
  if (record.table == Table::awa_agent_presence) {
    return std::string(record[agent_presence_field::agent]);
  }
  return record.id.str();
}

EventFacts facts_of(const RecordChange& change) {
  EventFacts facts;
  const Record* before = change.before ? &*change.before : nullptr;
  const Record& after = *change.after;
  if (change.table == Table::awa_agent_presence) {
    if (before != nullptr) facts.previous = (*before)[agent_presence_field::current_presence_state];
    facts.agent = after[agent_presence_field::agent];
    return facts;
  }
  // One walk of each image (every offer's event reads these).
  namespace f = work_item_field;
  facts.agent = after[f::assigned_to];
  if (before != nullptr) {
    const auto [agent_before, state_before] = before->values.at_many({f::assigned_to, f::state});
    facts.previous = state_before;
    if (facts.agent.empty()) facts.agent = agent_before;
  }
  return facts;
}

Event take_event(RecordChange& change, std::uint64_t seq) {
  const EventFacts facts = facts_of(change);
  Event event{
      seq, change.event, change.at, {}, std::string(facts.previous), std::string(facts.agent)};
  event.record = std::move(*change.after);
  return event;
}

}  // namespace awa::domain
