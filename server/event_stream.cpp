#include "server/event_stream.hpp"

#include <string>

namespace awa::server {
namespace {

// Events read at once: a few hundred kilobytes rendered, at most.
constexpr std::size_t kEventsPerRead = 256;

}  // namespace

EventStream::EventStream(domain::Instance& instance, Offload offload, domain::Caller caller,
                         const domain::EventQuery& query, EventStreamCounters& counters,
                         RenderedEvents& rendered)
    : instance_(instance),
      offload_(std::move(offload)),
      caller_(caller),
      query_(query),
      start_(query.after),
      counters_(counters),
      rendered_(rendered) {
  query_.limit = kEventsPerRead;
  counters_.open.fetch_add(1, std::memory_order_relaxed);
}

EventStream::~EventStream() {
  ended(false);
}

void EventStream::ended(bool slow) {
  if (ended_.exchange(true)) return;
  instance_.event_tail().forget_all_of(this);
  counters_.open.fetch_sub(1, std::memory_order_relaxed);
  if (slow) counters_.closed_slow.fetch_add(1, std::memory_order_relaxed);
}

void EventStream::next(std::size_t max_bytes, Deliver deliver) {
  if (ended_) return;
  if (!instance_.events_in_memory(query_.after)) {
    // From the log: not on the reader's I/O thread.
    const bool taken = offload_([self = shared_from_this(), max_bytes, deliver](bool run) {
      if (!run) {
        return deliver({{}, false, 1001, "server stopping"});  // the pool stops
      }
      deliver(self->batch_of(self->instance_.events(self->caller_, self->query_), max_bytes));
    });
    if (!taken) deliver({{}, false, 1013, "server busy"});
    return;
  }
  auto batch = batch_of(instance_.events(caller_, query_), max_bytes);
  if (!batch.messages.empty() || batch.close_code != 0) return deliver(std::move(batch));
  // Caught up: the next event wakes the reader, which asks again. Events the filter leaves out
  // wake it too; it reads on from where it looked.
  instance_.event_tail().when_after(
      query_.after, [deliver] { deliver({}); }, this);
}

StreamBatch EventStream::batch_of(domain::Outcome<domain::EventPage> page, std::size_t max_bytes) {
  StreamBatch batch;
  if (!page) {
    const auto& failure = page.failure();
    batch.close_code = failure.kind == domain::errc::gone ? kCloseEventsGone : 1011;
    batch.close_reason = failure.message;
    batch.resumable = failure.kind != domain::errc::gone;
    return batch;
  }
  std::size_t bytes = 0;
  for (const auto& event : page->events) {
    if (!batch.messages.empty() && bytes >= max_bytes) {
      // Cut short: the next read starts after the last event sent.
      query_.after = batch.messages.back().position;
      return batch;
    }
    const auto text = rendered_.text(*event);
    bytes += text->size();
    batch.messages.push_back({*text, event->seq});
  }
  query_.after = page->next;
  batch.live = query_.after >= instance_.event_tail().last();
  return batch;
}

}  // namespace awa::server
