// The event stream's messages (GET /api/now/awa-server/events/stream): the events after a
// number that the caller may read, as CloudEvents, one a message; from the tail in memory on the
// reader's own thread, from the log on the slow pool; then, caught up, each as it is published.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

#include "domain/instance.hpp"
#include "server/message_stream.hpp"
#include "server/rendered_events.hpp"
#include "server/slow_work_pool.hpp"

namespace awa::server {

// WebSocket close codes of the stream, beyond RFC 6455's: events after the reader's are no
// longer kept (as 410 on the events API).
inline constexpr std::uint16_t kCloseEventsGone = 4010;

// How many streams there are, for the stats.
struct EventStreamCounters {
  std::atomic<std::uint64_t> open{0};
  std::atomic<std::uint64_t> closed_slow{0};
};

class EventStream final : public MessageStream, public std::enable_shared_from_this<EventStream> {
public:
  // Runs a read of the log away from the I/O threads; false when it is not taken.
  using Offload = std::function<bool(SlowWorkPool::Work)>;

  // `query`: after and types (its limit is the stream's own). The caller was checked
  // (Instance::event_reader).
  EventStream(domain::Instance& instance, Offload offload, domain::Caller caller,
              const domain::EventQuery& query, EventStreamCounters& counters,
              RenderedEvents& rendered);
  ~EventStream() override;

  std::uint64_t start() const override { return start_; }
  void next(std::size_t max_bytes, Deliver deliver) override;
  void ended(bool slow) override;

private:
  // The batch a read gives: its events rendered up to `max_bytes`, or the close it calls for.
  StreamBatch batch_of(domain::Outcome<domain::EventPage> page, std::size_t max_bytes);

  domain::Instance& instance_;
  Offload offload_;
  const domain::Caller caller_;
  domain::EventQuery query_;  // after: where the next read starts
  const std::uint64_t start_;
  EventStreamCounters& counters_;
  RenderedEvents& rendered_;
  std::atomic<bool> ended_{false};
};

}  // namespace awa::server
