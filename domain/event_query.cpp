#include "domain/event_query.hpp"

#include <string>

namespace awa::domain {
namespace {

// A filtered read of the log looks at this many events at most: a reader whose events are rare
// gets an empty page and reads on from `next`, rather than holding a thread for the whole log.
constexpr std::size_t kMaxExamined = 100000;

}  // namespace

Outcome<EventFilter> event_filter(const Caller& caller, std::uint32_t types) {
  EventFilter filter{types, {}};
  if (caller.roles.has(Role::admin) || caller.roles.has(Role::awa_manager) ||
      caller.roles.has(Role::awa_integration_user)) {
    return filter;
  }
  if (!caller.roles.has(Role::awa_agent)) {
    return fail(errc::forbidden, "User Not Authorized",
                "Reading events needs the admin, awa_manager, awa_integration_user or awa_agent "
                "role");
  }
  filter.agent = caller.user.str();
  return filter;
}

std::optional<Failure> events_gone(const EventTail& tail, const DurableLog& log,
                                   std::uint64_t after) {
  if (tail.reaches(after)) return std::nullopt;
  const std::uint64_t first = log.first_event();
  if (first != 0 && after + 1 >= first) return std::nullopt;
  return fail(errc::gone, "Events after " + std::to_string(after) + " are no longer kept",
              "The oldest event kept is " + std::to_string(first));
}

Outcome<EventPage> read_events(const EventTail& tail, const DurableLog& log,
                               const EventFilter& filter, const EventQuery& query) {
  EventPage page;
  const auto from_tail = tail.read(query.after, query.limit, filter, page.events);
  page.next = from_tail.next;
  if (from_tail.reached) return page;

  if (auto gone = events_gone(tail, log, query.after)) return std::move(*gone);
  page.events.clear();
  std::size_t examined = 0;
  const auto error = log.read_events(query.after, [&](Event&& event) {
    page.next = event.seq;
    if (filter.matches(event))
      page.events.push_back(std::make_shared<const Event>(std::move(event)));
    return page.events.size() < query.limit && ++examined < kMaxExamined;
  });
  if (error) {
    return fail(errc::storage_failure, "The events could not be read", error.message());
  }
  return page;
}

}  // namespace awa::domain
