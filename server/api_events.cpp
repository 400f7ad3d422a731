// GET /api/now/awa-server/events: the outcome events after a number, as CloudEvents, with an
// optional long poll (wait=S) until one comes.
#include <boost/json/serialize.hpp>

#include <memory>

#include "server/api.hpp"
#include "server/api_answers.hpp"
#include "server/cloud_event.hpp"
#include "server/event_query_params.hpp"

namespace awa::server {
namespace {

namespace bj = boost::json;

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
  read_events(call.caller, query, DelayedCalls::Clock::now() + wait, call.respond, true);
}

void Api::event_stream(Call& call) {
  if (!call.request.websocket) {
    auto answer = error_response(426, "Upgrade Required",
                                 "This endpoint is a WebSocket: ask for Upgrade: websocket "
                                 "(GET /api/now/awa-server/events reads the same events in pages)",
                                 BodyFormat::json);
    answer.headers.emplace_back("Upgrade", "websocket");
    return call.respond(std::move(answer));
  }
  domain::EventQuery query;
  std::chrono::seconds wait{0};
  if (auto refused = parse_event_query(call.route, query, wait)) {
    return call.respond(std::move(*refused));
  }
  for (const char* name : {"limit", "wait"}) {
    if (call.route.param(name)) {
      return call.respond(error_response(400, std::string("Invalid value for parameter ") + name,
                                         "The stream takes only after and types",
                                         BodyFormat::json));
    }
  }
  if (stopping_) return call.respond(busy(BodyFormat::json));
  auto reader = instance_.event_reader(call.caller, query);
  if (!reader) return call.respond(failure_response(reader.failure(), BodyFormat::json));
  HttpResponse upgrade;
  upgrade.status = 101;
  upgrade.stream = std::make_shared<EventStream>(
      instance_,
      [this](SlowWorkPool::Work work) {
        return offload_(SlowWorkPool::Priority::low, std::move(work), nullptr);
      },
      call.caller, query, event_streams_, rendered_events_);
  call.respond(std::move(upgrade));
}

void Api::read_events(const domain::Caller& caller, const domain::EventQuery& query,
                      DelayedCalls::Clock::time_point wait_until, const Respond& respond,
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
      // Set after the timer is: its thread may read it first (then the wait is dropped unheard).
      std::atomic<std::uint64_t> woken_by{0};
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
