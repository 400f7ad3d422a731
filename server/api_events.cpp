// GET /api/now/awa-server/events: the outcome events after a number, as CloudEvents, with an
// optional long poll (wait=S) until one comes.
#include <boost/json/serialize.hpp>

#include <memory>

#include "domain/field_value.hpp"
#include "server/api.hpp"
#include "server/api_answers.hpp"
#include "server/cloud_event.hpp"

namespace awa::server {
namespace {

namespace bj = boost::json;

constexpr std::int64_t kMaxWaitSeconds = 30;

HttpResponse bad_parameter(std::string_view name, std::string_view why) {
  return Api::error_response(400, "Invalid value for parameter " + std::string(name),
                             std::string(why), BodyFormat::json);
}

// {"result":[events...],"next":N}: always JSON, as CloudEvents are.
HttpResponse page_body(const domain::EventPage& page) {
  bj::array events;
  events.reserve(page.events.size());
  for (const auto& event : page.events) events.emplace_back(cloud_event(*event));
  return rendered(200,
                  bj::serialize(bj::object{{"result", std::move(events)}, {"next", page.next}}),
                  BodyFormat::json);
}

}  // namespace

std::optional<HttpResponse> Api::parse_event_query(const Route& route, domain::EventQuery& query,
                                                   std::chrono::seconds& wait) {
  const auto whole = [](const std::optional<std::string>& text, std::int64_t low,
                        std::int64_t high) -> std::optional<std::int64_t> {
    const auto value = domain::parse_integer(*text);
    if (!value || *value < low || *value > high) return std::nullopt;
    return value;
  };
  if (const auto after = route.param("after")) {
    const auto value = whole(after, 0, INT64_MAX);
    if (!value) return bad_parameter("after", "An event number: a whole number, 0 or more");
    query.after = static_cast<std::uint64_t>(*value);
  }
  if (const auto limit = route.param("limit")) {
    const auto max = static_cast<std::int64_t>(domain::EventQuery::kMaxLimit);
    const auto value = whole(limit, 1, max);
    if (!value) return bad_parameter("limit", "A whole number from 1 to " + std::to_string(max));
    query.limit = static_cast<std::size_t>(*value);
  }
  if (const auto types = route.param("types"); types && !types->empty()) {
    query.types = 0;
    std::string_view list = *types;
    while (!list.empty()) {
      const auto comma = list.find(',');
      const auto name = domain::trim_blanks(list.substr(0, comma));
      const auto type = domain::event_type_named(name);
      if (!type) {
        return bad_parameter("types", "Unknown event type: " + std::string(name) +
                                          " (for example awa.work_item.offered)");
      }
      query.types |= 1U << static_cast<unsigned>(*type);
      list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
    }
  }
  if (const auto seconds = route.param("wait")) {
    const auto value = whole(seconds, 0, kMaxWaitSeconds);
    if (!value) {
      return bad_parameter(
          "wait", "Seconds to wait: a whole number from 0 to " + std::to_string(kMaxWaitSeconds));
    }
    wait = std::chrono::seconds(*value);
  }
  return std::nullopt;
}

void Api::stopping() {
  stopping_ = true;
  delayed_.hurry();
}

void Api::events(Call& call) {
  domain::EventQuery query;
  std::chrono::seconds wait{0};
  if (auto refused = parse_event_query(call.route, query, wait)) {
    return call.respond(std::move(*refused));
  }
  read_events(call.caller, query, DelayedCalls::Clock::now() + wait, std::move(call.respond), true);
}

void Api::read_events(const domain::Caller& caller, const domain::EventQuery& query,
                      DelayedCalls::Clock::time_point wait_until, Respond respond,
                      bool on_this_thread) {
  auto read = [this, caller, query, wait_until, respond](bool run) mutable {
    if (!run) return respond(busy(BodyFormat::json));
    auto page = instance_.events(caller, query);
    if (!page) return respond(failure_response(page.failure(), BodyFormat::json));
    if (!page->events.empty() || DelayedCalls::Clock::now() >= wait_until || stopping_) {
      return respond(page_body(page.value()));
    }
    // Nothing yet: wait for the next event, or the end of the wait, whichever comes first.
    // Events that the filter leaves out wake the poll too; it reads on from where it looked.
    struct Poll {
      std::atomic<bool> over{false};
      std::uint64_t woken_by = 0;
      DelayedCalls::Id timer = 0;
    };
    auto poll = std::make_shared<Poll>();
    domain::EventQuery next = query;
    next.after = page->next;
    auto timed_out = [respond, page = std::move(page.value()), poll] {
      if (!poll->over.exchange(true)) respond(page_body(page));
    };
    poll->timer = delayed_.after(wait_until - DelayedCalls::Clock::now(), [this, poll, timed_out] {
      instance_.event_tail().forget(poll->woken_by);
      timed_out();
    });
    poll->woken_by = instance_.event_tail().when_after(
        next.after,
        [this, caller, next, wait_until, respond, poll] {
          // On the thread that published (the commit queue's): the read happens elsewhere.
          if (poll->over.exchange(true)) return;
          delayed_.cancel(poll->timer);
          read_events(caller, next, wait_until, respond, false);
        },
        this);
  };
  // From memory, the read is quick; from the log, it is not done on an I/O thread.
  if (on_this_thread && instance_.events_in_memory(query.after)) return read(true);
  if (!offload_(SlowWorkPool::Priority::low, std::move(read), nullptr)) {
    respond(busy(BodyFormat::json));
  }
}

}  // namespace awa::server
